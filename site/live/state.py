"""Counts and other state, published after commit and coalesced under a rush.

A count ("12 going, 3 waiting") is a snapshot: readers want the newest one,
not every step. Publishing it inside the transaction that changed it, as
`publish` does, keeps the live log's topic rows (and so the changed row
itself) locked until commit, and on registration day every sign-up to one
date then waits for every other one's log writes. `publish_state(kind, pk)`
instead asks for the snapshot to be published once the transaction commits,
in a short transaction of its own, read fresh:

- on PostgreSQL, publishers of one object take a transaction-level advisory
  lock with `pg_try_advisory_xact_lock`; whoever finds it taken returns at
  once, because the holder reads the state again after its own commit (so
  after the skipper's commit) and publishes again if it moved. Under a rush
  one request publishes for many and the others do not wait;
- the holder stops after LIVE_STATE_PUBLISH_SECONDS and hands the rest to the
  task queue (`publish_state_task`), so no request publishes for ever.

Every published snapshot was the committed state at some moment, and the last
one published is the state once the writes stop. Apps register a reader per
kind: `register_state(kind, read)`, where `read(pk)` returns the topics and the
data, or None when the object is gone.
"""

import threading
import time
import zlib
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django_tasks import task

from district.live.log import Broadcast, write_and_send
from district.models import LiveEvent

Reader = Callable[[int], tuple[list[str], dict] | None]

_readers: dict[str, tuple[str, Reader]] = {}


def register_state(kind: str, type: str, read: Reader) -> None:
    """`read(pk)` → (topics, data) as committed now, or None; published as events of `type`."""
    _readers[kind] = (type, read)


def publish_state(kind: str, pk: int) -> None:
    """Publish `kind` of object `pk` as it is once the current transaction commits (module docstring)."""
    if kind not in _readers:
        raise KeyError(f"no state reader registered for {kind!r}")
    transaction.on_commit(lambda: flush_state(kind, pk), robust=True)


def _advisory_key(kind: str, pk: int) -> int:
    """One signed 64-bit key per (kind, pk): 24 bits of the kind, 39 of the id."""
    return (zlib.crc32(kind.encode()) & 0xFFFFFF) << 39 | (pk & ((1 << 39) - 1))


def _publisher_slot(kind: str, pk: int) -> bool:
    """This transaction publishes `kind` of `pk` (True) or another one is doing it (False)."""
    if connection.vendor != "postgresql":
        return True  # SQLite runs one writer at a time: nobody to coalesce with
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s)", [_advisory_key(kind, pk)]
        )
        return bool(cursor.fetchone()[0])


class _Local:
    """Flushes of this process: one thread publishes an object's state, the others leave it a note."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.dirty: dict[
            tuple[str, int], bool
        ] = {}  # key present: a thread is publishing it


_local = _Local()


def _last_published(topic: str, type_: str) -> dict | None:
    found = (
        LiveEvent.objects.filter(topic=topic, type=type_)
        .order_by("-seq")
        .values_list("data", flat=True)
        .first()
    )
    return found


def flush_state(kind: str, pk: int, unless_published: bool = False) -> None:
    """Publish the state until it stops moving (or hand over to the task queue).

    In one process, a thread that finds another publishing the same object
    marks it dirty and returns; the publisher goes round again. Across
    processes the advisory lock does the same (see the module docstring).
    """
    key = (kind, pk)
    with _local.lock:
        if key in _local.dirty:
            _local.dirty[key] = True
            return
        _local.dirty[key] = False
    deadline = time.monotonic() + settings.LIVE_STATE_PUBLISH_SECONDS
    try:
        while True:
            moved = _flush_once(kind, pk, unless_published)
            unless_published = False
            with _local.lock:
                if not (moved or _local.dirty[key]):
                    del _local.dirty[key]
                    return
                _local.dirty[key] = False
            if time.monotonic() > deadline:
                publish_state_task.enqueue(kind, pk)
                return
    finally:
        with _local.lock:
            _local.dirty.pop(key, None)


def _flush_once(kind: str, pk: int, unless_published: bool = False) -> bool:
    """Publish once; whether the state moved meanwhile (so it must be published again)."""
    type_, read = _readers[kind]
    with transaction.atomic():
        if not _publisher_slot(kind, pk):
            return False  # the holder reads again after its commit, which follows ours
        snapshot = read(pk)
        if snapshot is None:
            return False
        topics, data = snapshot
        if unless_published and _last_published(topics[0], type_) == data:
            return False
        write_and_send([Broadcast(topic, type_, data) for topic in topics])
    again = read(pk)
    return again is not None and again[1] != data


@task()
def publish_state_task(kind: str, pk: int) -> None:
    """A rush outlasted one request's turn at publishing: the worker carries on.

    Many such tasks may wait for the same object after a rush; all but the
    first find its state already published and write nothing.
    """
    flush_state(kind, pk, unless_published=True)
