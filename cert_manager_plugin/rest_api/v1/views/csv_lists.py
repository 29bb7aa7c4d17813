"""
The rows of the list CSV downloads (certificates, exception list, invalidations, generation history).

Each list's columns, its header in the active language, and its rows streamed in the language active when the
view asked for them: words for people first, then the codes for scripts. Every cell is formula-escaped by
``api.iter_csv`` (``ListView.list_response`` streams them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.utils import translation

from cert_manager_plugin import api, labels

#: The certificates CSV's columns: words for people first, then the codes and the exact grade for scripts.
CERTIFICATE_CSV_FIELDS = (
    "username",
    "email",
    "name",
    "status",
    "mode",
    "grade",
    "issued_date",
    "verify_uuid",
    "modified",
    "status_code",
    "mode_code",
    "grade_value",
)


#: The exception list CSV's columns: words for people, then the source code for scripts.
EXCEPTION_CSV_FIELDS = (
    "username",
    "email",
    "name",
    "granted",
    "granted_by",
    "certificate_issued",
    "notes",
    "added_by",
    "source_code",
)


#: The invalidation list CSV's columns.
INVALIDATION_CSV_FIELDS = (
    "username",
    "email",
    "name",
    "invalidated",
    "invalidated_by",
    "state",
    "revalidated",
    "revalidated_by",
    "notes",
    "added_by",
    "source_code",
)


#: The generation history CSV's columns: the job in words, then its kind and state codes.
JOB_CSV_FIELDS = (
    "job",
    "what",
    "requested_by",
    "created",
    "started",
    "finished",
    "state",
    "learners",
    "processed",
    "changed",
    "skipped",
    "failed",
    "error",
    "kind_code",
    "state_code",
)


def certificate_csv_header() -> list[str]:
    """The CSV's header row in the active language ("Username", "Status", …, "Status code")."""
    return [labels.label(labels.CSV_COLUMN_LABELS, field) for field in CERTIFICATE_CSV_FIELDS]


def list_csv_header(fields: tuple[str, ...]) -> list[str]:
    """A list CSV's header row in the active language."""
    return [labels.label(labels.LIST_CSV_COLUMN_LABELS, field) for field in fields]


def certificate_csv_rows(rows: Iterable[api.CertificateRow]) -> Iterator[list]:
    """
    The certificates as CSV rows (``CERTIFICATE_CSV_FIELDS`` order), from ``api.certificate_list``'s stream.

    Status and mode in words and the grade as a percentage, in the language active when called (the rows are
    streamed later, in that same language); the codes and the grade as a fraction (``0.6600``) in the last
    columns.
    """
    words = (labels.as_text(labels.STATUS_LABELS), labels.as_text(labels.MODE_LABELS))
    return _csv_rows(rows, words, translation.get_language())


def _csv_rows(rows: Iterable[api.CertificateRow], words: tuple[dict, dict], language: str | None) -> Iterator[list]:
    """``certificate_csv_rows``' generator: ``words`` are the status and mode labels, read before streaming."""
    statuses, modes = words
    with translation.override(language):
        for row in rows:
            yield [
                row.username,
                row.email,
                row.name,
                statuses.get(row.status, row.status),
                modes.get(row.mode, row.mode),
                api.local_percent(row.grade) or "",
                _when(row.issued_date),
                row.verify_uuid,
                _when(row.modified),
                row.status,
                row.mode,
                "" if row.grade is None else f"{row.grade:.4f}",
            ]


def _when(value: datetime | None) -> str:
    """A date and time as ISO 8601 text ("" for none)."""
    return value.isoformat() if value else ""


def exception_csv_rows(rows: Iterable[api.ExceptionRow]) -> Iterator[list]:
    """The exception list as CSV rows (``EXCEPTION_CSV_FIELDS``), streamed in the language active when called."""
    return _exception_rows(rows, labels.as_text(labels.LIST_SOURCE_LABELS), translation.get_language())


def _exception_rows(rows: Iterable[api.ExceptionRow], sources: dict, language: str | None) -> Iterator[list]:
    """``exception_csv_rows``' generator (``api.exception_list`` looks the names up, once per chunk of rows)."""
    with translation.override(language):
        for e in rows:
            yield [
                e.username,
                e.email,
                e.name,
                _when(e.created),
                e.granted_by or "",
                _when(e.certificate_generated),
                e.notes,
                sources.get(e.source, e.source),
                e.source,
            ]


def invalidation_csv_rows(rows: Iterable[api.InvalidationRow]) -> Iterator[list]:
    """The invalidations as CSV rows (``INVALIDATION_CSV_FIELDS``), streamed in the language active when called."""
    words = (
        labels.as_text(labels.LIST_SOURCE_LABELS),
        {active: str(text) for active, text in labels.INVALIDATION_STATE_LABELS.items()},
    )
    return _invalidation_rows(rows, words, translation.get_language())


def _invalidation_rows(
    rows: Iterable[api.InvalidationRow], words: tuple[dict, dict], language: str | None
) -> Iterator[list]:
    """``invalidation_csv_rows``' generator."""
    sources, states = words
    with translation.override(language):
        for i in rows:
            yield [
                i.username,
                i.email,
                i.name,
                _when(i.created),
                i.invalidated_by or "",
                states[bool(i.active)],
                _when(i.revalidated_at),
                i.revalidated_by or "",
                i.notes,
                sources.get(i.source, i.source),
                i.source,
            ]


def job_csv_rows(rows: Iterable[api.JobRow]) -> Iterator[list]:
    """The generation history as CSV rows (``JOB_CSV_FIELDS``), streamed in the language active when called."""
    return _job_rows(rows, labels.as_text(labels.JOB_STATE_LABELS), translation.get_language())


def _job_rows(rows: Iterable[api.JobRow], states: dict, language: str | None) -> Iterator[list]:
    """``job_csv_rows``' generator: each job's title in words (``labels.job_title``), its counts and codes."""
    with translation.override(language):
        for job in rows:
            yield [
                job.id,
                labels.job_title(job.kind, job.params),
                job.requested_by or "",
                _when(job.created),
                _when(job.started),
                _when(job.finished),
                states.get(job.state, job.state),
                job.total,
                job.processed,
                job.changed,
                job.skipped,
                job.failed,
                job.error,
                job.kind,
                job.state,
            ]


@dataclass(frozen=True)
class ListCsv:
    """A list's CSV download: its file name (``<name>-<course>.csv``), header row and rows (``ListView``)."""

    name: str
    header: Callable[[], list[str]]
    rows: Callable[[Any], Iterator[list]]


CERTIFICATES = ListCsv("certificates", certificate_csv_header, certificate_csv_rows)
EXCEPTIONS = ListCsv("exceptions", partial(list_csv_header, EXCEPTION_CSV_FIELDS), exception_csv_rows)
INVALIDATIONS = ListCsv("invalidations", partial(list_csv_header, INVALIDATION_CSV_FIELDS), invalidation_csv_rows)
HISTORY = ListCsv("history", partial(list_csv_header, JOB_CSV_FIELDS), job_csv_rows)
