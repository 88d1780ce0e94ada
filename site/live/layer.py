"""channels-redis, with the live log's sends to many groups in two round trips to Redis.

A committed change usually rings several topics at once (an event's page and
its board's, a notice and the badge on a user's stream). channels-redis's
`group_send` makes two round trips per group with nobody in it (drop expired
members, read the members) and four with members (the same, then drop the
channels' expired messages, then a Lua script that queues the message).
`group_send_many` reads every group's members in one pipelined round trip and
queues every message for every channel in one Lua script per Redis host:
under a registration-day rush, each round trip is CPU on the event loop that
serves everyone.

Messages keep their order: each gets its own score (the time, plus a step per
message), as consecutive `group_send` calls would, and channels-redis hands
out a channel's messages lowest score first. Capacity and expiry are
channels-redis's own. It reuses channels-redis's internals (`_group_key`,
`_map_channel_keys_to_connection`), so its version is pinned below 5.
"""

import logging
import time
from collections import defaultdict

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
    async def group_send(self, group: str, message: dict) -> None:
        await self.group_send_many([(group, message)])

    async def group_send_many(self, sends: list[tuple[str, dict]]) -> None:
        """Send each (group, message) in order: one round trip per Redis host for the members, one for the messages."""
        now = time.time()
        by_host: dict[int, list[tuple[int, str, dict]]] = defaultdict(list)
        for order, (group, message) in enumerate(sends):
            assert self.require_valid_group_name(group), "Group name not valid"
            by_host[self.consistent_hash(group)].append((order, group, message))
        queued: dict[int, list[tuple[int, str, bytes, int]]] = defaultdict(list)
        for host, items in by_host.items():
            pipe = self.connection(host).pipeline(transaction=False)
            for _order, group, _message in items:
                key = self._group_key(group)
                pipe.zremrangebyscore(key, min=0, max=int(now) - self.group_expiry)
                pipe.zrange(key, 0, -1)
            replies = await pipe.execute()
            for (order, _group, message), members in zip(
                items, replies[1::2], strict=True
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
            rows.sort(
                key=lambda row: row[0]
            )  # in the order sent, whatever the group's host
            keys = [key for _order, key, _message, _capacity in rows]
            messages = [message for _order, _key, message, _capacity in rows]
            scores = [now + order * STEP for order, _key, _message, _capacity in rows]
            capacities = [capacity for _order, _key, _message, capacity in rows]
            over = await self.connection(channel_host).eval(
                _QUEUE,
                len(keys),
                *keys,
                *messages,
                *scores,
                *capacities,
                int(self.expiry),
                int(now) - int(self.expiry),
            )
            if over:
                logger.info("%s channel(s) over capacity in a group send", over)
