"""The `/ws/live/` socket: authenticate, validate frames, authorise and subscribe. Writes go over HTTP.

Protocol: docs/live.md.
"""

import json
import logging
import time
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.cache import cache

from district import live
from district.live.hub import get_hub

MAX_FRAME_BYTES = 4096
MAX_TOPICS = 50
FRAMES_PER_SECOND = 10
BURST = 30
CLOSE_AFTER_STRIKES = 50
CLOSE_SIGNED_OUT = 4001
CLOSE_ABUSE = 4008
CLOSE_TOO_MANY_SOCKETS = 4029
# uvicorn refuses (closes with 1009) any frame above this before reading it
# whole: `--ws-max-size` where the project starts uvicorn. Frames between
# MAX_FRAME_BYTES and this get the "too_large" error and the socket stays open.
SERVER_MAX_FRAME_BYTES = 65_536
ENCODED = "_encoded_frame"
SOCKET_COUNT_SECONDS = 6 * 60 * 60
logger = logging.getLogger(__name__)


def uvicorn_socket_options() -> list[str]:
    """uvicorn's flags for sockets as the project serves them: the frame cap, permessage-deflate, the shutdown bound.

    Compression is negotiated by uvicorn before the application sees the
    socket, so `DONGNE_WS_PERMESSAGE_DEFLATE` can only reach it as a flag;
    `manage.py serve` adds these to a uvicorn command that lacks them.
    """
    deflate = "true" if settings.DONGNE_WS_PERMESSAGE_DEFLATE else "false"
    return [
        "--ws-max-size",
        str(SERVER_MAX_FRAME_BYTES),
        "--ws-per-message-deflate",
        deflate,
        # A client that stops reading leaves uvicorn's send waiting on a full
        # TCP buffer (without compression a resume backlog easily fills it),
        # and a graceful shutdown would wait for it for ever: a deploy must
        # end in seconds (tests/site/test_shutdown.py).
        "--timeout-graceful-shutdown",
        str(settings.DONGNE_GRACEFUL_SHUTDOWN_SECONDS),
    ]


def _sockets_key(user_id: int) -> str:
    return f"live:sockets:{user_id}"


def _socket_slot_take(user_id: int) -> bool:
    """Count one more open socket for the account; False (and not counted) past LIVE_MAX_SOCKETS_PER_USER.

    The count lives in the cache (Redis in production: shared by every server
    process) and expires SOCKET_COUNT_SECONDS after the account's last new
    socket, so a crashed process's sockets are forgotten in time. A cache
    that cannot be reached allows the socket.
    """
    limit = settings.LIVE_MAX_SOCKETS_PER_USER
    key = _sockets_key(user_id)
    try:
        cache.add(key, 0, SOCKET_COUNT_SECONDS)
        count = cache.incr(key)
        cache.touch(key, SOCKET_COUNT_SECONDS)
        if count is not None and count > limit:
            cache.decr(key)
            return False
    except Exception:  # noqa: BLE001 - the cache is down: allow
        return True
    return True


def _socket_slot_release(user_id: int) -> None:
    try:
        if (cache.decr(_sockets_key(user_id)) or 0) < 0:
            cache.delete(_sockets_key(user_id))
    except Exception:  # noqa: BLE001 - expired or unreachable: nothing to release
        logger.debug("socket count for user %s already gone", user_id)


def _authorise_and_read(
    user, topic: str, after: int | None
) -> tuple[bool, int, list[dict] | None]:
    """One trip to the database per subscription: may the user read it, and what did they miss?

    Returns (allowed, last seq, backlog frames or None when the client must resync).
    """
    if not live.can_subscribe(user, topic):
        return False, 0, []
    if after is None:
        return True, live.last_seqs([topic])[topic], []
    events = live.events_since(topic, after)
    return (
        True,
        after,
        None if events is None else [event.as_frame() for event in events],
    )


