import asyncio
import csv
import html
import io
import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from district.models import LiveEvent
from events import services
from events.models import RSVP, CalendarFeed, Occurrence, RSVPStatus
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


# Lists, calendar, archive ------------------------------------------------------


def titles(response) -> list[str]:
    import re

    return re.findall(r'class="event-title" href="[^"]+">([^<]+)<', response.text)


def test_upcoming_list_filters_by_dong_audience_tag_and_dates(
    client, leader, board, facilitator
):
    from forums.models import Board

    youth = Board.objects.get(slug="youth")
    make_event(leader, board, title="역삼 차 모임", tags=["차모임"], starts_at=soon(3))
    make_event(
        facilitator, youth, title="청년 스터디", tags=["청년"], starts_at=soon(10)
    )
    make_event(
        leader,
        board,
        title="지난 모임",
        starts_at=timezone.now() - timedelta(days=3),
    )
    assert titles(client.get("/events/")) == ["역삼 차 모임", "청년 스터디"]
    assert titles(client.get(f"/events/?dong={board.dong_id}")) == ["역삼 차 모임"]
    assert titles(client.get("/events/?audience=youth")) == ["청년 스터디"]
    assert titles(client.get("/events/?tag=차모임")) == ["역삼 차 모임"]
    day = timezone.localdate() + timedelta(days=9)
    assert titles(client.get(f"/events/?date_from={day:%Y-%m-%d}")) == ["청년 스터디"]
    assert titles(client.get(f"/events/?date_to={day:%Y-%m-%d}")) == ["역삼 차 모임"]
    assert titles(client.get(f"/events/{board.slug}/")) == ["역삼 차 모임"]
    assert titles(client.get("/events/past/")) == ["지난 모임"]
    client.cookies["django_language"] = "en"
    assert "No events match these filters." in client.get("/events/?tag=없는태그").text


def test_filters_that_make_no_sense_are_explained_in_the_readers_language(client):
    client.cookies["django_language"] = "en"
    response = client.get("/events/?date_from=2026-12-10&date_to=2026-12-01")
    assert "“Until” must not be before “From”." in response.text
    client.cookies["django_language"] = "ko"
    response = client.get("/events/?date_from=2026-12-10&date_to=2026-12-01")
    assert "“Until” must not be before “From”." not in response.text
    assert 'class="errors"' in response.text


def test_month_calendar_is_a_table_of_days_with_their_events(client, leader, board):
    start = soon(days=3, hour=15)
    event = make_event(leader, board, title="달력 행사", starts_at=start)
    month = timezone.localtime(start).strftime("%Y-%m")
    text = client.get(f"/events/calendar/?month={month}").text
    assert text.count('<th scope="col"') == 7
    day = timezone.localtime(start).strftime("%Y-%m-%d")
    cell = text.split(f'data-date="{day}"', 1)[1].split("</td>", 1)[0]
    assert "달력 행사" in cell and "오후 3:00" in cell  # one time format per language
    assert f"{event.get_absolute_url()}#date-" in cell
    assert 'rel="prev"' in text and 'rel="next"' in text
    # Nonsense months fall back to this one instead of failing.
    text = client.get("/events/calendar/?month=banana").text
    assert 'aria-current="date"' in text


