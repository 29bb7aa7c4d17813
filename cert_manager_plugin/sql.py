"""
Small SQL helpers for the hot paths (batches of 1,000 learners): parameterized, portable, no model instances.

Every identifier comes from a model's meta, quoted by the backend; every value is a parameter, but for lists of
integer ids (written as digits: ``int_list``) and, on MariaDB, the values the driver's own escaping writes into
the statement, once per distinct value (``mysql_filled``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import IntegerField, Model, QuerySet
from django.db.models.functions import Lower

#: What ``retry_on_deadlock``'s function returns (handed back unchanged).
_T = TypeVar("_T")

log = logging.getLogger(__name__)


def table(model: type[Model], using: BaseDatabaseWrapper = connection) -> str:
    """``model``'s table name (``_meta.db_table``), quoted for hand-written SQL on ``using``."""
    return using.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field: str, using: BaseDatabaseWrapper = connection) -> str:
    """
    The column of ``model``'s field ``field``, quoted for hand-written SQL on ``using``.

    ``field`` is a field name or its attname (``user`` or ``user_id``); the column comes from ``_meta`` (a
    ``db_column`` is honoured).
    """
    return using.ops.quote_name(model._meta.get_field(field).column)


def ids_in(queryset: QuerySet, model: type[Model], field: str, ids: Sequence[int]) -> QuerySet:
    """
    ``queryset`` narrowed to ``<model's table>.<field's column> IN (ids)``.

    ``model`` may be a joined table; ``field`` is a field name or attname of ``model``. Written as a WHERE of
    integers (``int_list``) because Django prepares each value of a foreign-key or primary-key ``__in`` one by one
    (about 13 µs a value: five lookups of 1,000 learners were a third of a batch).
    """
    if not ids:  # "IN ()" is an error on PostgreSQL and MariaDB
        return queryset.none()
    where = f"{table(model)}.{column(model, field)} IN ({int_list(ids)})"
    return queryset.extra(where=[where], params=[])  # noqa: S610 - integers only (int_list)


def int_list(ids: Iterable[int]) -> str:
    """
    ``1, 2, 3``: integers written into the SQL text, each through ``int()`` (digits and a sign, nothing else).

    For the id lists of the hot paths: a driver escapes each parameter in Python (PyMySQL: ~1 µs a value, a
    tenth of a MariaDB batch), while a list of 1,000 digits costs the database nothing more to read. Never empty
    (callers check: "IN ()" is an error on PostgreSQL and MariaDB).
    """
    return ", ".join([str(int(i)) for i in ids])


#: Rows per statement of ``update_rows`` on a server database: 1,000 rows of ten values stay far below
#: PostgreSQL's 65,535 parameters a statement and MariaDB's packet limit.
ROWS_PER_UPDATE = 1000


def update_rows(
    model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[object]], *, keep_when_null: Collection[str] = ()
) -> int:
    """
    UPDATE ``model``'s rows by primary key; each row is the new values of ``fields`` (names), then the key.

    A field in ``keep_when_null`` keeps its stored value where the new one is NULL. Returns the statements run.
    SQLite: one ``executemany`` (in-process, no round trip). PostgreSQL and MariaDB/MySQL: one statement per
    ``ROWS_PER_UPDATE`` rows, the table joined to the rows: mysqlclient and PyMySQL run an ``executemany`` UPDATE
    as one statement and round trip per row (psycopg pipelines them), most of a batch's time on MariaDB. PostgreSQL
    gets the rows as one array per column (``unnest``): psycopg's client-side binding parses a statement's text for
    its placeholders in Python, which for 11,000 of them was half of a PostgreSQL batch.
    """
    if not rows:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor not in ("postgresql", "mysql"):
            cursor.executemany(_update_by_key_sql(model, fields, keep_when_null), rows)
            return 1
        statements = 0
        for start in range(0, len(rows), ROWS_PER_UPDATE):
            part = rows[start : start + ROWS_PER_UPDATE]
            if connection.vendor == "postgresql":
                columns = [list(values) for values in zip(*part, strict=True)]
                same = frozenset(i for i, values in enumerate(columns[:-1]) if _same(values))
                sql = _update_unnest_sql(model, fields, keep_when_null, same)
                if isinstance(model._meta.pk, IntegerField):
                    # the keys again, as a list the planner reads: without it PostgreSQL may hash-join the rows
                    # with a scan of the whole table (a million LMS rows for a batch of 1,000); with it, an index scan
                    pk = f"{table(model)}.{column(model, model._meta.pk.name)}"
                    sql += f" AND {pk} IN ({int_list(columns[-1])})"
                scalars = [columns[i][0] for i in sorted(same)]
                arrays = [_array(values) for i, values in enumerate(columns) if i not in same]
                cursor.execute(sql, [*scalars, *arrays])
                statements += 1
                continue
            sql = _update_joined_sql(model, fields, keep_when_null, len(part))
            values = [value for row in part for value in row]
            filled = mysql_filled(sql, values)
            if filled is None:
                cursor.execute(sql, values)
            else:
                cursor.execute(filled)
            statements += 1
        return statements


