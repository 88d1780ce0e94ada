"""Several uvicorn processes share live updates through Redis; a Redis outage loses no post.

Needs PostgreSQL and Redis: server processes share the test database, which
SQLite's in-memory test database cannot do.
"""

import asyncio
import json
import secrets
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
import websockets
from django.test import Client
from django.utils import timezone

from forums import services
from forums.models import Board, Post
from tests.servers import RedisProcess, shared_database_url, uvicorn

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def scene(make_user, settings):
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0
    board = Board.objects.create(name="확장", name_en="Scale", slug="scale-test")
    author, poster = make_user(display_name="작성자"), make_user(display_name="게시자")
    for user in (author, poster):
        user.date_joined = timezone.now() - timedelta(days=30)
        user.save(update_fields=["date_joined"])
    thread = services.thread_create(
        author=author, board=board, title="여러 프로세스", body="시작합니다"
    )
    client = Client()
    client.force_login(poster)
    return thread, client.cookies["sessionid"].value


def post_reply(port: int, thread_id: int, session: str, body: str) -> dict:
    token = secrets.token_hex(32)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/forums/t/{thread_id}/reply/",
        data=f"body={urllib.parse.quote(body)}".encode(),
        headers={
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "X-CSRFToken": token,
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 201
        return json.loads(response.read())


async def subscribe(port: int, topic: str, after: int | None):
    socket = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/live/", origin=f"http://127.0.0.1:{port}"
    )
    frame = {"type": "subscribe", "topic": topic} | (
        {"after": after} if after is not None else {}
    )
    await socket.send(json.dumps(frame))
    reply = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert reply["type"] == "subscribed", reply
    return socket, reply["seq"]


async def next_event(socket, timeout=10.0) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), timeout))
        if frame["type"] == "event":
            return frame


def test_a_post_through_process_a_reaches_a_reader_on_process_b(scene, settings):
    thread, session = scene
    env = {"DATABASE_URL": shared_database_url(), "REDIS_URL": settings.REDIS_URL}
    with uvicorn(env) as port_a, uvicorn(env) as port_b:

        async def scenario():
            socket, _seq = await subscribe(port_b, thread.topic, None)
            created = await asyncio.to_thread(
                post_reply, port_a, thread.pk, session, "A에서 B로"
            )
            frame = await next_event(socket)
            await socket.close()
            return created, frame

        created, frame = asyncio.run(scenario())
    assert frame["event"] == "post.created"
    assert frame["data"]["post_id"] == created["post_id"]


def test_redis_outage_keeps_posts_and_reconnecting_clients_catch_up(scene):
    thread, session = scene
    redis = RedisProcess()
    redis.start()
    try:
        env = {"DATABASE_URL": shared_database_url(), "REDIS_URL": redis.url}
        with uvicorn(env) as port_a, uvicorn(env) as port_b:

            async def before_outage():
                socket, seq = await subscribe(port_b, thread.topic, None)
                await socket.close()
                return seq

            seen = asyncio.run(before_outage())
            redis.stop()
            created = post_reply(port_a, thread.pk, session, "레디스가 멈춘 동안")
            assert Post.objects.filter(pk=created["post_id"], thread=thread).exists()
            redis.start()

            async def after_outage():
                socket, _seq = await subscribe(port_b, thread.topic, seen)
                frame = await next_event(socket)
                await socket.close()
                return frame

            frame = asyncio.run(after_outage())
    finally:
        redis.stop()
    assert frame["event"] == "post.created"
    assert frame["data"]["post_id"] == created["post_id"]
    assert frame["seq"] == seen + 1