def test_calendar_and_lists_cost_the_same_queries_for_3_or_30_events(
    client, leader, board, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts():
        result = []
        for url in ("/events/", "/events/calendar/", f"/events/{board.slug}/"):
            client.get(
                url
            )  # steady state: one-time cache fills are not the list's cost
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    for n in range(3):
        make_event(leader, board, title=f"행사 {n}", starts_at=soon(days=2 + n))
    few = counts()
    for n in range(27):
        make_event(
            leader, board, title=f"행사 {n + 3}", starts_at=soon(days=2 + n % 20)
        )
    assert counts() == few
    with django_assert_max_num_queries(12):
        client.get("/events/")


def test_event_page_queries_do_not_grow_with_dates(
    client, leader, board, django_assert_max_num_queries, make_user
):
    event = make_event(leader, board, recurrence="FREQ=WEEKLY;COUNT=20", tags=["차"])
    client.force_login(make_user())
    # 17: a signed-in page's first view checks for a silence (district.moderation's banner, cached after).
    with django_assert_max_num_queries(17):
        response = client.get(event.get_absolute_url())
    assert response.text.count('class="card occurrence') == 20


# The organiser's form ----------------------------------------------------------


def form_data(**overrides):
    start = soon(days=4, hour=10)
    data = {
        "title": "어르신 걷기 모임",
        "description": "양재천을 함께 걸어요",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "repeat": "weekly",
        "repeat_count": "4",
        "recurrence": "",
        "location_name": "양재천 입구",
        "address": "",
        "map_url": "",
        "online_url": "",
        "languages": "한국어",
        "tags": "걷기, 건강",
        "capacity": "15",
        "rsvp_deadline": "",
    }
    data.update(overrides)
    return data


def test_a_leader_publishes_a_weekly_event_from_the_form(client, leader, board):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    response = client.post(f"/events/{board.slug}/new/", form_data(), follow=True)
    assert "The event is published." in response.text
    event = board.events.get()
    assert event.capacity == 15 and event.recurrence == "FREQ=WEEKLY;COUNT=4"
    assert sorted(t.name for t in event.tags.all()) == ["건강", "걷기"]
    assert event.occurrences.count() == 4
    assert timezone.localtime(event.starts_at).hour == 10
    assert "Every week, 4 times" in response.text


def test_a_residents_form_becomes_a_proposal(client, board, make_user):
    client.force_login(make_user())
    client.cookies["django_language"] = "en"
    page = client.get(f"/events/{board.slug}/new/").text
    assert "Propose an event" in page
    response = client.post(f"/events/{board.slug}/new/", form_data(), follow=True)
    assert "Your proposal was sent" in response.text
    assert board.events.get().review_state == "pending"


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"ends_at": soon(days=4, hour=9).strftime("%Y-%m-%dT%H:%M")},
            "The event must end after it starts.",
        ),
        ({"repeat": "custom", "recurrence": "FREQ=WEEKLY"}, "needs an end"),
        ({"repeat": "weekly", "repeat_count": ""}, "Say how many times"),
        ({"repeat": "weekly", "repeat_count": "500"}, "less than or equal to 104"),
        ({"capacity": "-3"}, "greater than or equal to 1"),
        ({"starts_at": "next tuesday"}, "Enter a valid date/time."),
        ({"map_url": "javascript:alert(1)"}, "Enter a valid URL."),
    ],
)
def test_bad_form_input_is_explained_and_what_was_typed_is_kept(
    client, leader, board, overrides, message
):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    response = client.post(f"/events/{board.slug}/new/", form_data(**overrides))
    assert response.status_code == 400
    assert message in response.text
    assert 'value="어르신 걷기 모임"' in response.text
    assert "양재천을 함께 걸어요" in response.text
    assert not board.events.exists()


def test_editing_below_the_people_going_is_refused_on_the_form(
    client, leader, board, make_user
):
    event = make_event(leader, board, capacity=3)
    occurrence = event.occurrences.get()
    from events import services

    for _ in range(3):
        services.rsvp_set(user=make_user(), occurrence=occurrence, going=True)
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    edit = f"/events/e/{event.pk}/edit/"
    assert 'value="3"' in client.get(edit).text
    data = form_data(
        title="새 제목",
        repeat="",
        capacity="2",
        starts_at=timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        ends_at=timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
    )
    response = client.post(edit, data)
    assert response.status_code == 400
    assert "3 people are already going" in response.text
    assert 'value="새 제목"' in response.text
    event.refresh_from_db()
    assert event.title != "새 제목" and event.capacity == 3


