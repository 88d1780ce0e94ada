"""Exactly once when a client retries: the same idempotency key returns the first answer and writes nothing."""

import secrets
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from district.models import IdempotencyKey
from events.models import RSVP
from forums import services as forum_services
from forums.models import Board, Post, Report
from tests.events.conftest import make_event
from tests.servers import shared_database_url, start_uvicorn

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(make_user):
    user = make_user()
    user.date_joined = timezone.now() - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def board(district):
    return Board.objects.select_related("dong").get(slug="yeoksam-1")


@pytest.fixture
def leader(make_user, board):
    return make_user(groups=[board.dong.leaders_group])


@pytest.fixture
def thread(make_user, district):
    board = Board.objects.get(slug="yeoksam-1")
    author = make_user()
    author.date_joined = timezone.now() - timedelta(days=30)
    author.save(update_fields=["date_joined"])
    return forum_services.thread_create(
        author=author, board=board, title="다시 보내기", body="첫 글"
    )


def test_a_retried_reply_returns_the_first_answer_and_posts_once(
    resident, thread, client, settings
):
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0
    client.force_login(resident)
    key = uuid.uuid4().hex
    url = reverse("forums:reply", args=[thread.pk])
    first = client.post(url, {"body": "한 번만", "idempotency_key": key})
    second = client.post(url, {"body": "한 번만", "idempotency_key": key})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert second["Idempotent-Replayed"] == "true"
    assert Post.objects.filter(thread=thread, body="한 번만").count() == 1
    # A new page render (a new key) is a new reply.
    client.post(url, {"body": "한 번만", "idempotency_key": uuid.uuid4().hex})
    assert Post.objects.filter(thread=thread, body="한 번만").count() == 2


def test_a_retried_json_reply_replays_the_json(resident, thread, client, settings):
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0
    client.force_login(resident)
    url = reverse("forums:reply", args=[thread.pk])
    key = uuid.uuid4().hex
    answers = [
        client.post(
            url,
            {"body": "fetch"},
            headers={"Accept": "application/json", "Idempotency-Key": key},
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Post.objects.filter(thread=thread, body="fetch").count() == 1


def test_a_retried_rsvp_writes_once(resident, leader, board, client):
    occurrence = make_event(leader, board, capacity=5).occurrences.get()
    client.force_login(resident)
    key = uuid.uuid4().hex
    url = reverse("events:rsvp", args=[occurrence.pk])
    for _ in range(3):
        client.post(url, {"going": "1", "guests": "1", "idempotency_key": key})
    assert RSVP.objects.filter(occurrence=occurrence).count() == 1
    occurrence.refresh_from_db()
    assert occurrence.going_count == 2
    assert IdempotencyKey.objects.filter(key=key, scope="rsvp").count() == 1


def test_a_retried_report_writes_once(make_user, thread, client):
    reporter = make_user()
    client.force_login(reporter)
    post = thread.posts.first()
    key = uuid.uuid4().hex
    url = reverse("forums:post_report", args=[post.pk])
    for _ in range(2):
        client.post(url, {"reason": "spam", "note": "", "idempotency_key": key})
    assert Report.objects.filter(post=post, reporter=reporter).count() <= 1


def test_a_form_with_errors_keeps_no_key(resident, thread, client):
    client.force_login(resident)
    key = uuid.uuid4().hex
    client.post(
        reverse("forums:reply", args=[thread.pk]), {"body": "", "idempotency_key": key}
    )
    assert not IdempotencyKey.objects.filter(key=key).exists()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_process_killed_between_commit_and_answer_the_retry_through_another_writes_once(
    make_user, district, settings
):
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0
    board = Board.objects.get(slug="yeoksam-1")
    author = make_user()
    author.date_joined = timezone.now() - timedelta(days=30)
    author.save(update_fields=["date_joined"])
    thread = forum_services.thread_create(
        author=author, board=board, title="프로세스 종료", body="시작"
    )
    poster = make_user()
    poster.date_joined = timezone.now() - timedelta(days=30)
    poster.save(update_fields=["date_joined"])
    client = Client()
    client.force_login(poster)
    session = client.cookies["sessionid"].value
    env = {
        "DATABASE_URL": shared_database_url(),
        "REDIS_URL": settings.REDIS_URL,  # sessions and caches shared with this process
    }
    dying, port_a = start_uvicorn({**env, "DONGNE_FAULT_AFTER_COMMIT": "reply"})
    survivor, port_b = start_uvicorn(env)
    key = uuid.uuid4().hex
    token = secrets.token_hex(32)

    def send(port: int) -> tuple[int, str]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/forums/t/{thread.pk}/reply/",
            data=urllib.parse.urlencode(
                {"body": "딱 한 번", "idempotency_key": key}
            ).encode(),
            headers={
                "Cookie": f"sessionid={session}; csrftoken={token}",
                "X-CSRFToken": token,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            method="POST",
        )

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=20) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")

    try:
        try:
            answer = send(port_a)
        except (urllib.error.URLError, ConnectionError, OSError):
            answer = None  # committed, then the process died before answering
        assert answer is None, f"process A answered {answer}"
        assert dying.wait(timeout=10) == -9
        assert Post.objects.filter(thread=thread, body="딱 한 번").count() == 1
        status, location = send(port_b)  # the retry through the other process
        assert status == 302 and "/login/" not in location, (status, location)
        assert Post.objects.filter(thread=thread, body="딱 한 번").count() == 1
    finally:
        for process in (dying, survivor):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
