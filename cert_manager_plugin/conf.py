"""
Settings more than one module reads, each read and checked in one place.

``CERT_MANAGER_BATCH_SIZE`` (learners per engine batch, per job chunk, per course-sweep batch) is read by
``jobs`` and ``reconcile`` through ``batch_size``. It is capped at ``MAX_BATCH_SIZE``: every batch statement
binds one parameter per learner, and the largest binds two (``lms._copy_history``: the written learners'
ids and, among them, the created ones, plus 3), so a batch of ``n`` binds at most ``2n + 3`` parameters in one
statement. At 10,000 that is 20,003: under SQLite's default ``SQLITE_MAX_VARIABLE_NUMBER`` (32,766 since
SQLite 3.32) and the 65,535 of PostgreSQL's wire protocol (psycopg with server-side binding) and of
MariaDB/MySQL prepared statements. A value outside 1..10,000 is clamped; one that is not an integer falls back
to the default. The system check ``check_batch_size`` (run by ``manage.py check``, ``migrate``,
``runserver``) says which value is used, and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

BATCH_SIZE_SETTING = "CERT_MANAGER_BATCH_SIZE"
DEFAULT_BATCH_SIZE = 1000
MIN_BATCH_SIZE = 1
#: ``2 * MAX_BATCH_SIZE + 3`` parameters in one statement stays under every supported database's limit.
MAX_BATCH_SIZE = 10_000

#: System check ids: the value was clamped into range; the value is not an integer (the default is used).
BATCH_SIZE_CLAMPED = "cert_manager.W001"
BATCH_SIZE_INVALID = "cert_manager.W002"


def _as_int(value: object) -> int | None:
    """``value`` as an integer: ints, integral floats and strings of digits; None for anything else (bools)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def resolve_batch_size(value: object) -> tuple[int, str | None]:
    """
    The batch size a configured ``value`` gives and, when it is not used as written, the check id saying why.

    Unset (None or ``""``) is the default; a non-integer is the default (``BATCH_SIZE_INVALID``); an integer
    outside ``MIN_BATCH_SIZE``..``MAX_BATCH_SIZE`` is clamped into it (``BATCH_SIZE_CLAMPED``).
    """
    if value is None or value == "":
        return DEFAULT_BATCH_SIZE, None
    number = _as_int(value)
    if number is None:
        return DEFAULT_BATCH_SIZE, BATCH_SIZE_INVALID
    clamped = min(MAX_BATCH_SIZE, max(MIN_BATCH_SIZE, number))
    return clamped, (BATCH_SIZE_CLAMPED if clamped != number else None)


def batch_size() -> int:
    """Learners per engine batch and per job chunk (``CERT_MANAGER_BATCH_SIZE``, default 1000, 1..10,000)."""
    return resolve_batch_size(getattr(settings, BATCH_SIZE_SETTING, None))[0]


@checks.register("cert_manager")
def check_batch_size(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A warning when ``CERT_MANAGER_BATCH_SIZE`` is not used as written, naming the value used instead."""
    value = getattr(settings, BATCH_SIZE_SETTING, None)
    used, problem = resolve_batch_size(value)
    if problem == BATCH_SIZE_INVALID:
        return [
            checks.Warning(
                f"{BATCH_SIZE_SETTING} is {value!r}, not an integer; using the default, {used}.",
                hint=f"Set {BATCH_SIZE_SETTING} to a whole number of learners from {MIN_BATCH_SIZE} to "
                f"{MAX_BATCH_SIZE:,}.",
                id=BATCH_SIZE_INVALID,
            )
        ]
    if problem == BATCH_SIZE_CLAMPED:
        return [
            checks.Warning(
                f"{BATCH_SIZE_SETTING} is {value!r}, outside {MIN_BATCH_SIZE}..{MAX_BATCH_SIZE:,}; using {used}.",
                hint=f"At most {MAX_BATCH_SIZE:,} learners per batch keep each batch statement under the "
                "databases' limit on bound parameters (SQLite: 32,766).",
                id=BATCH_SIZE_CLAMPED,
            )
        ]
    return []
