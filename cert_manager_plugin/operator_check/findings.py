"""
What the operator's check reports: one ``Finding`` per line, the levels and the names of the checks.

Every check module builds ``Finding`` values; ``level_rank`` orders levels for ``--fail-level``, ``worst_level``
picks the most serious of several.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

OK, INFO, WARNING, ERROR = "ok", "info", "warning", "error"
#: Levels from least to most serious; ``--fail-level`` compares positions in this tuple.
LEVELS: tuple[str, ...] = (OK, INFO, WARNING, ERROR)

FILTERS, TEMPLATES, DASHBOARD, WEB_CERTIFICATES = "filters", "templates", "dashboard", "web_certificates"
CELERY, EMAIL, JWT, IDV, LMS = "celery", "email", "jwt", "idv", "lms"


@dataclass(frozen=True)
class Finding:
    """
    One line of the operator's check.

    Attributes:
        check: which check found it (``filters``, ``templates``, ``dashboard``, ``web_certificates``, ``celery``,
            ``email``, ``jwt``, ``idv``, ``lms``).
        level: ``ok``, ``info``, ``warning`` or ``error`` (``LEVELS``).
        code: a stable identifier for scripts, e.g. ``filters.step_missing``.
        message: what was found and what it does to the plugin, in plain words (translated).
        fix: what to do about it (translated); empty when nothing is to be done.
        course_id: the course the finding is about, if one.
    """

    check: str
    level: str
    code: str
    message: str
    fix: str = ""
    course_id: str = ""


def level_rank(level: str) -> int:
    """The position of ``level`` in ``LEVELS`` (an unknown level counts as an error)."""
    return LEVELS.index(level) if level in LEVELS else len(LEVELS) - 1


def worst_level(levels: Iterable[str]) -> str:
    """The most serious of ``levels`` (``ok`` when there is none)."""
    return max(levels, key=level_rank, default=OK)
