"""What votes put on pages below them: open ballots on the home and association pages, the agenda on an assembly's event page."""

from django.template import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from wagtail import hooks

from district.slots import render_section, slot_hook
from votes.selectors import assembly_ballots, open_ballots


@hooks.register(slot_hook("home"), order=15)
def home_ballots(context: Context, **kwargs) -> str:
    ballots = list(open_ballots()[:5])
    if not ballots:
        return ""
    return render_section(
        context, "votes/includes/open_ballots.html", {"ballots": ballots}
    )


@hooks.register(slot_hook("dong_page"), order=15)
def dong_page_ballots(context: Context, *, page, **kwargs) -> str:
    ballots = list(open_ballots(page))
    if not ballots:
        return ""
    return render_section(
        context,
        "votes/includes/open_ballots.html",
        {"ballots": ballots, "in_dong": True},
    )


@hooks.register(slot_hook("event_page"), order=10)
def event_page_agenda(context: Context, *, event, **kwargs) -> str:
    """A general assembly's agenda: the ballots' items, other business, pre-vote dates and ballot boxes."""
    if getattr(event, "kind", "") != "assembly":
        return ""
    ballots = assembly_ballots(event)
    if not ballots:
        return ""
    return render_section(
        context, "votes/includes/assembly_agenda.html", {"ballots": ballots}
    )


@hooks.register(slot_hook("nav"), order=40)
def nav_link(context: Context, **kwargs) -> str:
    """The header's link to this app."""
    return format_html(
        '<li><a href="{}">{}</a></li>', reverse("votes:index"), gettext("Votes")
    )
