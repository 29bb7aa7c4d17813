"""
The course team's lists as frozen rows: what ``api`` hands the entry points instead of models or QuerySets.

Each list is a ``Rows``: lazy, it counts with one COUNT and reads a page (a slice) with one SELECT of the
columns the row needs (names looked up once per page), or streams every row for a CSV download; no model
instance is built and nothing outside this module walks an ORM path. The queries are ``selectors``'.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Generic, TypeVar

from . import selectors
from .access import display_names

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from opaque_keys.edx.keys import CourseKey

    from .models import Certificate

T = TypeVar("T")

#: Rows read per query (and names looked up per query) while a whole list streams.
STREAM_CHUNK = 1000


class Rows(Generic[T]):
    """
    A lazy list of frozen rows over one query: ``count()``/``len()``, slices (a page) and iteration (a stream).

    ``columns`` are the columns (or ORM paths) each row reads, in order; ``finish`` turns one chunk of their
    tuples into rows (one names lookup per chunk, for example).
    """

    def __init__(self, queryset: QuerySet, columns: tuple[str, ...], finish: Callable[[list[tuple]], list[T]]) -> None:
        """Rows of ``queryset`` (ordered), reading ``columns``, built by ``finish``."""
        self._queryset = queryset
        self._columns = columns
        self._finish = finish

    def _values(self, queryset: QuerySet) -> QuerySet:
        """``queryset`` as tuples of its columns."""
        return queryset.values_list(*self._columns)

    def count(self) -> int:
        """How many rows (one COUNT query)."""
        return self._queryset.count()

    def __len__(self) -> int:
        """How many rows (one COUNT query)."""
        return self.count()

    def __getitem__(self, index: slice) -> list[T]:
        """A page of rows (one SELECT, plus ``finish``'s lookups)."""
        if not isinstance(index, slice):
            raise TypeError("Rows are read a page (a slice) at a time")
        return self._finish(list(self._values(self._queryset)[index]))

    def __iter__(self) -> Iterator[T]:
        """Every row, ``STREAM_CHUNK`` at a time over one streamed query."""
        values = iter(self._values(self._queryset).iterator(chunk_size=STREAM_CHUNK))
        while chunk := [row for _, row in zip(range(STREAM_CHUNK), values, strict=False)]:
            yield from self._finish(chunk)

    def get(self, pk: int) -> T:
        """The row of the object ``pk`` (``DoesNotExist`` when it is not in the list)."""
        rows = self._finish(list(self._values(self._queryset.filter(pk=pk))[:1]))
        if not rows:
            raise self._queryset.model.DoesNotExist(pk)
        return rows[0]


# --- certificates ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CertificateRow:
    """One learner's certificate in a course, as the course team's list shows it."""

    user_id: int
    username: str
    email: str
    name: str
    course_id: CourseKey
    status: str
    mode: str
    grade: float | None
    verify_uuid: uuid.UUID
    revision: int
    issued_date: datetime | None
    source: str
    error_reason: str
    created: datetime
    modified: datetime


_CERTIFICATE_COLUMNS = {
    "user_id": "user_id",
    "username": "user__username",
    "email": "user__email",
    "name": "name",
    "course_id": "course_key",
    "status": "status",
    "mode": "mode",
    "grade": "grade",
    "verify_uuid": "verify_uuid",
    "revision": "revision",
    "issued_date": "issued_date",
    "source": "source",
    "error_reason": "error_reason",
    "created": "created",
    "modified": "modified",
}


#: What a course's certificate rows read: every column but the course, which the caller knows (a CourseKey per row
#: is the costliest column to parse).
_CERTIFICATE_PATHS = tuple(path for field, path in _CERTIFICATE_COLUMNS.items() if field != "course_id")


def _certificate_rows(course_key: CourseKey) -> Callable[[list[tuple]], list[CertificateRow]]:
    """Certificate rows of ``course_key`` from their ``_CERTIFICATE_PATHS`` columns (the fields' order)."""
    return lambda values: [CertificateRow(*v[:4], course_key, *v[4:]) for v in values]


def certificate_row(cert: Certificate) -> CertificateRow:
    """A certificate already read (its user with it, or one more query) as a row: what an operation returned."""
    return CertificateRow(
        **{field: attrgetter(path.replace("__", "."))(cert) for field, path in _CERTIFICATE_COLUMNS.items()}
    )


def certificate_list(
    course_key: CourseKey, *, search: str = "", status: str | None = None, ordering: str | None = None
) -> Rows[CertificateRow]:
    """The course's certificates as rows (``selectors.certificates``: search, statuses, ordering)."""
    queryset = selectors.certificates(course_key, search=search, status=status, ordering=ordering)
    return Rows(queryset, _CERTIFICATE_PATHS, _certificate_rows(course_key))


def certificate_record(course_key: CourseKey, user_id: int) -> CertificateRow | None:
    """One learner's certificate in a course as a row (one query), None when there is none."""
    from .models import Certificate

    queryset = Certificate.objects.filter(course_key=course_key, user_id=user_id).order_by("id")
    rows = Rows(queryset, _CERTIFICATE_PATHS, _certificate_rows(course_key))[:1]
    return rows[0] if rows else None


@dataclasses.dataclass(frozen=True)
class RevisionRow:
    """A superseded state of a learner's certificate."""

    revision: int
    status: str
    mode: str
    grade: float | None
    name: str
    issued_date: datetime | None
    source: str
    valid_from: datetime
    superseded_at: datetime
    superseded_by_source: str
    superseded_by_id: int | None  # who wrote the next state (``history``); no list shows it


#: The columns a ``RevisionRow`` reads, in its fields' order.
_REVISION_COLUMNS = tuple(field.name for field in dataclasses.fields(RevisionRow))


def _revision_rows(values: list[tuple]) -> list[RevisionRow]:
    """Revision rows from their ``_REVISION_COLUMNS``."""
    return [RevisionRow(*v) for v in values]


def revision_list(course_key: CourseKey, user_id: int) -> Rows[RevisionRow]:
    """The superseded states of one learner's certificate in a course, newest first."""
    from .models import CertificateRevision

    queryset = CertificateRevision.objects.filter(
        certificate__course_key=course_key, certificate__user_id=user_id
    ).order_by("-revision")
    return Rows(queryset, _REVISION_COLUMNS, _revision_rows)


def certificate_revisions(certificate: Certificate) -> list[RevisionRow]:
    """The superseded states of a certificate already read, newest first (one query: ``selectors.revisions``)."""
    return _revision_rows(list(selectors.revisions(certificate).values_list(*_REVISION_COLUMNS)))


# --- the exception list ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ExceptionRow:
    """An exception-list entry with the instructor dashboard's columns; ``name`` is the learner's full name."""

    id: int
    user_id: int
    username: str
    email: str
    name: str
    created: datetime
    certificate_generated: datetime | None
    notes: str
    granted_by: str | None
    source: str


_EXCEPTION_COLUMNS = {
    "id": "id",
    "user_id": "user_id",
    "username": "user__username",
    "email": "user__email",
    "first_name": "user__first_name",
    "last_name": "user__last_name",
    "created": "created",
    "certificate_generated": "certificate_generated",
    "notes": "notes",
    "granted_by": "granted_by__username",
    "source": "source",
}


def _exception_rows(values: list[tuple]) -> list[ExceptionRow]:
    """Exception rows from their columns: the learners' names in one lookup (else the account's name)."""
    names = display_names({v[1] for v in values}) if values else {}
    rows = []
    for pk, user_id, username, email, first, last, created, generated, notes, granted_by, source in values:
        name = names.get(user_id) or f"{first or ''} {last or ''}".strip() or username
        rows.append(ExceptionRow(pk, user_id, username, email, name, created, generated, notes, granted_by, source))
    return rows


def exception_list(course_key: CourseKey, *, search: str = "") -> Rows[ExceptionRow]:
    """The course's exception list as rows, newest first (``selectors.exceptions``)."""
    return Rows(selectors.exceptions(course_key, search=search), tuple(_EXCEPTION_COLUMNS.values()), _exception_rows)


# --- invalidations -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class InvalidationRow:
    """An invalidation of a learner's certificate; the people are usernames."""

    id: int
    username: str
    name: str
    email: str
    notes: str
    invalidated_by: str | None
    created: datetime
    active: bool
    revalidated_by: str | None
    revalidated_at: datetime | None
    source: str


_INVALIDATION_COLUMNS = {
    "id": "id",
    "username": "certificate__user__username",
    "name": "certificate__name",
    "email": "certificate__user__email",
    "notes": "notes",
    "invalidated_by": "invalidated_by__username",
    "created": "created",
    "active": "active",
    "revalidated_by": "revalidated_by__username",
    "revalidated_at": "revalidated_at",
    "source": "source",
}


def _invalidation_rows(values: list[tuple]) -> list[InvalidationRow]:
    """Invalidation rows from their columns (``_INVALIDATION_COLUMNS`` order: the fields' order)."""
    return [InvalidationRow(*v) for v in values]


def invalidation_list(course_key: CourseKey, *, active: bool | None = True, search: str = "") -> Rows[InvalidationRow]:
    """The course's invalidations as rows (active ones by default; ``selectors.invalidations``)."""
    queryset = selectors.invalidations(course_key, active=active, search=search)
    return Rows(queryset, tuple(_INVALIDATION_COLUMNS.values()), _invalidation_rows)


# --- the standalone adapter's course team roles ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CourseRoleRow:
    """One course team role held under the standalone adapter."""

    course_key: CourseKey
    role: str
    username: str


def course_role_list(course_key: CourseKey | None = None) -> Rows[CourseRoleRow]:
    """The standalone adapter's course team roles (of one course, or all), by course, role and username."""
    columns = ("course_key", "role", "user__username")
    return Rows(
        selectors.standalone_course_roles(course_key), columns, lambda values: [CourseRoleRow(*v) for v in values]
    )