#: The types ``mysql_filled`` escapes once per distinct value (equal values of these are written alike), besides
#: ``str`` subclasses (a status enum is written as its text). Not a datetime (equal across time zones, written
#: apart) nor a Decimal (``1.0`` equals ``1.00``).
_MEMOIZED = frozenset({str, float, bool, type(None)})


def _driver_literal(driver: object) -> Callable[[object], str] | None:
    """
    The MariaDB/MySQL driver's own writing of one parameter as SQL text, or None for a driver not known here.

    mysqlclient (``MySQLdb``, what edx-platform runs: requirements/edx/kernel.in) writes each parameter with
    ``Connection.literal`` (bytes, in the connection's encoding); PyMySQL with ``Connection.escape`` (text).
    """
    module = type(driver).__module__
    if module.startswith("pymysql"):
        return driver.escape
    if module.startswith("MySQLdb"):
        literal, encoding = driver.literal, driver.encoding
        return lambda value: literal(value).decode(encoding)
    return None


def mysql_filled(sql: str, params: Sequence[object]) -> str | None:
    """
    ``sql``'s ``%s`` filled with ``params`` as the MariaDB driver writes them, each distinct value once; else None.

    What the driver's cursor does to every parameter (mysqlclient's ``literal``, PyMySQL's ``escape``, with the
    connection's settings), but memoized for the statement: a batch repeats its course, statuses, dates and source a
    thousand times. Run the result without parameters (a ``%`` in a value is then text, never a placeholder). None on
    another database or an unknown driver.
    """
    if connection.vendor != "mysql":
        return None
    connection.ensure_connection()
    escape = _driver_literal(connection.connection)
    if escape is None:
        return None
    seen: dict[tuple[type, object], str] = {}

    def written(value: object) -> str:
        kind = type(value)
        if kind is int:  # digits, as both drivers write an int (and as ``int_list`` does)
            return str(value)
        if kind is UUID:  # its text is hex digits and dashes: both drivers write it quoted, nothing to escape
            return f"'{value}'"
        if kind not in _MEMOIZED and not isinstance(value, str):
            return escape(value)
        key = (kind, value)
        out = seen.get(key)
        if out is None:
            out = seen[key] = escape(value)
        return out

    return sql % tuple([written(value) for value in params])


#: Rows per statement of ``insert_many`` on MariaDB (a few hundred kB, far below its packet limit).
ROWS_PER_INSERT = 1000


def insert_many(cursor: object, sql: str, rows: Sequence[Sequence[object]]) -> None:
    """
    ``cursor.executemany(sql, rows)`` of an ``INSERT … VALUES (%s, …)``, faster on MariaDB.

    There: one multi-row INSERT per ``ROWS_PER_INSERT`` rows written by ``mysql_filled`` (what the drivers'
    ``executemany`` sends, escaped once per distinct value, in fewer statements than mysqlclient's 64 kB ones).
    """
    head, _, template = sql.partition(" VALUES ")
    if not rows or mysql_filled("", ()) is None or not (template.startswith("(") and template.endswith(")")):
        cursor.executemany(sql, rows)
        return
    for start in range(0, len(rows), ROWS_PER_INSERT):
        part = rows[start : start + ROWS_PER_INSERT]
        values = ", ".join([template] * len(part))
        cursor.execute(mysql_filled(f"{head} VALUES {values}", [value for row in part for value in row]))


