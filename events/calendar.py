"""iCalendar files and feeds (RFC 5545) built with icalendar: stable UID, DTSTAMP, TZID Asia/Seoul with VTIMEZONE, RRULE, cancellations.

Names and one-line properties go through `district.validators.one_line`:
icalendar refuses a calendar name with a line break, and rows stored before
the model refused control characters must not break the feed.

An event (its own .ics, a board's feed) is one VEVENT: a repeating event
carries its RRULE, and its cancelled dates are EXDATEs. A resident's "my
events" feed lists the dates they signed up for, one VEVENT each.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from district.validators import one_line
from events.models import RSVP, Event, EventStatus, RSVPStatus
from forums.models import Board

SEOUL = ZoneInfo(settings.TIME_ZONE)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Dongne//Resident self-government network//KO")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", one_line(name))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _fill(item: VEvent, event: Event, request: HttpRequest) -> None:
    item.add("dtstamp", datetime.now(UTC))
    item.add("summary", one_line(event.title))
    if event.description:
        item.add("description", event.description)
    where = ", ".join(
        one_line(part) for part in (event.location_name, event.address) if part
    )
    if where or event.online_url:
        item.add("location", where or one_line(event.online_url))
    item.add("url", request.build_absolute_uri(event.get_absolute_url()))


def _event_item(event: Event, request: HttpRequest) -> VEvent:
    item = VEvent()
    item.add("uid", f"event-{event.pk}@{request.get_host()}")
    _fill(item, event, request)
    item.add("dtstart", event.starts_at.astimezone(SEOUL))
    item.add("dtend", event.ends_at.astimezone(SEOUL))
    if event.recurrence:
        item.add("rrule", vRecur.from_ical(event.recurrence.removeprefix("RRULE:")))
        cancelled = [o.starts_at for o in event.occurrences.all() if o.is_cancelled]
        for moment in cancelled:
            item.add("exdate", moment.astimezone(SEOUL))
    item.add(
        "status",
        "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED",
    )
    return item


def _finish(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_ics(events: Iterable[Event], request: HttpRequest) -> bytes:
    events = list(events)
    calendar = _calendar(events[0].title if len(events) == 1 else _("Dongne events"))
    for event in events:
        calendar.add_component(_event_item(event, request))
    return _finish(calendar)


def board_ics(board: Board, events: Iterable[Event], request: HttpRequest) -> bytes:
    """A board's feed: every approved event, so a phone subscribed to it follows new ones."""
    calendar = _calendar(f"{board.local_name} · {_('Dongne')}")
    for event in events:
        calendar.add_component(_event_item(event, request))
    return _finish(calendar)


def occurrences_ics(
    rsvps: Iterable[RSVP], request: HttpRequest, *, language: str = ""
) -> bytes:
    """A resident's "my events": each date they are going to (or waiting for) as its own VEVENT."""
    with translation.override(language or settings.LANGUAGE_CODE):
        calendar = _calendar(_("My events · Dongne"))
        for rsvp in rsvps:
            occurrence, event = rsvp.occurrence, rsvp.occurrence.event
            item = VEvent()
            item.add("uid", f"occurrence-{occurrence.pk}@{request.get_host()}")
            _fill(item, event, request)
            if rsvp.status == RSVPStatus.WAITLISTED:
                waiting = _("waiting list")
                item["summary"] = f"{one_line(event.title)} ({waiting})"
            item.add("dtstart", occurrence.starts_at.astimezone(SEOUL))
            item.add("dtend", occurrence.ends_at.astimezone(SEOUL))
            if occurrence.called_off:
                status = "CANCELLED"
            elif rsvp.status == RSVPStatus.WAITLISTED:
                status = "TENTATIVE"
            else:
                status = "CONFIRMED"
            item.add("status", status)
            calendar.add_component(item)
    return _finish(calendar)
