"""
Small SQL helpers for the hot paths (batches of 1,000 learners): parameterized, portable, no model instances.

Every identifier comes from a model's meta, quoted by the backend; every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connection, connections


def ids_in(queryset, model: type, column: str, ids: Sequence[int]):
    """
    ``queryset`` narrowed to ``<model's table>.<column> IN (ids)`` (``model`` may be a joined table).

    Written as a parameterized WHERE because Django prepares each value of a foreign-key or primary-key
    ``__in`` one by one (about 13 µs a value: five lookups of 1,000 learners were a third of a batch).
    """
    if not ids:  # "IN ()" is an error on PostgreSQL and MariaDB
        return queryset.none()
    qn = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(ids))
    where = f"{qn(model._meta.db_table)}.{qn(column)} IN ({placeholders})"
    return queryset.extra(where=[where], params=[int(i) for i in ids])  # noqa: S610 - parameters only


def dt_adapter() -> Callable[[datetime | None], object]:
    """
    A datetime → driver value function for one statement's rows, memoized: a batch repeats its ``now``
    thousands of times, and the connection is resolved once, not per value through the proxy.
    """
    adapt = connections[DEFAULT_DB_ALIAS].ops.adapt_datetimefield_value
    cache: dict[datetime, object] = {}

    def dt(value: datetime | None):
        if value is None:
            return None
        adapted = cache.get(value)
        if adapted is None:
            adapted = cache[value] = adapt(value)
        return adapted

    return dt