def _update_by_key_sql(model: type[Model], fields: Sequence[str], keep_when_null: Collection[str]) -> str:
    """``UPDATE t SET a = %s, b = COALESCE(%s, b) WHERE pk = %s``: one row's statement, for ``executemany``."""
    assignments = []
    for name in fields:
        col = column(model, name)
        assignments.append(f"{col} = COALESCE(%s, {col})" if name in keep_when_null else f"{col} = %s")
    pk = column(model, model._meta.pk.name)
    return f"UPDATE {table(model)} SET {', '.join(assignments)} WHERE {pk} = %s"  # noqa: S608 - names from _meta


def _update_joined_sql(model: type[Model], fields: Sequence[str], keep_when_null: Collection[str], n: int) -> str:
    """One MariaDB/MySQL statement updating ``n`` rows: ``UPDATE … JOIN (SELECT … UNION ALL SELECT …)``."""
    t, pk = table(model), column(model, model._meta.pk.name)
    width = len(fields) + 1
    first = "SELECT " + ", ".join([*(f"%s AS c{i}" for i in range(len(fields))), "%s AS k"])
    rest = " UNION ALL SELECT " + ", ".join(["%s"] * width)
    joined = f"{t} JOIN ({first}{rest * (n - 1)}) AS v ON {t}.{pk} = v.k"
    target = [f"{t}.{column(model, name)}" for name in fields]
    return f"UPDATE {joined} SET {_assignments(model, fields, target, keep_when_null)}"  # noqa: S608 - names from _meta


def _update_unnest_sql(
    model: type[Model], fields: Sequence[str], keep_when_null: Collection[str], same: Collection[int] = ()
) -> str:
    """
    One PostgreSQL statement updating any number of rows: ``UPDATE … FROM unnest(%s, …) AS v(…)``.

    Its parameters: first one value for each field whose index is in ``same`` (equal in every row: set once), then
    an array for each other field and the keys' (``_array``), each cast to its column's type.
    """
    t, pk = table(model), column(model, model._meta.pk.name)
    types = [model._meta.get_field(name).cast_db_type(connection) for name in fields]
    varying = [i for i in range(len(fields)) if i not in same]
    key_type = model._meta.pk.cast_db_type(connection)
    arrays = ", ".join(f"CAST(%s AS {db_type}[])" for db_type in [*(types[i] for i in varying), key_type])
    aliases = ", ".join([*(f"c{i}" for i in varying), "k"])
    values = [f"CAST(%s AS {db_type})" if i in same else f"v.c{i}" for i, db_type in enumerate(types)]
    target = [column(model, name) for name in fields]  # PostgreSQL's SET names bare columns
    assignments = _assignments(model, fields, target, keep_when_null, values)
    return f"UPDATE {t} SET {assignments} FROM unnest({arrays}) AS v({aliases}) WHERE {t}.{pk} = v.k"  # noqa: S608


def _assignments(
    model: type[Model],
    fields: Sequence[str],
    target: Sequence[str],
    keep: Collection[str],
    values: Sequence[str] | None = None,
) -> str:
    """``a = v.c0, b = COALESCE(v.c1, t.b)``: each field its new value (a ``keep`` one kept where NULL)."""
    parts = []
    for i, (name, col) in enumerate(zip(fields, target, strict=True)):
        value = values[i] if values is not None else f"v.c{i}"
        stored = f"{table(model)}.{column(model, name)}"
        parts.append(f"{col} = COALESCE({value}, {stored})" if name in keep else f"{col} = {value}")
    return ", ".join(parts)


def _same(values: list) -> bool:
    """Whether every value of a column is the first one, of the same type (then it is sent once)."""
    first = values[0]
    kind = type(first)
    return all(value == first and type(value) is kind for value in values)


