"""Topic names, their channel-layer groups, and who may subscribe to them."""

import re
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, User

TOPIC_RE = re.compile(r"^(?P<kind>[a-z]{1,20}):(?P<id>[1-9][0-9]{0,17})$")

# kind -> check(user, id) -> bool; runs in a worker thread (may query the database).
_checks: dict[str, Callable[[User | AnonymousUser, int], bool]] = {}


class TopicError(ValueError):
    pass


def parse_topic(topic: object) -> tuple[str, int]:
    if not isinstance(topic, str) or not (match := TOPIC_RE.match(topic)):
        raise TopicError("bad_topic")
    if match["kind"] not in _checks:
        raise TopicError("unknown_topic")
    return match["kind"], int(match["id"])


def group_name(topic: str) -> str:
    """`thread:42` → `live.thread.42`: channel-layer group names must be ASCII, under 100 chars."""
    kind, id_ = topic.split(":", 1)
    return f"live.{kind}.{id_}"


def user_topic(user_id: int) -> str:
    """A resident's own stream (notifications, closing their sockets): the one place it is spelt."""
    return f"user:{user_id}"


def register_topic(
    kind: str, check: Callable[[User | AnonymousUser, int], bool]
) -> None:
    _checks[kind] = check


def can_subscribe(user: User | AnonymousUser, topic: str) -> bool:
    kind, id_ = parse_topic(topic)
    return _checks[kind](user, id_)


def _own_stream(user: User | AnonymousUser, user_id: int) -> bool:
    return user.is_authenticated and user.pk == user_id


register_topic("user", _own_stream)
