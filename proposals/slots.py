"""What proposals put on pages below them: the open budget cycles on the home page and an association's page."""

from django.template import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from wagtail import hooks

from district.slots import render_section, slot_hook
from proposals.selectors import open_cycles


@hooks.register(slot_hook("home"), order=25)
def home_cycles(context: Context, **kwargs) -> str:
    return render_section(
        context, "proposals/includes/home_cycles.html", {"open_cycles": open_cycles()}
    )


@hooks.register(slot_hook("dong_page"), order=25)
def dong_page_cycles(context: Context, *, page, **kwargs) -> str:
    """The association's open cycles (and the district's), with what residents can do now."""
    cycles = open_cycles(page)
    return render_section(
        context,
        "proposals/includes/dong_cycles.html",
        {"open_cycles": cycles, "association": page},
    )


@hooks.register(slot_hook("nav"), order=30)
def nav_link(context: Context, **kwargs) -> str:
    """The header's link to this app."""
    return format_html(
        '<li><a href="{}">{}</a></li>', reverse("proposals:index"), gettext("Proposals")
    )
