"""A busy day in the month calendar shows its first dates and "N more", at a cost that does not grow."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event, Occurrence, ReviewState
from events.selectors import AGENDA_CAP, CALENDAR_DAY_CAP

from .conftest import soon


def busy_day(board, organiser, n, start):
    events = Event.objects.bulk_create(
        [
            Event(
                board=board,
                title=f"모임 {i}",
                starts_at=start,
                ends_at=start + timezone.timedelta(hours=1),
                organiser=organiser,
                review_state=ReviewState.APPROVED,
            )
            for i in range(n)
        ]
    )
    Occurrence.objects.bulk_create(
        [Occurrence(event=e, starts_at=e.starts_at, ends_at=e.ends_at) for e in events]
    )


def queries_of(client, url) -> int:
    client.get(url)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_day_of_60_events_shows_the_cap_and_how_many_more(client, leader, board):
    start = soon(days=5, hour=10)
    busy_day(board, leader, 60, start)
    month = timezone.localtime(start).strftime("%Y-%m")
    day = timezone.localtime(start).strftime("%Y-%m-%d")
    client.cookies["django_language"] = "en"
    text = client.get(f"/events/calendar/?month={month}").text
    cell = text.split(f'data-date="{day}"', 1)[1].split("</td>", 1)[0]
    assert cell.count("<li") == CALENDAR_DAY_CAP
    assert f"{60 - CALENDAR_DAY_CAP} more" in cell
    assert f"?date_from={day}&amp;date_to={day}" in cell
    assert "60 events" in cell  # what a screen reader hears for the day
    agenda = text.split('id="agenda-title"', 1)[1]
    assert agenda.count("data-occurrence-id=") == AGENDA_CAP
    assert "All 60 events this month" in agenda


def test_each_day_of_a_month_shows_its_own_first_dates(client, leader, board):
    """Busy and quiet days in one month, dates just after and before midnight in Seoul: each day its own, in order."""
    tenth = (timezone.localtime() + timezone.timedelta(days=40)).replace(
        day=10, hour=0, minute=0, second=0, microsecond=0
    )
    minutes = {  # day of the month after the 10th: minutes after its midnight
        0: [9 * 60 + 60 * hour for hour in range(5)],
        1: [30, 23 * 60 + 30],
        3: [9 * 60 + 60 * hour for hour in range(4)],
        4: [30],
    }
    for offset, times in minutes.items():
        for minute in times:
            busy_day(
                board,
                leader,
                1,
                tenth + timezone.timedelta(days=offset, minutes=minute),
            )
    client.cookies["django_language"] = "en"
    text = client.get(f"/events/calendar/?month={tenth:%Y-%m}").text
    for offset, times in minutes.items():
        start = tenth + timezone.timedelta(days=offset)
        day = start.strftime("%Y-%m-%d")
        cell = text.split(f'data-date="{day}"', 1)[1].split("</td>", 1)[0]
        assert cell.count("<li") == min(len(times), CALENDAR_DAY_CAP), day
        if len(times) > CALENDAR_DAY_CAP:
            assert f"{len(times) - CALENDAR_DAY_CAP} more" in cell
        first = Occurrence.objects.filter(
            starts_at__gte=start, starts_at__lt=start + timezone.timedelta(days=1)
        ).order_by("starts_at")[:CALENDAR_DAY_CAP]
        shown = [int(part.split('"', 1)[0]) for part in cell.split("#date-")[1:]]
        assert shown == [occurrence.pk for occurrence in first], day


def test_the_calendar_and_lists_cost_the_same_for_6_or_120_dates(client, leader, board):
    start = soon(days=5, hour=10)
    month = timezone.localtime(start).strftime("%Y-%m")
    urls = (f"/events/calendar/?month={month}", "/events/", "/events/?last=1")
    busy_day(board, leader, 6, start)
    few = [queries_of(client, url) for url in urls]
    busy_day(board, leader, 114, start + timezone.timedelta(hours=1))
    assert [queries_of(client, url) for url in urls] == few


def test_the_upcoming_list_pages_through_every_date_once(client, leader, board):
    start = soon(days=5, hour=10)
    busy_day(board, leader, 45, start)
    text = client.get("/events/").text
    first = text.count("data-occurrence-id=")
    later = text.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    text = client.get("/events/" + later).text
    assert first == 30 and text.count("data-occurrence-id=") == 15


def test_the_upcoming_list_starts_at_dates_still_running_whatever_the_history(
    client, leader, board
):
    now = timezone.now()
    busy_day(board, leader, 40, now - timezone.timedelta(days=400))  # long past
    running = Event.objects.create(
        board=board,
        title="열흘째 전시회",
        starts_at=now - timezone.timedelta(days=10),
        ends_at=now + timezone.timedelta(days=2),
        organiser=leader,
        review_state=ReviewState.APPROVED,
    )
    Occurrence.objects.create(
        event=running, starts_at=running.starts_at, ends_at=running.ends_at
    )
    busy_day(board, leader, 3, soon(days=3, hour=10))
    text = client.get("/events/").text
    assert text.count("data-occurrence-id=") == 4
    assert text.index("열흘째 전시회") < text.index("모임 0")  # soonest start first
