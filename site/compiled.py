"""Hot reads whose SQL Django builds once per thread, not once per request.

Building a query's SQL (the queryset's filters, then the compiler's joins,
columns and aliases) costs about as much CPU as the database's whole answer
to a one-row read: on a registration-day rush a sign-up's reads spent more
time being compiled than being run (bench/rsvp.py, README). A `Compiled`
read is built once per thread from a function of its parameters, called
with distinctive marker values; its SQL and its compiler (which knows how to
turn the rows into model instances, `select_related` included) are kept,
and each call sends the same SQL with the marked parameters replaced.

Only for reads whose parameters are ids compared for equality (`pk=`,
`user_id=`, `occurrence_id=`): a lookup that changes the SQL with its value
(`__in` a list, `None`, an empty string) must stay a plain queryset, and a
parameter the SQL does not hold as given is refused on the first call.
Everything else in the queryset (constants, ordering, slicing,
`select_for_update`) is part of the kept SQL.
"""

import operator
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)

# Negative integers no id takes, one per parameter, so each is found where it
# lands; within a 32-bit id column's range, or Django would drop the lookup
# as out of range (`IntegerFieldOverflow`) and the parameter would be missing.
_MARKER_BASE = -2_147_480_000
_ID_MIN, _ID_MAX = -(2**63), 2**63 - 1  # a 64-bit column's range


class Compiled(Generic[M]):
    """`Compiled(lambda pk: Model.objects.filter(pk=pk)[:1])(pk=5)` → the rows as model instances (a list)."""

    def __init__(self, build: Callable[..., QuerySet[M]], *names: str) -> None:
        self._build = build
        self._markers = {name: _MARKER_BASE - n for n, name in enumerate(names)}
        self._local = threading.local()

    def _template(self, using: str):
        connection = connections[using]
        kept = getattr(self._local, using, None)
        if kept is None or kept[0] is not connection:
            queryset = self._build(**self._markers).using(using)
            compiler = queryset.query.get_compiler(using=using)
            try:  # also fills compiler.select, klass_info, ...
                sql, params = compiler.as_sql()
            except EmptyResultSet:  # a marker out of a small column's range
                sql, params = "", ()
            slots: dict[str, list[int]] = {name: [] for name in self._markers}
            by_marker = {marker: name for name, marker in self._markers.items()}
            for position, value in enumerate(params):
                if type(value) is int and value in by_marker:
                    slots[by_marker[value]].append(position)
            missing = [name for name, places in slots.items() if not places]
            if missing:
                raise ValueError(f"parameters not found in the SQL: {missing}")
            # As Django checks it while compiling (where the database has the clause).
            locks = (
                queryset.query.select_for_update
                and connection.features.has_select_for_update
            )
            kept = (connection, queryset, compiler, sql, list(params), slots, locks)
            setattr(self._local, using, kept)
        return kept

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list[M]:
        connection, queryset, compiler, sql, params, slots, locks = self._template(
            using
        )
        if locks and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        bound = list(params)
        for name, places in slots.items():
            value = operator.index(values[name])  # an id, as the lookup would take it
            if not _ID_MIN <= value <= _ID_MAX:
                return []  # no id is that large: as Django, which drops the lookup
            for position in places:
                bound[position] = value
        # ModelIterable asks the query for a compiler: it gets the kept one,
        # whose as_sql() now answers the kept SQL with these values.
        compiler.as_sql = lambda *args, **kwargs: (sql, tuple(bound))
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(ModelIterable(queryset))
