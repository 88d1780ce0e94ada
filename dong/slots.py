"""What the associations put on pages below them: the home page's notices and list of associations."""

from django.template import Context
from wagtail import hooks

from district.slots import render_section, slot_hook
from dong.selectors import latest_notices, public_dongs


def _home_associations(context: Context) -> list:
    """The home page's associations, read once per page render (both sections use them)."""
    cache = context.render_context
    if "dong_home_associations" not in cache:
        cache["dong_home_associations"] = list(public_dongs(context["page"]))
    return cache["dong_home_associations"]


@hooks.register(slot_hook("home"), order=10)
def home_notices(context: Context, **kwargs) -> str:
    notices = latest_notices(
        8, within=context["page"], known_dongs=_home_associations(context)
    )
    return render_section(
        context, "dong/includes/home_notices.html", {"latest_notices": notices}
    )


# First: on a phone the 22 associations were ~2,000 px down, below every other section.
@hooks.register(slot_hook("home"), order=5)
def home_associations(context: Context, **kwargs) -> str:
    return render_section(
        context,
        "dong/includes/home_associations.html",
        {"associations": _home_associations(context)},
    )
