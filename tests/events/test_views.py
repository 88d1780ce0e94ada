import pytest
from django.urls import reverse
from icalendar import Calendar

from events.models import RSVPStatus
from tests.events.conftest import make_event, soon

pytestmark = pytest.mark.django_db


def test_event_page_shows_places_and_a_resident_signs_up_over_http(
    client, leader, board, make_user
):
    event = make_event(leader, board, capacity=1, location_name="역삼1동 주민센터")
    occurrence = event.occurrences.get()
    text = client.get(event.get_absolute_url()).text
    assert "역삼1동 주민센터" in text and "data-left>1<" in text
    resident = make_user()
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("events:rsvp", args=[occurrence.pk]),
        {"going": "1", "guests": "0"},
        follow=True,
    )
    assert "You are going" in response.text
    assert resident.rsvps.get().status == RSVPStatus.GOING
    client.force_login(make_user())
    response = client.post(
        reverse("events:rsvp", args=[occurrence.pk]),
        {"going": "1", "guests": "9"},
        follow=True,
    )
    assert "between 0 and 3 guests" in response.text
    response = client.post(
        reverse("events:rsvp", args=[occurrence.pk]),
        {"going": "1", "guests": "0"},
        follow=True,
    )
    assert "waiting list" in response.text


def test_anonymous_cannot_rsvp(client, leader, board):
    occurrence = make_event(leader, board).occurrences.get()
    response = client.post(reverse("events:rsvp", args=[occurrence.pk]), {"going": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not occurrence.rsvps.exists()


def test_ics_file_parses_back_with_uid_timezone_recurrence_and_cancellation(
    client, leader, board
):
    from events import services

    event = make_event(
        leader, board, recurrence="FREQ=WEEKLY;COUNT=6", starts_at=soon(hour=10)
    )
    calendar = Calendar.from_ical(
        client.get(reverse("events:event_ics", args=[event.pk])).content
    )
    (item,) = calendar.walk("VEVENT")
    assert item["UID"].startswith(f"event-{event.pk}@")
    assert item.get("DTSTAMP") is not None
    assert item["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert item["DTSTART"].dt.hour == 10
    assert item["RRULE"]["COUNT"] == [6]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]
    assert item["STATUS"] == "CONFIRMED"
    services.event_cancel(actor=leader, event=event, reason="취소")
    calendar = Calendar.from_ical(
        client.get(reverse("events:event_ics", args=[event.pk])).content
    )
    assert calendar.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
