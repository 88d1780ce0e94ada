"""Publishing from inside a transaction: an outbox written just before the outermost block commits.

Services wrap their work in `district.live.atomic` (used like Django's
`transaction.atomic`) and call `publish(topic, type, data)` as often as they
like, from any depth: a service that calls another service simply adds to the
same outbox. When the outermost `live.atomic` block is about to exit without
an error, the outbox is written to the live-event log in one place, in a fixed
topic order (each topic's sequence row is locked in sorted order, so two
transactions touching the same topics in opposite orders cannot deadlock),
still inside the transaction, so a crash loses nothing that was committed.
The broadcasts go to the channel layer after commit.

A nested block that exits with an error takes its own broadcasts with it, as
its savepoint takes its rows. Django has no "just before commit" hook, which
is why the outermost *live* block, not the transaction, writes the log: an
enclosing plain `transaction.atomic` (a test's, a management command's) still
commits or rolls back everything together.
"""

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, overload

from django.db import transaction

from district.live.log import Broadcast, write_and_send

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    """Per thread, like Django's database connections."""

    def __init__(self) -> None:
        self.depth = 0
        self.pending: list[Broadcast] = []


_state = _State()


@contextmanager
def _block() -> Iterator[None]:
    mark = len(_state.pending)
    with transaction.atomic():
        _state.depth += 1
        try:
            try:
                yield
            except BaseException:
                del _state.pending[mark:]
                raise
            if _state.depth == 1 and _state.pending:
                pending, _state.pending = _state.pending, []
                write_and_send(pending)
        finally:
            # Left before the transaction block exits: its on_commit callbacks
            # (a notice sent after commit, in a live block of its own) then
            # start a new outermost block, instead of adding to this one's
            # outbox, already written, and being lost.
            _state.depth -= 1
            if _state.depth == 0:
                _state.pending = []


@overload
def atomic(func: F) -> F: ...
@overload
def atomic(func: None = None) -> Any: ...
def atomic(func=None):
    """`transaction.atomic` with an outbox: `@live.atomic`, `@live.atomic()` or `with live.atomic():`."""
    if func is None:
        return _block()

    @functools.wraps(func)
    def inner(*args, **kwargs):
        with _block():
            return func(*args, **kwargs)

    return inner


def publish(topic: str, type: str, data: dict | None = None) -> None:
    """Add a broadcast to the current transaction's outbox (see the module docstring).

    Must run inside `district.live.atomic`: outside one there is no moment at
    which the broadcast could be logged in the same transaction as its change.
    """
    if _state.depth == 0:
        raise RuntimeError("publish() must run inside district.live.atomic")
    _state.pending.append(Broadcast(topic, type, data or {}))
