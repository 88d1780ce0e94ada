"""Live updates: the only place that touches the channel layer.

Services run inside `live.atomic` (Django's `transaction.atomic` with an
outbox) and call `live.publish(topic, type, data)` as often as they need; just
before the outermost block commits, the outbox is written to the live-event
log (one sequence per topic, topics locked in sorted order) and after commit
it is sent to the channel layer (`district.live.outbox`). Counts and other
snapshots go out after commit instead, coalesced under a rush
(`publish_state`, `district.live.state`). The `/ws/live/`
consumer subscribes sockets through this process's hub (`district.live.hub`),
which joins each topic's channel-layer group once per process and fans
messages out locally. Topic names look like `thread:42`; group names are built
from them by `group_name` (ASCII, ids only). Apps register who may read a
topic kind with `register_topic`.
"""

from district.live.log import (
    close_user_sockets,
    events_since,
    last_seqs,
)
from district.live.outbox import Broadcast, atomic, publish
from district.live.state import publish_state, register_state
from district.live.topics import (
    TopicError,
    can_subscribe,
    group_name,
    parse_topic,
    register_topic,
    user_topic,
)

__all__ = [
    "Broadcast",
    "TopicError",
    "atomic",
    "can_subscribe",
    "close_user_sockets",
    "events_since",
    "group_name",
    "last_seqs",
    "parse_topic",
    "publish",
    "publish_state",
    "register_state",
    "register_topic",
    "user_topic",
]