def _array(values: list) -> list:
    """
    One column's values as psycopg dumps them into one array: of one Python type (psycopg refuses a mix).

    Integers among floats become floats; any other mix becomes text, which the column's ``CAST`` reads.
    """
    kinds = {type(value) for value in values}
    kinds.discard(type(None))
    if len(kinds) <= 1:
        return values
    if kinds <= {int, float}:
        return [None if value is None else float(value) for value in values]
    return [None if value is None else str(value) for value in values]


def dt_adapter() -> Callable[[datetime | None], object]:
    """
    A datetime → driver value function for one statement's rows, memoized.

    A batch repeats its ``now`` thousands of times, and the connection is resolved once, not per value through
    the proxy.
    """
    adapt = connections[DEFAULT_DB_ALIAS].ops.adapt_datetimefield_value
    cache: dict[datetime, object] = {}

    def dt(value: datetime | None) -> object:
        if value is None:
            return None
        adapted = cache.get(value)
        if adapted is None:
            adapted = cache[value] = adapt(value)
        return adapted

    return dt


#: What the databases answer when two transactions wait on each other (the loser must start again):
#: MariaDB/MySQL 1213 "Deadlock found", 1205 "Lock wait timeout", PostgreSQL SQLSTATE 40P01 / 40001.
DEADLOCK_CODES = {1213, 1205}
DEADLOCK_STATES = {"40P01", "40001"}


def is_deadlock(exc: BaseException) -> bool:
    """Whether a database error is a deadlock or serialization failure that a retry resolves."""
    cause = exc.__cause__ or exc
    code = cause.args[0] if getattr(cause, "args", None) else None
    state = getattr(cause, "sqlstate", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)
    return code in DEADLOCK_CODES or state in DEADLOCK_STATES


def retry_on_deadlock(func: Callable[[], _T], attempts: int = 4) -> _T:
    """
    ``func()`` (which runs its own transaction), run again when the database chose it as a deadlock victim.

    Only outside any caller's transaction: inside one, the whole transaction is gone, so the error is re-raised.
    """
    for attempt in range(1, attempts + 1):
        try:
            return func()
        except OperationalError as exc:
            if attempt == attempts or not is_deadlock(exc) or transaction.get_connection().in_atomic_block:
                raise
    raise AssertionError("unreachable")


def retry_on_conflict(func: Callable[[], _T], what: str, attempts: int = 2) -> _T:
    """
    ``func()`` (an engine batch in its own savepoint), run again when another writer created one of its rows meanwhile.

    The batch raised ``IntegrityError`` (unique user+course) and its savepoint rolled it back; the next attempt sees
    that row and updates it. Inside a caller's transaction too: only the savepoint is gone. ``what`` names the batch
    in the log.
    """
    for attempt in range(1, attempts + 1):
        try:
            return func()
        except IntegrityError:
            if attempt == attempts:
                raise
            log.info("cert_manager: a certificate of %s was created concurrently; retrying the batch", what)
    raise AssertionError("unreachable")


def _casefold(value: object) -> object:
    """Python's Unicode lower case, for SQLite's ``cm_lower`` (NULL stays NULL)."""
    return value.lower() if isinstance(value, str) else value


class FoldedLower(Lower):
    """
    ``LOWER()`` that folds every letter on every database, for case-insensitive searches.

    PostgreSQL and MariaDB fold Unicode letters; SQLite's built-in ``lower()`` folds ASCII only ("Émile" stays
    "Émile"), so there this is ``cm_lower()``, Python's ``str.lower``, registered on the connection on first use.
    """

    def as_sqlite(self, compiler: object, connection: BaseDatabaseWrapper, **extra: object) -> tuple[str, list]:
        """``cm_lower(<expression>)``, with the function registered on this SQLite connection."""
        connection.ensure_connection()
        connection.connection.create_function("cm_lower", 1, _casefold, deterministic=True)
        return self.as_sql(compiler, connection, function="cm_lower", **extra)
