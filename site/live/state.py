"""Counts and other state, published after commit and coalesced under a rush.

A count ("12 going, 3 waiting") is a snapshot: readers want the newest one,
not every step. Publishing it inside the transaction that changed it, as
`publish` does, keeps the live log's topic rows (and so the changed row
itself) locked until commit, and on registration day every sign-up to one
date then waits for every other one's log writes. `publish_state(kind, pk)`
instead asks for the snapshot to be published once the transaction commits,
in a short transaction of its own, read fresh:

- in one process, one thread at a time publishes an object; another that
  comes meanwhile leaves it a note ("it moved") and returns, and the
  publisher goes round again, reading the state afresh;
- across processes, publishers of one object take turns on a
  transaction-level advisory lock (`pg_advisory_xact_lock`) and read the
  state once they hold it, so each reads after the previous one committed;
- the publisher stops after LIVE_STATE_PUBLISH_SECONDS and hands the rest to
  the task queue (`publish_state_task`), so no request publishes for ever.

Every published snapshot was the committed state at some moment, and the last
one published is the state once the writes stop. Apps register a reader per
kind: `register_state(kind, type, read)`, where `read(pk)` returns the topics
and the data, or None when the object is gone."""

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


def _take_turn(kind: str, pk: int) -> None:
    """Wait until no other process is publishing `kind` of `pk` (until this transaction ends)."""
    if connection.vendor != "postgresql":
        return  # SQLite runs one writer at a time: nobody to take turns with
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_advisory_key(kind, pk)])


class _Local:
    """Flushes of this process: one thread publishes an object's state, the others leave it a note."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        # A key is present while a thread of this process publishes it; True: it moved since.
        self.dirty: dict[tuple[str, int], bool] = {}


_local = _Local()


def _last_published(topic: str, type_: str) -> dict | None:
    return (
        LiveEvent.objects.filter(topic=topic, type=type_)
        .order_by("-seq")
        .values_list("data", flat=True)
        .first()
    )


def flush_state(kind: str, pk: int, unless_published: bool = False) -> None:
    """Publish the state until it stops moving (or hand over to the task queue).

    In one process, a thread that finds another publishing the same object
    marks it dirty and returns; the publisher goes round again. Processes
    take turns (see the module docstring).
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
            _flush_once(kind, pk, unless_published)
            unless_published = False
            with _local.lock:
                moved, _local.dirty[key] = _local.dirty[key], False
                done = not moved or time.monotonic() > deadline
                if done:
                    del _local.dirty[key]  # whoever comes next publishes
            if done:
                if moved:  # time is up and it moved: the task covers what came before
                    publish_state_task.enqueue(kind, pk)
                return
    except BaseException:
        with _local.lock:
            _local.dirty.pop(key, None)
        raise


def _flush_once(kind: str, pk: int, unless_published: bool = False) -> None:
    """Publish the state as it is once this process's turn comes."""
    type_, read = _readers[kind]
    with transaction.atomic():
        _take_turn(kind, pk)
        snapshot = read(pk)  # after the previous publisher's commit
        if snapshot is None:
            return
        topics, data = snapshot
        if unless_published and _last_published(topics[0], type_) == data:
            return
        write_and_send([Broadcast(topic, type_, data) for topic in topics])


@task()
def publish_state_task(kind: str, pk: int) -> None:
    """A rush outlasted one request's turn at publishing: the worker carries on.

    Many such tasks may wait for the same object after a rush; all but the
    first find its state already published and write nothing.
    """
    flush_state(kind, pk, unless_published=True)
