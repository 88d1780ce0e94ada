"""Odd input is a 400 or an empty result, never a 500: a small fuzz set at every public GET parameter.

The views and parameters are listed by hand (the public GET views of every
app); each value is sent as a raw query string, so NUL bytes and broken UTF-8
reach the server exactly as a hostile client would send them. Run on
PostgreSQL too: it refuses NUL in text where SQLite does not.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events import services as events
from forums import services as forums
from forums.models import Board

FUZZ = [
    "%00",
    "a%00b",
    "%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    "%C0%80",  # an overlong NUL
    "%FF%FE",
    "%1B%5B2J",  # an escape sequence
    "9" * 30,
    "-1",
    "-" + "9" * 25,
    "1e309",
    "NaN",
    "0x10",
    "a" * 10_000,
    "%E2%80%AE" * 50,  # right-to-left overrides
    "%27%22%3E%3Cscript%3E",
    "[]",
]


@pytest.fixture
def world(district, make_user):
    """One of each thing a public page can show."""
    board = Board.objects.select_related("dong").get(slug="yeoksam-1")
    leader = make_user(groups=[board.dong.leaders_group])
    thread = forums.thread_create(
        author=leader, board=board, title="주차 문제", body="골목 주차가 어렵습니다."
    )
    start = (timezone.localtime() + timedelta(days=7)).replace(hour=14, minute=0)
    event = events.event_create(
        organiser=leader,
        board=board,
        title="어르신 차 모임",
        description="함께 차를 마셔요",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        tags=["모임"],
    )
    return {"board": board, "thread": thread, "event": event}


def public_gets(world) -> list[tuple[str, list[str]]]:
    board, thread, event = world["board"], world["thread"], world["event"]
    return [
        ("/", ["page"]),
        ("/search/", ["q", "dong", "page"]),
        ("/yeoksam-1/", ["page"]),
        ("/tags/모임/", ["page"]),
        ("/open-data/yeoksam-1.csv", ["x"]),
        ("/open-data/yeoksam-1.json", ["x"]),
        ("/feeds/notices/", ["x"]),
        ("/feeds/yeoksam-1/notices/atom/", ["x"]),
        ("/forums/", ["page"]),
        (f"/forums/{board.slug}/", ["page", "tag"]),
        (f"/forums/t/{thread.pk}/", ["page", "quote"]),
        ("/events/", ["dong", "audience", "tag", "date_from", "date_to", "page"]),
        ("/events/past/", ["dong", "audience", "tag", "date_from", "page"]),
        ("/events/calendar/", ["month", "dong", "tag"]),
        (f"/events/{board.slug}/", ["tag", "page", "date_to"]),
        (f"/events/e/{event.pk}/", ["x"]),
        (f"/events/e/{event.pk}.ics", ["x"]),
        (f"/events/{board.slug}.ics", ["x"]),
        ("/votes/", ["page", "x"]),
        ("/proposals/", ["dong", "category", "status", "phase", "sort", "page"]),
        ("/proposals/dashboard/", ["year", "dong"]),
        (
            "/api/v2/pages/",
            ["search", "offset", "limit", "order", "fields", "type", "child_of"],
        ),
        ("/api/v2/images/", ["search", "offset", "limit", "order", "fields"]),
        ("/api/v2/documents/", ["search", "offset", "limit", "order", "fields"]),
        ("/sitemap.xml", ["p"]),
    ]


def test_every_public_get_parameter_survives_the_fuzz_set(world):
    client = Client(raise_request_exception=False)
    failures = []
    for path, params in public_gets(world):
        for param in params:
            for value in FUZZ:
                query = f"{param}={value}"
                response = client.get(path, QUERY_STRING=query)
                if response.status_code >= 500:
                    failures.append((path, query[:40], response.status_code))
    assert failures == [], "\n".join(map(str, failures))


@pytest.mark.parametrize(
    "path",
    [
        "/tags/%00/",
        "/tags/a%00b/",
        "/forums/%00/",
        "/events/mine/%00.ics",
        "/open-data/%00.csv",
        "/%ED%A0%80/",
        "/search/%00",
        "/" + "a" * 5000 + "/",
    ],
)
def test_odd_paths_are_refused_or_not_found_never_500(path, district):
    client = Client(raise_request_exception=False)
    assert client.get(path).status_code in (400, 404)


def test_nul_in_search_is_a_400_in_the_site_shell(client, district):
    client.cookies["django_language"] = "en"
    response = client.get("/search/", QUERY_STRING="q=%00")
    assert response.status_code == 400
    assert "characters we cannot read" in response.text
    assert 'href="/"' in response.text


def test_api_offset_past_the_database_integer_is_a_400(client, district):
    for offset in ("9" * 30, str(2**63), "-5"):
        response = client.get("/api/v2/pages/", {"offset": offset})
        assert response.status_code == 400, offset


def test_search_with_ordinary_long_text_still_answers(client, district):
    assert client.get("/search/", {"q": "주민 " * 500}).status_code == 200
