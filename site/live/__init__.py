"""Live updates: the only place that touches the channel layer.

Services call `publish_on_commit(Broadcast(...), ...)` inside their transaction:
the broadcasts are written to the live-event log (one sequence per topic) and
sent to the channel layer after commit. The `/ws/live/` consumer subscribes
sockets through this process's hub (`district.live.hub`), which joins each
topic's channel-layer group once per process and fans messages out locally.
Topic names look like `thread:42`; group names are built from them by
`group_name` (ASCII, ids only). Apps register who may read a topic kind with
`register_topic`.
"""

from district.live.log import (
    Broadcast,
    close_user_sockets,
    events_since,
    last_seqs,
    publish_on_commit,
)
from district.live.topics import (
    TopicError,
    can_subscribe,
    group_name,
    parse_topic,
    register_topic,
)

__all__ = [
    "Broadcast",
    "TopicError",
    "can_subscribe",
    "close_user_sockets",
    "events_since",
    "group_name",
    "last_seqs",
    "parse_topic",
    "publish_on_commit",
    "register_topic",
]