def test_rsvp_refusals_read_clearly(client, leader, board, make_user):
    past = make_event(
        leader, board, starts_at=timezone.now() - timedelta(hours=3)
    ).occurrences.get()
    future = make_event(leader, board).occurrences.get()
    client.force_login(make_user())
    client.cookies["django_language"] = "en"
    url = reverse("events:rsvp", args=[future.pk])
    response = client.post(url, {"going": "1", "guests": "-2"}, follow=True)
    assert "between 0 and 3 guests" in response.text
    response = client.post(url, {"going": "1", "guests": "many"}, follow=True)
    assert "between 0 and 3 guests" in response.text
    response = client.post(
        reverse("events:rsvp", args=[past.pk]), {"going": "1"}, follow=True
    )
    assert "already started or is over" in response.text
    assert not RSVP.objects.exists()


# Feeds and exports ---------------------------------------------------------------


def test_board_feed_parses_back_with_every_event_and_cancelled_dates(
    client, leader, board
):
    from events import services

    weekly = make_event(
        leader, board, title="주간 모임", recurrence="FREQ=WEEKLY;COUNT=4"
    )
    single = make_event(leader, board, title="단발 행사")
    second = weekly.occurrences.order_by("starts_at")[1]
    services.occurrence_cancel(actor=leader, occurrence=second, reason="휴무")
    services.event_cancel(actor=leader, event=single, reason="취소")
    response = client.get(reverse("events:board_feed", args=[board.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    items = {str(item["SUMMARY"]): item for item in calendar.walk("VEVENT")}
    assert set(items) >= {"주간 모임", "단발 행사"}
    assert items["주간 모임"]["RRULE"]["COUNT"] == [4]
    exdates = [d.dt for d in items["주간 모임"]["EXDATE"].dts]
    assert exdates == [second.starts_at]
    assert items["단발 행사"]["STATUS"] == "CANCELLED"
    assert all(item.get("DTSTAMP") for item in items.values())
    assert len({str(item["UID"]) for item in items.values()}) == len(items)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]


def test_my_events_feed_lists_my_dates_and_its_address_can_be_replaced(
    client, leader, board, make_user
):
    from events import services

    me = make_user(language="en")
    weekly = make_event(
        leader, board, title="주간 모임", recurrence="FREQ=WEEKLY;COUNT=3"
    )
    full = make_event(leader, board, title="꽉 찬 모임", capacity=1)
    first, _second, third = weekly.occurrences.order_by("starts_at")
    services.rsvp_set(user=me, occurrence=first, going=True)
    services.rsvp_set(user=me, occurrence=third, going=True)
    services.rsvp_set(user=make_user(), occurrence=full.occurrences.get(), going=True)
    services.rsvp_set(user=me, occurrence=full.occurrences.get(), going=True)
    client.force_login(me)
    page = client.get(reverse("events:mine")).text
    feed = CalendarFeed.objects.get(user=me)
    assert feed.token in page and "webcal://" in page
    client.logout()
    url = reverse("events:my_feed", args=[feed.token])
    calendar = Calendar.from_ical(client.get(url).content)
    items = calendar.walk("VEVENT")
    assert sorted(str(i["UID"]).split("@")[0] for i in items) == sorted(
        f"occurrence-{o.pk}" for o in (first, third, full.occurrences.get())
    )
    statuses = {str(i["SUMMARY"]): str(i["STATUS"]) for i in items}
    assert statuses["꽉 찬 모임 (waiting list)"] == "TENTATIVE"
    assert str(calendar["X-WR-CALNAME"]) == "My events · Dongne"
    client.force_login(me)
    client.post(reverse("events:mine"))
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(reverse("events:my_feed", args=["x" * 43])).status_code == 404


def test_attendee_export_has_display_names_only(client, leader, board, make_user):
    from events import services

    occurrence = make_event(leader, board, capacity=1).occurrences.get()
    going = make_user(display_name="김민지", email="minji@example.org")
    waiting = make_user(display_name="Tuan", email="tuan@example.org")
    services.rsvp_set(user=going, occurrence=occurrence, going=True)
    services.rsvp_set(user=waiting, occurrence=occurrence, going=True)
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("events:attendees_csv", args=[occurrence.pk]))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Display name", "Status", "Guests", "Signed up", "Attended"]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("김민지", "Going"),
        ("Tuan", "On the waiting list"),
    ]
    assert "@" not in text


