"""Live updates: the only module that touches the channel layer.

Services publish after their transaction commits (`publish_on_commit`); the
`/ws/live/` consumer subscribes sockets to topics. Group names are built here
from ids only, because the channel layer accepts ASCII names under 100 chars.
"""

import re

TOPIC_RE = re.compile(r"^(?P<kind>[a-z]+):(?P<id>[0-9]{1,18})$")


def group_name(topic: str) -> str:
    """`thread:42` → `live.thread.42`; raises ValueError for anything else."""
    match = TOPIC_RE.match(topic)
    if not match:
        raise ValueError(f"not a topic: {topic!r}")
    return f"live.{match['kind']}.{match['id']}"
