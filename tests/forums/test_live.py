"""The live path under the full ASGI app: subscribe, deliver, resume, resync, authorise, refuse bad frames."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client

from district.asgi import application
from district.models import LiveEvent, LiveTopic
from forums import services
from forums.models import Board

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://localhost")


@pytest.fixture
def live_board(db):
    return Board.objects.create(name="실시간", name_en="Live", slug="live-test")


@pytest.fixture
def people(make_user):
    from datetime import timedelta

    from django.utils import timezone

    users = [make_user(display_name=name) for name in ("작성자", "이웃", "구경꾼")]
    for user in users:
        user.date_joined = timezone.now() - timedelta(days=30)
        user.save(update_fields=["date_joined"])
    return users


@pytest.fixture
def thread(live_board, people, settings):
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0
    return services.thread_create(
        author=people[0], board=live_board, title="실시간 테스트", body="첫 글"
    )


def session_cookie(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


async def open_socket(user=None) -> WebsocketCommunicator:
    headers = [ORIGIN]
    if user is not None:
        headers.append(await database_sync_to_async(session_cookie)(user))
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    if user is not None:  # a signed-in socket follows its own stream from the start
        assert (await communicator.receive_json_from(timeout=5))["type"] == "subscribed"
    return communicator


async def subscribe(communicator, topic, after=None):
    frame = {"type": "subscribe", "topic": topic}
    if after is not None:
        frame["after"] = after
    await communicator.send_json_to(frame)
    reply = await communicator.receive_json_from(timeout=5)
    return reply


async def receive_events(communicator, count, timeout=5):
    frames = []
    while len(frames) < count:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == "event":
            frames.append(frame)
    return frames


reply = database_sync_to_async(
    lambda author, thread, body: services.post_create(
        author=author, thread=thread, body=body
    )
)


async def test_a_reply_reaches_an_open_thread(thread, people):
    reader = await open_socket()
    assert (await subscribe(reader, thread.topic))["type"] == "subscribed"
    post = await reply(people[1], thread, "**반갑습니다**")
    (frame,) = await receive_events(reader, 1)
    assert frame["event"] == "post.created"
    assert frame["data"]["post_id"] == post.pk
    assert frame["data"]["html"] == "<p><strong>반갑습니다</strong></p>\n"
    assert frame["data"]["author"] == "이웃"
    await reader.disconnect()


async def test_resume_after_disconnect_delivers_exactly_the_missed_posts_in_order(
    thread, people
):
    reader = await open_socket()
    subscribed = await subscribe(reader, thread.topic)
    last = subscribed["seq"]
    await reader.disconnect()

    missed = [await reply(people[1], thread, f"놓친 글 {n}") for n in range(3)]

    reader = await open_socket()
    assert (await subscribe(reader, thread.topic, after=last))["type"] == "subscribed"
    frames = await receive_events(reader, 3)
    assert [f["data"]["post_id"] for f in frames] == [p.pk for p in missed]
    assert [f["seq"] for f in frames] == [last + 1, last + 2, last + 3]
    assert await reader.receive_nothing(timeout=0.3)

    live = await reply(people[2], thread, "실시간 글")
    (frame,) = await receive_events(reader, 1)
    assert frame["data"]["post_id"] == live.pk
    assert await reader.receive_nothing(timeout=0.3)
    await reader.disconnect()


async def test_a_gap_left_by_the_channel_layer_is_filled_from_the_log(thread, people):
    """channels-redis delivers at most once; a dropped message is recovered from the event log."""
    reader = await open_socket()
    await subscribe(reader, thread.topic)

    @database_sync_to_async
    def publish_without_sending():
        with transaction.atomic():
            topic, _created = LiveTopic.objects.select_for_update().get_or_create(
                topic=thread.topic
            )
            topic.last_seq += 1
            topic.save()
            LiveEvent.objects.create(
                topic=thread.topic,
                seq=topic.last_seq,
                type="post.edited",
                data={"post_id": 0},
            )

    await publish_without_sending()
    await reply(people[1], thread, "다음 글")
    frames = await receive_events(reader, 2)
    assert [f["event"] for f in frames] == ["post.edited", "post.created"]
    await reader.disconnect()


async def test_resume_older_than_the_kept_window_asks_for_resync(
    thread, people, settings
):
    settings.LIVE_EVENT_KEEP_PER_TOPIC = 2
    for n in range(3):
        await reply(people[1], thread, f"글 {n}")
    reader = await open_socket()
    assert await subscribe(reader, thread.topic, after=0) == {
        "type": "resync",
        "topic": thread.topic,
    }
    assert await subscribe(reader, thread.topic, after=999) == {
        "type": "resync",
        "topic": thread.topic,
    }
    await reader.disconnect()


async def test_two_sockets_in_one_process_both_receive_and_unsubscribe_stops_delivery(
    thread, people
):
    first, second = await open_socket(), await open_socket()
    await subscribe(first, thread.topic)
    await subscribe(second, thread.topic)
    await reply(people[1], thread, "둘 다 받나요")
    assert (await receive_events(first, 1))[0]["event"] == "post.created"
    assert (await receive_events(second, 1))[0]["event"] == "post.created"
    await second.send_json_to({"type": "unsubscribe", "topic": thread.topic})
    assert (await second.receive_json_from())["type"] == "unsubscribed"
    await reply(people[1], thread, "첫 번째만")
    assert len(await receive_events(first, 1)) == 1
    assert await second.receive_nothing(timeout=0.3)
    await first.disconnect()
    await second.disconnect()


async def test_topics_are_authorised_like_http(thread, people):
    moderator = people[2]
    hidden = await database_sync_to_async(
        lambda: thread.__class__.objects.filter(pk=thread.pk).update(is_hidden=True)
    )()
    assert hidden == 1
    anonymous = await open_socket()
    assert await subscribe(anonymous, thread.topic) == {
        "type": "error",
        "code": "forbidden",
        "topic": thread.topic,
    }
    assert (await subscribe(anonymous, f"user:{moderator.pk}"))["code"] == "forbidden"
    assert (await subscribe(anonymous, "thread:999999"))["code"] == "forbidden"
    assert (await subscribe(anonymous, "secret:1"))["code"] == "unknown_topic"
    assert (await subscribe(anonymous, "thread:abc"))["code"] == "bad_topic"
    assert (await subscribe(anonymous, "스레드:1"))["code"] == "bad_topic"
    await anonymous.disconnect()


async def test_bad_frames_get_errors_and_floods_close_only_that_socket(thread):
    calm, flood = await open_socket(), await open_socket()
    await flood.send_json_to({"type": "subscribe", "topic": thread.topic, "after": -1})
    assert (await flood.receive_json_from())["code"] == "bad_after"
    await flood.send_to(bytes_data=b"\x00\x01")
    assert (await flood.receive_json_from())["code"] == "text_only"
    codes = []
    for _ in range(120):
        await flood.send_json_to({"type": "ping"})
    while True:
        frame = await flood.receive_output(timeout=2)
        if frame["type"] == "websocket.close":
            assert frame["code"] == 4008
            break
        codes.append(frame)
    assert any('"rate_limited"' in frame.get("text", "") for frame in codes)
    await calm.send_json_to({"type": "ping"})
    assert await calm.receive_json_from() == {"type": "pong"}
    await calm.disconnect()


async def test_signing_out_closes_the_users_sockets(people):
    user = people[1]
    sock = await open_socket(user)
    assert (await subscribe(sock, f"user:{user.pk}"))["code"] == "already_subscribed"

    @database_sync_to_async
    def sign_out_elsewhere():
        client = Client()
        client.force_login(user)
        client.post("/accounts/logout/")

    await sign_out_elsewhere()
    frame = await sock.receive_output(timeout=5)
    assert frame == {"type": "websocket.close", "code": 4001}


async def test_notifications_reach_the_users_own_stream(thread, people):
    author = people[0]
    sock = await open_socket(author)
    await reply(people[1], thread, "알림 가나요")
    (frame,) = await receive_events(sock, 1)
    assert frame["event"] == "notification.created" and frame["data"]["unread"] == 1
    await sock.disconnect()


def test_user_topic_check_is_the_users_own(people):
    from district import live

    assert live.can_subscribe(people[0], f"user:{people[0].pk}")
    assert not live.can_subscribe(people[0], f"user:{people[1].pk}")
    assert not live.can_subscribe(AnonymousUser(), f"user:{people[1].pk}")


async def test_writes_succeed_when_the_channel_layer_fails(thread, people, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "district.live.layer.LiveChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        post = await asyncio.wait_for(
            reply(people[1], thread, "레디스 없이도 저장"), timeout=20
        )
        assert (
            await database_sync_to_async(
                lambda: LiveEvent.objects.filter(topic=thread.topic).count()
            )()
            == 1
        )
        assert post.pk
    finally:
        channel_layers.backends.clear()


@pytest.mark.redis
async def test_an_idle_socket_outlives_the_redis_read_timeout(thread, people):
    """redis-py 8 reads time out after 5 s by default, as long as channels-redis's blocking pop:
    without the longer socket_timeout in settings, this socket dies while idle."""
    reader = await open_socket()
    await subscribe(reader, thread.topic)
    await asyncio.sleep(7)
    await reader.send_json_to({"type": "ping"})
    assert await reader.receive_json_from(timeout=5) == {"type": "pong"}
    await reply(people[1], thread, "7초 뒤에도 받나요")
    assert (await receive_events(reader, 1, timeout=5))[0]["event"] == "post.created"
    await reader.disconnect()


async def test_suspending_a_user_closes_their_sockets(people):
    user = people[1]
    sock = await open_socket(user)

    @database_sync_to_async
    def suspend():
        user.is_active = False
        user.save(update_fields=["is_active"])

    await suspend()
    assert await sock.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": 4001,
    }
    await sock.disconnect()


async def test_a_suspension_sanction_closes_their_sockets_at_once(people, staff):
    """A suspension from the sanctions form (district.moderation) goes the same way."""
    from district.moderation.services import sanction_create

    user = people[1]
    sock = await open_socket(user)
    await database_sync_to_async(sanction_create)(
        moderator=staff,
        user=user,
        kind="suspend",
        reason_code="abuse",
        text="Threats",
        days=7,
    )
    assert await sock.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": 4001,
    }
    await sock.disconnect()
