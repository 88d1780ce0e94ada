"""The live-event log: writing broadcasts with their sequence numbers, and reading them back."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from district.live.topics import group_name, user_topic
from district.models import LiveEvent, LiveTopic

logger = logging.getLogger("district.live")


@dataclass(frozen=True)
class Broadcast:
    """One live update waiting in a transaction's outbox (`district.live.outbox`)."""

    topic: str
    type: str
    data: dict = field(default_factory=dict)


def _next_seqs(counts: dict[str, int]) -> dict[str, range]:
    """Take `counts[topic]` sequence numbers of each topic in one statement, locking their rows until the transaction ends.

    The rows are taken in the order given (the caller sorts the topics), so
    two transactions never wait on each other's topics in opposite orders.
    """
    if not counts:
        return {}
    table = connection.ops.quote_name(LiveTopic._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(counts))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (topic, last_seq) VALUES {rows} "
            f"ON CONFLICT (topic) DO UPDATE SET last_seq = {table}.last_seq + excluded.last_seq "
            "RETURNING topic, last_seq",
            [value for item in counts.items() for value in item],
        )
        lasts = dict(cursor.fetchall())
    return {
        topic: range(lasts[topic] - count + 1, lasts[topic] + 1)
        for topic, count in counts.items()
    }


def write_and_send(broadcasts: list[Broadcast]) -> list[LiveEvent]:
    """Log `broadcasts` in the current transaction and send them once it commits (the outbox's flush).

    Topics are locked in sorted order; within a topic the order of publishing
    is kept. If the channel layer is down, the events stay in the log and
    clients get them when they reconnect.
    """
    by_topic: dict[str, list[Broadcast]] = {}
    for broadcast in broadcasts:
        by_topic.setdefault(broadcast.topic, []).append(broadcast)
    seqs = _next_seqs({topic: len(by_topic[topic]) for topic in sorted(by_topic)})
    events = []
    for topic, batch in sorted(by_topic.items()):
        for seq, b in zip(seqs[topic], batch, strict=True):
            events.append(LiveEvent(topic=topic, seq=seq, type=b.type, data=b.data))
    _insert(events)
    _trim(events)
    transaction.on_commit(lambda: send(events), robust=True)
    return events


_COLUMNS = ("topic", "seq", "type", "data", "created_at")
_BATCH = 1000  # rows per statement at most: 5,000 parameters, within PostgreSQL's limit


def _insert(events: list[LiveEvent]) -> None:
    """One multi-row INSERT per batch, by hand: the ORM's bulk_create spent more CPU building it than the database running it.

    Every publication writes here (bench/rsvp.py, README); the values are
    prepared by the model's own fields, so they are stored as bulk_create
    would store them, with one `created_at` for the batch. Nobody reads the
    new rows' ids: the objects stay unsaved in Django's eyes.
    """
    fields = [LiveEvent._meta.get_field(name) for name in _COLUMNS]
    quote = connection.ops.quote_name
    table = quote(LiveEvent._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    now = timezone.now()
    # SQLite's own limit can be lower (999 parameters before 3.32): Django knows it.
    size = max(1, min(_BATCH, connection.ops.bulk_batch_size(fields, events)))
    with connection.cursor() as cursor:
        for start in range(0, len(events), size):
            batch = events[start : start + size]
            params = []
            for event in batch:
                event.created_at = now
                params += [
                    field.get_db_prep_save(getattr(event, field.attname), connection)
                    for field in fields
                ]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(batch))}",
                params,
            )


def _trim(events: list[LiveEvent]) -> None:
    keep = settings.LIVE_EVENT_KEEP_PER_TOPIC
    for event in events:
        if event.seq % 100 == 0 and event.seq > keep:
            LiveEvent.objects.filter(
                topic=event.topic, seq__lte=event.seq - keep
            ).delete()


def send(events: Iterable[LiveEvent]) -> None:
    """Ring the channel layer's bell for each event: from this thread with Redis, else in one hop to the event loop."""
    events = list(events)
    if not events:
        return
    layer = get_channel_layer()
    if hasattr(layer, "group_send_many_sync"):  # district.live.layer
        try:
            layer.group_send_many_sync(_frames(events))
        except Exception as error:  # noqa: BLE001 - the log keeps them for the clients
            _could_not_send(events, error)
        return
    async_to_sync(_send_all)(events)


def _frames(events: list[LiveEvent]) -> list[tuple[str, dict]]:
    return [
        (group_name(event.topic), {"type": "live.event", **event.as_frame()})
        for event in events
    ]


def _could_not_send(events: list[LiveEvent], error: Exception) -> None:
    logger.warning(
        "live: could not send %d event(s) (%s #%s ...); clients will catch up",
        len(events),
        events[0].topic,
        events[0].seq,
        exc_info=error,
    )


async def _send_all(events: list[LiveEvent]) -> None:
    """Another channel layer (the in-memory one of `make run`): one `group_send` per event."""
    layer = get_channel_layer()
    for event, (group, frame) in zip(events, _frames(events), strict=True):
        try:
            await layer.group_send(group, frame)
        except Exception:
            logger.warning(
                "live: could not send %s #%s; clients will catch up",
                event.topic,
                event.seq,
                exc_info=True,
            )


def last_seqs(topics: Iterable[str]) -> dict[str, int]:
    """The current sequence number of each topic (0 if nothing was published yet)."""
    topics = list(topics)
    found = dict(
        LiveTopic.objects.filter(topic__in=topics).values_list("topic", "last_seq")
    )
    return {topic: found.get(topic, 0) for topic in topics}


def events_since(topic: str, after: int) -> list[LiveEvent] | None:
    """Events of `topic` after seq `after`, in order; None when the client must resync.

    Resync means the log no longer holds everything the client missed (older
    than the kept window), or the client claims a seq the server never issued.
    """
    last = last_seqs([topic])[topic]
    if after == last:
        return []
    if after > last or last - after > settings.LIVE_EVENT_KEEP_PER_TOPIC:
        return None
    events = list(LiveEvent.objects.filter(topic=topic, seq__gt=after).order_by("seq"))
    if not events or events[0].seq != after + 1:
        return None
    return events


def close_user_sockets(user_id: int) -> None:
    """Close every open socket of a user (signed out, suspended), in every process."""
    try:
        async_to_sync(get_channel_layer().group_send)(
            group_name(user_topic(user_id)),
            {"type": "live.close", "topic": user_topic(user_id)},
        )
    except Exception:
        logger.warning(
            "live: could not close sockets of user %s", user_id, exc_info=True
        )
