"""Subqueries whose SQL depends only on a few ids and the time, compiled once per process.

Django builds and compiles a queryset's SQL again on every use. For a subquery that pages
use many times (the plans a user may view, in each of the dashboard's panels) or that is
long to build (the plan page's history), building and compiling it is most of what the
page's Python spends on it. ``CompiledQuery`` builds and compiles such a subquery once per
process, then hands out its SQL with the ids and the time of this call in it, as
``RawSQL`` for an ``__in`` filter::

    def _viewable(user_id: int, *, at: datetime.datetime) -> QuerySet:
        return Grant.objects.filter(user_id=user_id, expires_at__gt=at).values("plan_id")

    VIEWABLE = CompiledQuery("viewable plans", _viewable, ids=1, at=True)
    CarePlan.objects.filter(pk__in=VIEWABLE.sql(user.pk))  # at: timezone.now()

``build`` takes the ids (and ``at=``, the time, when asked for) and may use each only as
a query parameter (a filter value; the time on a ``DateTimeField``), never to choose the
query's shape, and take no other value that changes from one call to the next. The first
use checks this: it compiles ``build`` for two sets of stand-in values and refuses
(``ValueError``) SQL that differs anywhere but in those parameters.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

# Ids no row has (ids are positive) and times no row has, compiled in place of the real
# ones: the first compilation's, then the second's.
_STAND_IN_IDS = (-1, -1_000_000)
_STAND_IN_TIMES = (
    datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC),
    datetime.datetime(1901, 1, 2, tzinfo=datetime.UTC),
)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # For each parameter, which of the call's values fills it (the ids, then the time),
    # or None: the compiled value stays.
    filled_by: tuple[int | None, ...]
    # The first stand-in build and its compiler, as compiling left it (what to select and
    # how rows become objects): ``CompiledRows`` runs its SQL through them.
    queryset: QuerySet
    compiler: SQLCompiler


class CompiledQuery:
    """One subquery by ``ids`` ids (and the time, with ``at``), compiled once per
    database vendor."""

    def __init__(
        self, name: str, build: Callable[..., QuerySet], *, ids: int = 1, at: bool = False
    ):
        self.name = name
        self._build = build
        self._ids = ids
        self._at = at
        self._model: type[Model] | None = None
        self._compiled: dict[str, _Compiled] = {}

    def sql(self, *ids: int, at: datetime.datetime | None = None) -> RawSQL:
        """The subquery for these ids at ``at`` (now), ready for ``field__in=``."""
        _alias, compiled, params = self._bound(ids, at)
        return RawSQL(compiled.sql, params)

    def _bound(
        self, ids: tuple[int, ...], at: datetime.datetime | None
    ) -> tuple[str, _Compiled, tuple[Any, ...]]:
        """The database to read, the compiled query, and its parameters for this call."""
        if len(ids) != self._ids:
            raise TypeError(f"{self.name} takes {self._ids} ids, not {len(ids)}")
        if self._model is None:
            self._model = self._built(0).model
        alias = router.db_for_read(self._model)
        compiled = self._compiled_for(alias)
        values = list(ids)
        if self._at:
            values.append(connections[alias].ops.adapt_datetimefield_value(at or timezone.now()))
        params = tuple(
            value if which is None else values[which]
            for value, which in zip(compiled.params, compiled.filled_by, strict=True)
        )
        return alias, compiled, params

    def _built(self, which: int) -> QuerySet:
        ids = [_STAND_IN_IDS[which] - number for number in range(self._ids)]
        if self._at:
            return self._build(*ids, at=_STAND_IN_TIMES[which])
        return self._build(*ids)

    def _compiled_for(self, alias: str) -> _Compiled:
        connection = connections[alias]
        if connection.vendor not in self._compiled:
            (queryset, compiler, sql, params), (_, _, other_sql, other_params) = (
                self._compile(which, alias) for which in (0, 1)
            )
            refused = ValueError(f"{self.name}: the SQL changes with more than its ids and time")
            if sql != other_sql or len(params) != len(other_params):
                raise refused
            stand_ins = {_STAND_IN_IDS[0] - number: number for number in range(self._ids)}
            time = connection.ops.adapt_datetimefield_value(_STAND_IN_TIMES[0])

            def filled_by_value(value: Any) -> int | None:
                if self._at and value == time:
                    return self._ids  # the time comes after the ids
                return stand_ins.get(value) if type(value) is int else None

            filled_by = tuple(filled_by_value(value) for value in params)
            for value, other, which in zip(params, other_params, filled_by, strict=True):
                if (_plain(value) != _plain(other)) != (which is not None):
                    raise refused
            self._compiled[connection.vendor] = _Compiled(
                sql, tuple(params), filled_by, queryset, compiler
            )
        return self._compiled[connection.vendor]

    def _compile(self, which: int, alias: str) -> tuple[QuerySet, SQLCompiler, str, Any]:
        queryset = self._built(which)
        # A subquery for ``__in``: its order does not matter.
        queryset.query.clear_ordering(force=True)
        compiler = queryset.query.get_compiler(using=alias)
        return queryset, compiler, *compiler.as_sql()


class CompiledRows(CompiledQuery):
    """One whole query by ``ids`` ids (and the time, with ``at``), compiled once per
    database vendor and run as its queryset would be."""

    def rows(self, *ids: int, at: datetime.datetime | None = None) -> list[Any]:
        """What ``list(build(*ids, at=at))`` gives (``at``: now), without building or
        compiling the query again."""
        alias, compiled, params = self._bound(ids, at)
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connections[alias]
        compiler.using = alias
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)  # type: ignore[method-assign]
        # The build's queryset (its iterable, prefetches and hints), not run yet, on the
        # query that runs the compiled SQL.
        queryset = copy.copy(compiled.queryset)
        queryset._result_cache = None
        queryset._prefetch_done = False
        queryset._db = alias
        queryset._query = _ReadyQuery(compiled.queryset.query, compiler)  # type: ignore[assignment]
        return list(queryset)

    def _compile(self, which: int, alias: str) -> tuple[QuerySet, SQLCompiler, str, Any]:
        queryset = self._built(which)
        if queryset._known_related_objects:
            # A related manager's queryset hands its rows the object it was reached from:
            # here, the stand-in's.
            raise ValueError(f"{self.name}: build from the model's manager, not a related one")
        compiler = queryset.query.get_compiler(using=alias)
        return queryset, compiler, *compiler.as_sql()


class _ReadyQuery:
    """A compiled build's query, whose compiler runs the compiled SQL with this call's
    parameters; everything else is the build's query (what a ``values()`` iterable reads)."""

    def __init__(self, query: Query, compiler: SQLCompiler):
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using: str | None = None, connection: Any = None, **kwargs: Any):
        return self._compiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)


def _plain(value: Any) -> Any:
    """A parameter as it compares: the value a driver's adapter wraps (psycopg2's ``Json``
    for a JSON lookup compares by identity), else itself."""
    return getattr(value, "adapted", value)
