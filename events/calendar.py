"""iCalendar files (RFC 5545) built with icalendar: valid UID, DTSTAMP, TZID Asia/Seoul, RRULE, cancellations."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from events.models import Event, EventStatus

SEOUL = ZoneInfo("Asia/Seoul")


def event_ics(events: list[Event], request: HttpRequest) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Dongne//Resident self-government network//KO")
    calendar.add("version", "2.0")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for event in events:
        item = VEvent()
        item.add("uid", f"event-{event.pk}@{request.get_host()}")
        item.add("dtstamp", datetime.now(UTC))
        item.add("dtstart", event.starts_at.astimezone(SEOUL))
        item.add("dtend", event.ends_at.astimezone(SEOUL))
        item.add("summary", event.title)
        item.add("description", event.description)
        if event.location_name or event.address:
            item.add(
                "location",
                ", ".join(
                    part for part in (event.location_name, event.address) if part
                ),
            )
        item.add("url", request.build_absolute_uri(event.get_absolute_url()))
        if event.recurrence:
            item.add("rrule", vRecur.from_ical(event.recurrence.removeprefix("RRULE:")))
        item.add(
            "status",
            "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED",
        )
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
