"""Signed-in residents served from the cache (district.usercache): cheap, and still true.

The settings here are production's with Redis (cached sessions, cached accounts);
the local-memory cache stands in for Redis in one process.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from district.models import Notification
from district.services import notification_create, notifications_mark_read
from forums import services as forum_services


@pytest.fixture(autouse=True)
def cached_accounts(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.USER_CACHE_SECONDS = 300


def capture() -> CaptureQueriesContext:
    # The connection keeps at most 9,000 queries; a full log would capture nothing.
    connection.queries_log.clear()
    return CaptureQueriesContext(connection)


def writes(queries) -> list[str]:
    """Read at once: the next capture() empties the log these queries point into."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_a_signed_in_request_reads_nothing_from_the_database_once_cached(
    client, make_user
):
    client.force_login(make_user(display_name="민지"))
    client.get("/healthz")
    with capture() as queries:
        assert client.get("/healthz").status_code == 200
    assert len(queries) == 0, [q["sql"] for q in queries.captured_queries]


def test_reading_a_thread_again_writes_nothing(client, make_user, district):
    from forums.models import Board, ReadMarker

    board = Board.objects.get(slug="yeoksam-1")
    author = make_user(display_name="작성자")
    thread = forum_services.thread_create(
        author=author, board=board, title="주차 문제", body="골목 주차가 어렵습니다."
    )
    reader = make_user(display_name="독자")
    client.force_login(reader)
    url = thread.get_absolute_url()
    with capture() as first:
        assert client.get(url).status_code == 200
    assert writes(first), "the first view records the read marker"
    marker = ReadMarker.objects.get(user=reader, thread=thread)
    assert marker.last_read_post_id == thread.last_post_id
    with capture() as second:
        assert client.get(url).status_code == 200
    assert writes(second) == []
    with capture() as board_view:
        assert client.get(board.get_absolute_url()).status_code == 200
    assert writes(board_view), "the first board visit is recorded"
    client.get(board.get_absolute_url())
    with capture() as board_again:
        assert client.get(board.get_absolute_url()).status_code == 200
    assert writes(board_again) == []


def test_a_new_post_moves_the_read_marker(client, make_user, district, settings):
    from forums.models import Board, ReadMarker

    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0
    board = Board.objects.get(slug="yeoksam-1")
    author = make_user(display_name="작성자")
    author.date_joined = author.date_joined.replace(year=2020)
    author.save()
    thread = forum_services.thread_create(
        author=author, board=board, title="주차 문제", body="골목 주차가 어렵습니다."
    )
    reader = make_user(display_name="독자")
    client.force_login(reader)
    client.get(thread.get_absolute_url())
    reply = forum_services.post_create(author=author, thread=thread, body="답글입니다.")
    client.get(thread.get_absolute_url())
    assert (
        ReadMarker.objects.get(user=reader, thread=thread).last_read_post_id == reply.pk
    )


def badge(client) -> str:
    text = client.get("/forums/").text
    return text.split("data-unread", 1)[1].split("</span>", 1)[0]


def test_the_badge_stays_true_through_new_and_read_notifications(client, make_user):
    user = make_user(display_name="민지")
    client.force_login(user)
    assert badge(client).endswith(">0")
    notification_create(user=user, kind="reply", actor_name="Tuan")
    assert badge(client).endswith(">1")
    notification_create(user=user, kind="reply", actor_name="Tuan")
    assert badge(client).endswith(">2")
    first = Notification.objects.filter(user=user).order_by("id").first()
    notifications_mark_read(user=user, ids=[first.pk])
    assert badge(client).endswith(">1")
    notifications_mark_read(user=user)
    assert badge(client).endswith(">0")


def test_a_suspension_takes_effect_on_the_next_request(client, make_user):
    user = make_user(display_name="민지")
    client.force_login(user)
    assert client.get("/notifications/").status_code == 200  # cached now
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_new_password_signs_out_other_sessions(client, make_user):
    from django.test import Client

    user = make_user(display_name="민지")
    client.force_login(user)
    assert client.get("/notifications/").status_code == 200
    other = Client()
    other.force_login(user)
    user.set_password("another-horse-battery-77")
    user.save()
    response = client.get("/notifications/")
    assert response.status_code == 302


def test_a_new_display_name_shows_at_once(client, make_user):
    from district.models import Profile

    user = make_user(display_name="민지")
    client.force_login(user)
    client.get("/accounts/profile/")
    profile = Profile.objects.get(user=user)
    profile.display_name = "새이름"
    profile.save()
    assert "새이름" in client.get("/accounts/profile/").text


def test_group_changes_reach_the_cached_account(client, make_user):
    from django.contrib.auth.models import Group

    from district.usercache import load_user

    user = make_user(display_name="민지")
    client.force_login(user)
    client.get("/healthz")
    from django.contrib.auth.backends import ModelBackend

    assert not load_user(user.pk, ModelBackend()).groups.exists()
    staff = Group.objects.get(name="District staff")
    user.groups.add(staff)
    cached = load_user(user.pk, ModelBackend())
    assert list(cached.groups.all()) == [staff]
