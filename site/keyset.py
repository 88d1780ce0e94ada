"""Keyset paging: the thousandth page of a long list costs what the first does.

`Paginator` counts every row and skips `OFFSET` rows, so a board of 10,000
threads or a resident's 100,000 notifications cost more the deeper one reads.
Here a page is the `size` rows just before (older than) or just after (newer
than) a cursor — the (time, id) of the row at its edge — read from an index on
(…, time, id) whatever the list's length; the oldest page reads the
index from its other end. Links carry the cursor (`?after=…`, `?before=…`,
`?last=1`), so they work without JavaScript and every page has an address
(`templates/district/includes/keyset_pagination.html`).

The key is one datetime column and the id, newest first (or soonest first with
`descending=False`). The condition is written `time <= T AND (time < T OR id <
I)`: the first part bounds the index range, the second breaks ties.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict


@dataclass
class KeysetPage:
    """One page in display order, with the cursors of the pages before and after it (None where there is none)."""

    object_list: list[Any]
    before: str | None
    after: str | None
    is_first: bool
    is_last: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return not (self.is_first and self.is_last)


def _encode(moment: datetime, pk: int) -> str:
    micros = int(moment.timestamp() * 1_000_000)
    return f"{micros}.{pk}"


def _decode(cursor: str) -> tuple[datetime, int] | None:
    micros, _, pk = cursor.partition(".")
    if not (micros.isdigit() and pk.isdigit()) or len(micros) > 18 or len(pk) > 18:
        return None
    try:
        moment = datetime.fromtimestamp(int(micros) / 1_000_000, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment, int(pk)


def _beyond(time_field: str, cursor: tuple[datetime, int], *, later: bool) -> Q:
    """Rows strictly after (later=True) or before the cursor in (time, id) order."""
    moment, pk = cursor
    op, strict = ("gte", "gt") if later else ("lte", "lt")
    return Q(**{f"{time_field}__{op}": moment}) & (
        Q(**{f"{time_field}__{strict}": moment}) | Q(**{f"pk__{strict}": pk})
    )


def keyset_page(
    rows: QuerySet,
    params: QueryDict,
    *,
    time_field: str,
    size: int,
    descending: bool = True,
) -> KeysetPage:
    """The page of `rows` that `params` (`after`, `before`, `last`) asks for; the first page otherwise.

    Display order is (time, id), descending by default (newest first). A cursor
    that does not parse is ignored (the first page), never an error.
    """
    forward = (f"-{time_field}", "-pk") if descending else (time_field, "pk")
    backward = (time_field, "pk") if descending else (f"-{time_field}", "-pk")

    def key(row) -> str:
        return _encode(getattr(row, time_field), row.pk)

    after = _decode(params.get("after", ""))
    before = _decode(params.get("before", "")) if after is None else None
    if after is not None:
        found = list(
            rows.filter(_beyond(time_field, after, later=not descending)).order_by(
                *forward
            )[: size + 1]
        )
        items, is_first, is_last = found[:size], False, len(found) <= size
    elif before is not None or params.get("last"):
        if before is not None:
            rows = rows.filter(_beyond(time_field, before, later=descending))
        found = list(rows.order_by(*backward)[: size + 1])
        items = list(reversed(found[:size]))
        is_first, is_last = len(found) <= size, before is None
    else:
        found = list(rows.order_by(*forward)[: size + 1])
        items, is_first, is_last = found[:size], True, len(found) <= size
    if not items:
        return KeysetPage([], None, None, True, True)
    return KeysetPage(
        object_list=items,
        before=None if is_first else key(items[0]),
        after=None if is_last else key(items[-1]),
        is_first=is_first,
        is_last=is_last,
    )
