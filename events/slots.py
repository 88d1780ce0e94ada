"""What events put on pages below them: the next dates on the home page, an association's page and a forum board."""

from django.template import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from wagtail import hooks

from district.slots import render_section, slot_hook
from events.selectors import upcoming_event_dates, upcoming_occurrences


@hooks.register(slot_hook("home"), order=20)
def home_events(context: Context, **kwargs) -> str:
    return render_section(
        context,
        "events/includes/home_events.html",
        {"upcoming_events": upcoming_event_dates()},
    )


@hooks.register(slot_hook("dong_page"), order=20)
def dong_page_events(context: Context, *, page, **kwargs) -> str:
    """The association's next dates, unless its leaders placed the "upcoming events" block in the body."""
    if any(block.block_type == "upcoming_events" for block in page.body):
        return ""
    return render_section(
        context,
        "events/includes/dong_events.html",
        {"upcoming_events": upcoming_event_dates(page)},
    )


@hooks.register(slot_hook("dong_block_upcoming_events"))
def dong_block_events(context: Context, *, page, count: int = 5, **kwargs) -> str:
    """The body block: the next `count` dates of the association (nothing in a preview of an unsaved page)."""
    occurrences = []
    if page is not None and page.pk is not None:
        occurrences = upcoming_event_dates(page, limit=max(1, min(count, 20)))
    return render_section(
        context, "events/includes/dong_block_events.html", {"occurrences": occurrences}
    )


@hooks.register(slot_hook("board_page"), order=20)
def board_events(context: Context, *, board, **kwargs) -> str:
    return render_section(
        context,
        "events/includes/board_events.html",
        {"next_events": list(upcoming_occurrences(board)[:3])},
    )


@hooks.register(slot_hook("nav"), order=20)
def nav_link(context: Context, **kwargs) -> str:
    """The header's link to this app."""
    return format_html(
        '<li><a href="{}">{}</a></li>', reverse("events:index"), gettext("Events")
    )