def test_attendance_is_recorded_on_the_attendee_page(client, leader, board, make_user):
    from events import services

    occurrence = make_event(leader, board).occurrences.get()
    came, absent = make_user(), make_user()
    rsvps = [
        services.rsvp_set(user=u, occurrence=occurrence, going=True)
        for u in (came, absent)
    ]
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    url = reverse("events:attendees", args=[occurrence.pk])
    response = client.post(url, {"attended": [str(rsvps[0].pk)]}, follow=True)
    assert "Attendance saved: 1 present." in response.text
    assert [r.attended for r in RSVP.objects.order_by("pk")] == [True, False]


def test_a_sign_up_sent_back_in_a_rush_says_so(client, leader, board):
    event = make_event(leader, board, title="인기 요가 교실")
    text = client.get(event.get_absolute_url() + "?busy=1").text
    assert 'role="alert"' in text
    with translation.override("ko"):
        assert translation.gettext(
            "Many people are signing up right now and yours was not taken yet. Please press the button again."
        ) in html.unescape(text)


@pytest.mark.django_db(transaction=True)
def test_a_sign_up_whose_turn_does_not_come_is_sent_back_to_press_again_and_nothing_is_written(
    settings, leader, board, make_user
):
    """Sign-ups wait in their own lane (district.handler); one that waits too long goes back to its page."""
    from asgiref.sync import async_to_sync
    from channels.testing import HttpCommunicator

    from district.handler import OneHopASGIHandler

    settings.EVENTS_SIGNUP_CONCURRENCY = 1
    settings.EVENTS_SIGNUP_QUEUE_SECONDS = 0.1
    app = OneHopASGIHandler()
    event = make_event(leader, board, title="인기 요가 교실", capacity=10)
    occurrence = event.occurrences.get()
    resident = make_user()
    client = Client()
    client.force_login(resident)
    page = event.get_absolute_url()
    client.get(page)  # the CSRF cookie, as the page gives it
    token = client.cookies["csrftoken"].value
    cookies = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    headers = [
        (b"host", b"testserver"),
        (b"cookie", cookies.encode()),
        (b"referer", f"http://testserver{page}".encode()),
        (b"content-type", b"application/x-www-form-urlencoded"),
    ]
    body = f"going=1&csrfmiddlewaretoken={token}".encode()
    url = reverse("events:rsvp", args=[occurrence.pk])

    async def press(someone_else_signing_up: bool):
        lane = app.turns["sign-up"]
        if someone_else_signing_up:
            assert await lane.take(0)
        try:
            return await HttpCommunicator(
                app, "POST", url, body=body, headers=headers
            ).get_response(timeout=20)
        finally:
            if someone_else_signing_up:
                lane.give_back()

    sent_back = async_to_sync(press)(True)
    assert sent_back["status"] == 303
    assert (
        dict(sent_back["headers"])[b"Location"]
        == f"http://testserver{page}?busy=1".encode()
    )
    assert not RSVP.objects.filter(user=resident).exists()

    # While the lane is full and others wait in it, other pages still go
    # through: a sign-up waiting for its lane holds no general turn.
    settings.HTTP_CONCURRENCY = 2
    settings.HTTP_QUEUE_SECONDS = 0.3
    settings.EVENTS_SIGNUP_QUEUE_SECONDS = 5
    app = OneHopASGIHandler()

    async def page_meanwhile():
        lane, general = app.turns["sign-up"], app.turns["general"]
        assert await lane.take(0) and await general.take(0)  # one signing up now
        queued = asyncio.create_task(
            HttpCommunicator(app, "POST", url, body=body, headers=headers).get_response(
                timeout=20
            )
        )
        await asyncio.sleep(0.05)
        assert lane.waiting == 1
        try:
            page = await HttpCommunicator(
                app, "GET", "/healthz", headers=headers[:1]
            ).get_response(timeout=20)
        finally:
            general.give_back()
            lane.give_back()
        return page, await queued

    page, queued = async_to_sync(page_meanwhile)()
    assert page["status"] == 200
    assert queued["status"] == 302  # its turn came: signed up
    assert RSVP.objects.get(user=resident).status == RSVPStatus.GOING
    services.rsvp_set(user=resident, occurrence=occurrence, going=False)
    # Pressed again with the lane free: signed up.
    signed_up = async_to_sync(press)(False)
    assert signed_up["status"] == 302
    assert RSVP.objects.get(user=resident).status == RSVPStatus.GOING


