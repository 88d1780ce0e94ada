"""One channel-layer subscription per process and topic, fanned out locally.

Without the hub every socket is a group member with its own channel: a post to
a thread read by 1,000 people makes channels-redis carry the message for 1,000
channels, and each consumer wakes through its own channel receive. Here each
process joins a topic's group once, through its own hub channel, and hands
each message to its local sockets in memory: one channel-layer delivery per
process, then plain function calls. Still on the channel layer, so several
processes on several hosts share live updates through Redis.
"""

import asyncio
import logging
from collections import defaultdict
from typing import Protocol

from channels.layers import get_channel_layer

from district.live.topics import group_name

logger = logging.getLogger("district.live")

REFRESH_SECONDS = 30.0


class Subscriber(Protocol):
    async def deliver(self, message: dict) -> None: ...


class Hub:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.members: dict[str, set[Subscriber]] = defaultdict(set)
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []

    async def join(self, topic: str, subscriber: Subscriber) -> None:
        async with self._lock:
            if self.channel is None:
                # The default prefix: channels-redis reads all of a process's
                # "specific." channels with one blocking pop; another prefix
                # would wait behind it (up to 5 s per message).
                self.channel = await self.layer.new_channel()
                self._tasks = [
                    asyncio.create_task(self._read()),
                    asyncio.create_task(self._refresh()),
                ]
            first = not self.members[topic]
            self.members[topic].add(subscriber)
            if first:
                await self._group_add(topic)

    async def leave(self, topic: str, subscriber: Subscriber) -> None:
        async with self._lock:
            members = self.members.get(topic)
            if not members:
                return
            members.discard(subscriber)
            if not members:
                del self.members[topic]
                try:
                    await self.layer.group_discard(group_name(topic), self.channel)
                except Exception:  # noqa: BLE001
                    logger.warning("live: group_discard failed for %s", topic)

    async def _group_add(self, topic: str) -> None:
        try:
            await self.layer.group_add(group_name(topic), self.channel)
        except Exception:  # noqa: BLE001 - layer down: _refresh re-joins when it is back.
            logger.warning("live: group_add failed for %s; will retry", topic)

    async def _read(self) -> None:
        backoff = 0.5
        while True:
            try:
                message = await self.layer.receive(self.channel)
                backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - layer down: wait, then re-join every topic.
                logger.warning(
                    "live: channel layer unavailable; retrying in %.1fs", backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                await self._rejoin()
                continue
            subscribers = list(self.members.get(message.get("topic", ""), ()))
            if subscribers:
                await asyncio.gather(
                    *(s.deliver(message) for s in subscribers), return_exceptions=True
                )

    async def _rejoin(self) -> None:
        for topic in list(self.members):
            await self._group_add(topic)

    async def _refresh(self) -> None:
        """Group memberships expire in channels-redis and vanish if Redis restarts: renew them."""
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            await self._rejoin()


_hubs: dict[int, Hub] = {}


def get_hub() -> Hub:
    """The hub of the running event loop (one per server process; tests get one per loop)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(id(loop))
    if hub is None or hub._tasks and hub._tasks[0].get_loop() is not loop:
        hub = _hubs[id(loop)] = Hub()
    return hub