class LiveConsumer(AsyncJsonWebsocketConsumer):
    # No channel of its own: the process's hub reads the layer for every socket.
    # A per-socket channel would be one more blocking reader per socket, unused,
    # and channels-redis cannot always cancel it: a closed socket's task then
    # lives on and uvicorn waits for it forever on SIGTERM.
    channel_layer_alias = None

    async def connect(self) -> None:
        self.user = self.scope["user"]
        self.seen: dict[str, int] = {}
        self.syncing: dict[str, list[dict]] = {}
        self.tokens = float(BURST)
        self.refilled = time.monotonic()
        self.strikes = 0
        self.hub = get_hub()
        self.holds_slot = False
        await self.accept()
        if self.user.is_authenticated:
            if not await sync_to_async(_socket_slot_take)(self.user.pk):
                await self.send_error("too_many_sockets")
                await self.close(code=CLOSE_TOO_MANY_SOCKETS)
                return
            self.holds_slot = True
            await self.subscribe(live.user_topic(self.user.pk), None)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "holds_slot", False):
            self.holds_slot = False
            await sync_to_async(_socket_slot_release)(self.user.pk)
        for topic in list(self.seen) + list(self.syncing):
            await self.hub.leave(topic, self)

    # Frames from the browser -------------------------------------------------

    async def receive(
        self,
        text_data: str | None = None,
        bytes_data: bytes | None = None,
        **kwargs: Any,
    ) -> None:
        if not self._take_token():
            await self.send_error("rate_limited")
            self.strikes += 1
            if self.strikes >= CLOSE_AFTER_STRIKES:
                await self.close(code=CLOSE_ABUSE)
            return
        if text_data is None:
            await self.send_error("text_only")
            return
        if len(text_data) > MAX_FRAME_BYTES:
            await self.send_error("too_large")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error("not_json")
            return
        if not isinstance(content, dict):
            await self.send_error("not_object")
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict, **kwargs: Any) -> None:
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "subscribe":
            after = content.get("after")
            if after is not None and (
                not isinstance(after, int) or isinstance(after, bool) or after < 0
            ):
                await self.send_error("bad_after", content.get("topic"))
                return
            await self.subscribe(content.get("topic"), after)
        elif kind == "unsubscribe":
            topic = content.get("topic")
            if topic in self.seen or topic in self.syncing:
                self.seen.pop(topic, None)
                self.syncing.pop(topic, None)
                await self.hub.leave(topic, self)
            await self.send_json({"type": "unsubscribed", "topic": topic})
        else:
            await self.send_error("unknown_type")

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(
            BURST, self.tokens + (now - self.refilled) * FRAMES_PER_SECOND
        )
        self.refilled = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    # Subscriptions -------------------------------------------------------------

    async def subscribe(self, topic: Any, after: int | None) -> None:
        try:
            live.parse_topic(topic)
        except live.TopicError as error:
            await self.send_error(str(error), topic if isinstance(topic, str) else None)
            return
        if topic in self.seen or topic in self.syncing:
            await self.send_error("already_subscribed", topic)
            return
        if len(self.seen) + len(self.syncing) >= MAX_TOPICS:
            await self.send_error("too_many_topics", topic)
            return
        # Join first and hold live messages back while the backlog is read, so
        # nothing falls between the two and everything leaves in order.
        self.syncing[topic] = []
        await self.hub.join(topic, self)
        allowed, last, backlog = await database_sync_to_async(_authorise_and_read)(
            self.user, topic, after
        )
        if not allowed:
            self.syncing.pop(topic, None)
            await self.hub.leave(topic, self)
            await self.send_error("forbidden", topic)
            return
        held = self.syncing.pop(topic, None)
        if held is None:  # unsubscribed meanwhile
            return
        if backlog is None:
            await self.hub.leave(topic, self)
            await self.send_json({"type": "resync", "topic": topic})
            return
        self.seen[topic] = last
        await self.send_json(
            {
                "type": "subscribed",
                "topic": topic,
                "seq": backlog[-1]["seq"] if backlog else last,
            }
        )
        for frame in sorted(backlog + held, key=lambda frame: frame["seq"]):
            await self._send_event(frame)

    async def deliver(self, message: dict) -> None:
        """Called by the hub for every channel-layer message on a topic this socket follows."""
        if message.get("type") == "live.close":
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        topic = message["topic"]
        if topic in self.syncing:
            self.syncing[topic].append(message)
        elif topic in self.seen:
            await self._send_event(message)

    async def _send_event(self, frame: dict) -> None:
        topic, seq = frame["topic"], frame["seq"]
        seen = self.seen.get(topic)
        if seen is None or seq <= seen:
            return
        if seq > seen + 1:
            # The layer dropped something (it delivers at most once): fill the gap from the log.
            missed = await database_sync_to_async(live.events_since)(topic, seen)
            if missed is None:
                await self.send_json({"type": "resync", "topic": topic})
                return
            for event in missed:
                if event.seq < seq:
                    await self._emit(event.as_frame())
        await self._emit(frame)

    async def _emit(self, frame: dict) -> None:
        self.seen[frame["topic"]] = frame["seq"]
        # The hub hands the same message dict to every local socket: encode it once.
        text = frame.get(ENCODED)
        if text is None:
            text = frame[ENCODED] = json.dumps(
                {
                    "type": "event",
                    "topic": frame["topic"],
                    "seq": frame["seq"],
                    "event": frame["event"],
                    "data": frame["data"],
                }
            )
        await self.send(text_data=text)

    async def send_error(self, code: str, topic: str | None = None) -> None:
        frame = {"type": "error", "code": code}
        if topic is not None:
            frame["topic"] = topic
        await self.send_json(frame)