def test_readers_not_signed_in_share_an_event_page_whose_counts_catch_up_live(
    settings,
    client,
    leader,
    board,
    make_user,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    from django.core.cache import cache

    settings.EVENTS_PAGE_CACHE_SECONDS = 5
    cache.clear()
    event = make_event(leader, board, title="인기 요가 교실", capacity=10)
    occurrence = event.occurrences.get()
    first = client.get(event.get_absolute_url())
    assert "X-Dongne-Cache" not in first
    with django_capture_on_commit_callbacks(execute=True):  # counts go out after commit
        services.rsvp_set(user=make_user(), occurrence=occurrence, going=True)
    with django_assert_num_queries(0):
        second = client.get(event.get_absolute_url())
    assert second["X-Dongne-Cache"] == "hit" and second.content == first.content
    # The copy carries the sequence number it was made at, so the sign-up made
    # since is replayed to it from the live log as soon as it opens.
    made_at = json.loads(
        re.search(r'id="live-topics"[^>]*>(.*?)</script>', second.text).group(1)
    )[event.topic]
    assert LiveEvent.objects.filter(
        topic=event.topic, seq__gt=made_at, type="rsvp.changed"
    ).exists()
    # A signed-in resident never gets the shared copy (their own sign-up, their forms).
    resident = make_user()
    client.force_login(resident)
    mine = client.get(event.get_absolute_url())
    assert "X-Dongne-Cache" not in mine
    assert 'name="idempotency_key"' in mine.text
    cache.clear()


def test_pressing_sign_up_reads_the_date_once_without_its_texts(
    client, leader, board, make_user
):
    """On registration day this runs for every press: one read of the date, no descriptions, no lazy loads."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.models import BoardRegistrationPolicy

    BoardRegistrationPolicy.objects.create(board=board, max_programmes=2)
    occurrence = make_event(leader, board, capacity=1).occurrences.get()
    first, second = make_user(), make_user()
    url = reverse("events:rsvp", args=[occurrence.pk])
    client.force_login(first)
    client.post(url, {"going": "1"})  # the session and the user are cached after
    client.force_login(second)
    client.post(url, {"going": "0"})
    for going, expected in (("1", RSVPStatus.WAITLISTED), ("0", RSVPStatus.CANCELLED)):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"going": going}, follow=False)
        assert response.status_code == 302
        assert RSVP.objects.get(occurrence=occurrence, user=second).status == expected
        reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
        dates = [sql for sql in reads if 'FROM "events_occurrence"' in sql]
        # The view's read: the date, its event, board and limit in one, without texts.
        assert '"events_event"."description' not in dates[0]
        assert not any(
            'FROM "events_event"' in sql or 'FROM "forums_board"' in sql
            for sql in reads
        )
        if connection.vendor == "postgresql":
            assert len(dates) == 1, dates
        else:  # SQLite has no row locks: its path reads the date again under its lock
            assert len(dates) == 2, dates


def test_a_resident_at_the_season_limit_who_presses_sign_up_reads_the_limit(
    client, leader, board, make_user
):
    """Through the page (request.user is a lazy object), not only through the service."""
    from events.models import BoardRegistrationPolicy

    BoardRegistrationPolicy.objects.create(board=board, max_programmes=1)
    first, second = (
        make_event(leader, board, capacity=5, starts_at=soon(days=d)).occurrences.get()
        for d in (1, 2)
    )
    client.force_login(make_user())
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("events:rsvp", args=[first.pk]), {"going": "1"}, follow=True
    )
    assert "You are going" in response.text
    response = client.post(
        reverse("events:rsvp", args=[second.pk]), {"going": "1"}, follow=True
    )
    assert response.status_code == 200
    # One programme, not "1 programmes".
    assert "Limit reached: at most 1 programme of" in response.text
    assert not RSVP.objects.filter(occurrence=second).exists()
