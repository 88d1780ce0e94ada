"""channels-redis, with the live log's sends to many groups in two round trips to Redis.

A committed change usually rings several topics at once (an event's page and
its board's, a notice and the badge on a user's stream). channels-redis's
`group_send` makes two round trips per group with nobody in it (drop expired
members, read the members) and four with members (the same, then drop the
channels' expired messages, then a Lua script that queues the message).
`group_send_many` reads every group's members in one pipelined round trip and
queues every message for every channel in one Lua script per Redis host.
`group_send_many_sync` does the same from a request's thread with a
synchronous client, where `async_to_sync(group_send)` would cross to the event
loop and back: under a registration-day rush, each crossing and each round
trip is CPU taken from the loop that serves everyone.

Messages keep their order: each gets its own score (the time, plus a step per
message, and never below the previous batch's last score in this process),
and channels-redis hands out a channel's messages lowest score first.
Capacity and expiry are channels-redis's own. It reuses channels-redis's
internals (`_group_key`, `_map_channel_keys_to_connection`), so its version
is pinned below 5.
"""

import logging
import threading
import time
from collections import defaultdict

import redis
from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer

logger = logging.getLogger(__name__)

# KEYS: channel keys (a key may come more than once); ARGV: the messages, then
# their scores, then the channels' capacities, then expiry and the cut-off.
_QUEUE = """
local n = #KEYS
local expiry, cutoff = ARGV[3 * n + 1], ARGV[3 * n + 2]
local over = 0
for i = 1, n do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, cutoff)
    if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[2 * n + i]) then
        redis.call('ZADD', KEYS[i], ARGV[n + i], ARGV[i])
        redis.call('EXPIRE', KEYS[i], expiry)
    else
        over = over + 1
    end
end
return over
"""

STEP = 1e-5  # seconds between the scores of messages sent together: representable at today's time


class LiveChannelLayer(RedisChannelLayer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sync_clients: dict[int, redis.Redis] = {}
        self._sync_lock = threading.Lock()
        self._last_score = 0.0
        self._score_lock = threading.Lock()

    async def group_send(self, group: str, message: dict) -> None:
        await self.group_send_many([(group, message)])

    async def group_send_many(self, sends: list[tuple[str, dict]]) -> None:
        """Send each (group, message) in order: one round trip per Redis host for the members, one for the messages."""
        now, by_host = self._by_host(sends)
        replies = {}
        for host, items in by_host.items():
            replies[host] = await self._read_members(
                self.connection(host), items, now
            ).execute()
        for host, args in self._queue_scripts(now, by_host, replies):
            self._log_over(await self.connection(host).eval(_QUEUE, *args))

    def group_send_many_sync(self, sends: list[tuple[str, dict]]) -> None:
        """`group_send_many` from a request's thread, with a synchronous client: no crossing to the event loop.

        Hosts not given by address (a sentinel, host and port) go through
        `group_send_many` on the event loop instead.
        """
        if not all("address" in host for host in self.hosts):
            async_to_sync(self.group_send_many)(sends)
            return
        now, by_host = self._by_host(sends)
        replies = {
            host: self._read_members(self._sync_client(host), items, now).execute()
            for host, items in by_host.items()
        }
        for host, args in self._queue_scripts(now, by_host, replies):
            self._log_over(self._sync_client(host).eval(_QUEUE, *args))

    def _sync_client(self, index: int) -> redis.Redis:
        with self._sync_lock:
            if index not in self._sync_clients:
                host = dict(self.hosts[index])
                address = host.pop("address")
                self._sync_clients[index] = redis.Redis.from_url(address, **host)
            return self._sync_clients[index]

    def _by_host(self, sends):
        by_host: dict[int, list[tuple[int, str, dict]]] = defaultdict(list)
        for order, (group, message) in enumerate(sends):
            assert self.require_valid_group_name(group), "Group name not valid"
            by_host[self.consistent_hash(group)].append((order, group, message))
        # After the last batch's last score, whatever the clock says.
        with self._score_lock:
            now = max(time.time(), self._last_score + STEP)
            self._last_score = now + len(sends) * STEP
        return now, by_host

    def _read_members(self, client, items, now: float):
        """A pipeline (not yet run) that drops each group's expired members and reads the rest."""
        pipe = client.pipeline(transaction=False)
        for _order, group, _message in items:
            key = self._group_key(group)
            pipe.zremrangebyscore(key, min=0, max=int(now) - self.group_expiry)
            pipe.zrange(key, 0, -1)
        return pipe

    def _queue_scripts(self, now: float, by_host, replies):
        """(host, arguments of `eval(_QUEUE, ...)`) for every host with a channel to queue messages on."""
        queued: dict[int, list[tuple[int, str, bytes, int]]] = defaultdict(list)
        for host, items in by_host.items():
            for (order, _group, message), members in zip(
                items, replies[host][1::2], strict=True
            ):
                if not members:
                    continue
                channels, messages, capacities = self._map_channel_keys_to_connection(
                    [member.decode("utf8") for member in members], message
                )
                for channel_host, keys in channels.items():
                    queued[channel_host] += [
                        (order, key, messages[key], capacities[key]) for key in keys
                    ]
        for channel_host, rows in queued.items():
            # In the order sent, whatever host each group lives on.
            rows.sort(key=lambda row: row[0])
            yield (
                channel_host,
                [
                    len(rows),
                    *(key for _order, key, _message, _capacity in rows),
                    *(message for _order, _key, message, _capacity in rows),
                    *(now + order * STEP for order, _key, _message, _capacity in rows),
                    *(capacity for _order, _key, _message, capacity in rows),
                    int(self.expiry),
                    int(now) - int(self.expiry),
                ],
            )

    @staticmethod
    def _log_over(over: int) -> None:
        if over:
            logger.info("%s channel(s) over capacity in a group send", over)
