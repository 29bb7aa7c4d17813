"""
Bulk exception list import from CSV (``username_or_email,notes``).

Set-based: every lookup is one query per chunk of identifiers (users, enrollments) or one query per
course (existing exceptions, active invalidations), and the valid rows are written by one prepared INSERT
executed for all rows (``executemany``) inside one transaction, so 50,000 rows cost a few dozen queries and
nothing is ever half-applied. (``bulk_create`` builds a model instance and prepares every field of every
row in Python, and splits the rows into ~166-row statements on SQLite: four times slower at 50,000 rows.)

Each row's cells pass the very fields of the JSON endpoint (``POST exceptions``: ``ListEntryRequestSerializer``'s
``user`` and ``notes``), so the CSV accepts exactly the text the JSON endpoint accepts (no NUL character, the
same lengths); a row that fails is a ``bad_format`` row error. UTF-16 and UTF-32 files, with or without a
byte order mark, are refused as a whole (``csv_encoding``).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from . import access, errors, lms, lms_sync, validation
from .conf import cm_settings
from .data import ListSource
from .models import CertificateException, CertificateInvalidation
from .sql import column, table

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

HEADER_NAMES = frozenset({"username_or_email", "username", "email", "user", "username or email", "identifier"})
NOTES_MAX = 10_000
INSERT_CHUNK = 5_000
INSERT_FIELDS = ("user", "course_key", "notes", "granted_by", "source", "in_lms", "created", "modified")


class CsvEncodingError(errors.InvalidInput):
    """The file is not UTF-8 (UTF-16, UTF-32 or another encoding); nothing was read."""

    code = "csv_encoding"


class CsvTooLarge(errors.InvalidInput):
    """The file has more bytes than ``CERT_MANAGER_CSV_MAX_BYTES``; it was refused before being read."""

    code = "csv_too_large"


class CsvTooManyRows(errors.InvalidInput):
    """The file has more data rows than ``CERT_MANAGER_CSV_MAX_ROWS``; it was refused before any lookup."""

    code = "csv_too_many_rows"


class CsvEmpty(errors.InvalidInput):
    """The file names no learner: only a header, blank lines or empty rows."""

    code = "csv_empty"


class BulkConflict(errors.CertManagerError):
    """Another request changed the exception list while this import ran; nothing was applied."""

    code = "concurrent_change"
    http_status = 409


class RowErrorKind:
    """Why a row was not added (stable codes in the response)."""

    BAD_FORMAT = "bad_format"
    USER_NOT_FOUND = "user_not_found"
    NOT_ENROLLED = "not_enrolled"
    ALREADY_LISTED = "already_listed"
    INVALIDATED = "invalidated"

    ALL = (BAD_FORMAT, USER_NOT_FOUND, NOT_ENROLLED, ALREADY_LISTED, INVALIDATED)


@dataclass(frozen=True)
class CsvRow:
    """One data row: its 1-based line number in the file, the identifier and the notes."""

    line: int
    user: str
    notes: str


@dataclass(frozen=True)
class RowError:
    """A row that was not added, with the reason."""

    line: int
    user: str
    kind: str
    message: str


@dataclass
class BulkResult:
    """What the import did: rows added and rows refused (by kind)."""

    added: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: The row error kinds of this import, each counted in the summary (``bulk_invalidations`` has its own).
    kinds: tuple[str, ...] = RowErrorKind.ALL

    @property
    def errors_by_kind(self) -> dict[str, int]:
        """Count of refused rows per kind (every kind present, zero when none)."""
        counts = Counter(e.kind for e in self.errors)
        return {kind: counts.get(kind, 0) for kind in self.kinds}

    def as_dict(self) -> dict:
        """JSON-ready form for the REST response."""
        return {
            "added": self.added,
            "errors": [asdict(e) for e in self.errors],
            "summary": {
                "rows": len(self.added) + len(self.errors),
                "added": len(self.added),
                "failed": len(self.errors),
                "errors_by_kind": self.errors_by_kind,
            },
        }


def max_bytes() -> int:
    """Largest accepted file (``CERT_MANAGER_CSV_MAX_BYTES``)."""
    return cm_settings.CSV_MAX_BYTES


def max_rows() -> int:
    """Most data rows accepted (``CERT_MANAGER_CSV_MAX_ROWS``)."""
    return cm_settings.CSV_MAX_ROWS


def check_size(size: int) -> None:
    """Refuse a file over the byte limit before reading it."""
    limit = max_bytes()
    if size > limit:
        raise CsvTooLarge(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {
                "size": formats.number_format(size, force_grouping=True),
                "limit": formats.number_format(limit, force_grouping=True),
            },
            size=size,
            limit=limit,
        )


#: Byte order marks of the encodings refused by name (UTF-32's before UTF-16's: FF FE starts both LE marks).
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
#: Which byte positions (mod 4) hold NUL bytes when mostly-ASCII text is written in a wide encoding.
WIDE_PATTERNS = (
    ("UTF-32 (little-endian)", (1, 2, 3)),
    ("UTF-32 (big-endian)", (0, 1, 2)),
    ("UTF-16 (little-endian)", (1, 3)),
    ("UTF-16 (big-endian)", (0, 2)),
)
SNIFF_BYTES = 256


def wide_encoding(data: bytes) -> str | None:
    """
    The UTF-16/UTF-32 variant ``data`` is written in, or None.

    Found by its byte order mark, else by where its NUL bytes fall in the first ``SNIFF_BYTES`` bytes (without a
    BOM such a file is valid UTF-8 full of NUL characters: every other byte for UTF-16, three bytes in four for
    UTF-32). None for anything else, including UTF-8 text with a stray NUL in a note (that row is refused on its
    own).
    """
    for bom, name in WIDE_BOMS:
        if data.startswith(bom):
            return _("%(encoding)s (with a byte order mark)") % {"encoding": name}
    head = data[: SNIFF_BYTES - SNIFF_BYTES % 4]
    head = head[: len(head) - len(head) % 2]
    if len(head) < 4 or b"\x00" not in head:
        return None
    positions = {k: head[k::4] for k in range(4)}
    for name, zeros in WIDE_PATTERNS:
        if name.startswith("UTF-32") and len(head) % 4:
            continue
        if all(positions[k] and positions[k].count(0) * 2 >= len(positions[k]) for k in zeros):
            return _("%(encoding)s, without a byte order mark") % {"encoding": name}
    return None


def decode(data: bytes) -> str:
    """
    The file's UTF-8 text (a leading BOM is dropped).

    UTF-16/UTF-32 (with or without a BOM) and any other encoding are a clear error (the latter naming the first
    bad byte): ``CsvEncodingError``.
    """
    wide = wide_encoding(data)
    if wide:
        text = _("The file is %(encoding)s, not UTF-8; save it as CSV UTF-8.") % {"encoding": wide}
        raise CsvEncodingError(text, line=1, encoding=wide)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvEncodingError(
            _("The file is not UTF-8 (byte %(byte)s at line %(line)s); save it as CSV UTF-8.")
            % {"byte": f"0x{data[exc.start]:02x}", "line": line},
            line=line,
        ) from exc


def row_text_error(user: str, notes: str) -> str | None:
    """Why the JSON endpoint would refuse these values (e.g. a control character), or None when it accepts them."""
    return validation.row_problems(user, notes)


def _shown(value: str) -> str:
    """An identifier as echoed in a row error: NUL and other control characters shown as U+FFFD."""
    return "".join("\ufffd" if ord(c) < 32 or 127 <= ord(c) < 160 else c for c in value)


def parse(data: bytes) -> tuple[list[CsvRow], list[RowError]]:
    """
    The rows and the format errors of a CSV file.

    Header row optional (detected), blank lines skipped, one or two columns (``username_or_email[,notes]``), each
    cell valid for the JSON endpoint's field (``row_text_error``); limits on bytes and rows raise before any
    lookup.
    """
    check_size(len(data))
    text = decode(data)
    rows: list[CsvRow] = []
    bad: list[RowError] = []
    limit = max_rows()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    first = True
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if first:
                first = False
                if cells[0].strip().lower().lstrip("\ufeff") in HEADER_NAMES:
                    continue
            if len(rows) + len(bad) >= limit:
                raise CsvTooManyRows(
                    _("The file has more than %(limit)s rows; split it.")
                    % {"limit": formats.number_format(limit, force_grouping=True)},
                    limit=limit,
                )
            user = cells[0].strip()
            if len(cells) > 2 and any(c.strip() for c in cells[2:]):
                bad.append(
                    RowError(
                        line,
                        user,
                        RowErrorKind.BAD_FORMAT,
                        _("Expected 2 columns (username_or_email,notes), got %(count)s; quote notes with commas.")
                        % {"count": len(cells)},
                    )
                )
            elif not user:
                bad.append(RowError(line, "", RowErrorKind.BAD_FORMAT, _("The username_or_email column is empty.")))
            elif len(cells) > 1 and len(cells[1]) > NOTES_MAX:
                text = _("Notes longer than %(limit)s characters.") % {"limit": NOTES_MAX}
                bad.append(RowError(line, user, RowErrorKind.BAD_FORMAT, text))
            else:
                notes = cells[1].strip() if len(cells) > 1 else ""
                problem = row_text_error(user, notes)
                if problem:
                    bad.append(RowError(line, _shown(user), RowErrorKind.BAD_FORMAT, problem))
                else:
                    rows.append(CsvRow(line, user, notes))
    except csv.Error as exc:
        text = _("The file is not valid CSV (line %(line)s): %(problem)s.") % {"line": reader.line_num, "problem": exc}
        raise errors.InvalidInput(text) from exc
    return rows, bad


def import_exceptions(
    course_key: CourseKey, data: bytes, *, granted_by: object = None, reveal_accounts: bool = True
) -> BulkResult:
    """
    Add every valid row of the CSV to the course's exception list in one transaction.

    Row errors (kinds in ``RowErrorKind``) are reported, not raised; file-level problems (encoding, size,
    row limit, CSV syntax, no row at all) raise ``InvalidInput`` subclasses and change nothing.

    ``reveal_accounts=False`` (the REST API, for callers who are not global staff): an identifier naming no
    account and one naming an account that is not a learner of the course (``access.learners_among``) get the
    same ``user_not_found`` row error, "no learner in this course", so a file of emails tells nobody which
    accounts exist. ``not_enrolled`` then means a learner of the course whose enrollment is not active.

    The steps: ``parse`` the file, ``_find_learners`` (the users and enrollments, a query per chunk), then in
    one transaction ``_course_lists`` (2 reads), ``_accept_rows`` (no query) and ``_insert_all``.
    """
    rows, bad = parse(data)
    if not rows and not bad:
        raise CsvEmpty(
            _("The file names no learner: it has no row with a username or email (only a header or blank lines).")
        )
    result = BulkResult(errors=bad)
    users, enrolled = _find_learners(course_key, rows, reveal_accounts=reveal_accounts)
    connection = connections[router.db_for_write(CertificateException)]
    with transaction.atomic(using=connection.alias):
        listed, invalidated = _course_lists(course_key)
        checks = _RowChecks(users, enrolled, listed, invalidated, reveal_accounts)
        new = _accept_rows(rows, checks, result, _row_values(course_key, getattr(granted_by, "pk", None), connection))
        _insert_all(connection, new)
        lms_sync.push_exceptions(course_key, [row[0] for row in new])  # inside the LMS: its allowlist lists them too
    result.errors.sort(key=lambda e: e.line)
    return result


@dataclass(frozen=True)
class _RowChecks:
    """What each row is checked against: the users the file names, and the course's learners and lists."""

    users: dict[str, AbstractBaseUser]  # identifier -> user (only the course's learners when accounts are not revealed)
    enrolled: set[int]
    listed: set[int]
    invalidated: set[int]
    reveal_accounts: bool


def _find_learners(course_key: CourseKey, rows: list[CsvRow], *, reveal_accounts: bool) -> tuple[dict, set[int]]:
    """
    The users the rows name, by identifier, and which of them are actively enrolled.

    ``lms.backend()`` answers with a query per chunk of identifiers. Without ``reveal_accounts``, accounts that
    are not learners of the course are left out, as if they did not exist.
    """
    backend = lms.backend()
    users = backend.find_users(r.user for r in rows)
    found_ids = {u.pk for u in users.values()}
    enrolled = backend.enrolled_among(course_key, found_ids)
    if not reveal_accounts:
        learners = enrolled | access.learners_among(course_key, found_ids - set(enrolled))
        users = {ident: user for ident, user in users.items() if user.pk in learners}
    return users, enrolled


def _course_lists(course_key: CourseKey) -> tuple[set[int], set[int]]:
    """The learners already on the course's exception list, and those with an active invalidation (2 reads)."""
    listed = set(CertificateException.objects.filter(course_key=course_key).values_list("user_id", flat=True))
    invalidated = set(
        CertificateInvalidation.objects.filter(certificate__course_key=course_key, active=True).values_list(
            "certificate__user_id", flat=True
        )
    )
    return listed, invalidated


def _row_values(course_key: CourseKey, granted_by_id: int | None, connection: BaseDatabaseWrapper) -> Callable:
    """
    A ``(user_id, notes) -> row`` function giving the ``INSERT_FIELDS`` database values of a new exception.

    The course key and the time are prepared once for the whole file.
    """
    meta = CertificateException._meta
    course_value = meta.get_field("course_key").get_db_prep_value(course_key, connection)
    now = meta.get_field("created").get_db_prep_value(timezone.now(), connection)

    def values(user_id: int, notes: str) -> tuple:
        return (user_id, course_value, notes, granted_by_id, ListSource.COURSE_TEAM.value, False, now, now)

    return values


def _row_error(row: CsvRow, user: AbstractBaseUser | None, checks: _RowChecks, seen: dict[int, int]) -> RowError | None:
    """Why the row's learner cannot be added (``seen``: user id -> the line that added it), or None."""
    if user is None:
        text = _("No user '%(user)s'.") if checks.reveal_accounts else _("No learner '%(user)s' in this course.")
        missing = text % {"user": row.user}
        return RowError(row.line, row.user, RowErrorKind.USER_NOT_FOUND, missing)
    if user.pk not in checks.enrolled:
        text = _("'%(user)s' is not enrolled.") % {"user": row.user}
        return RowError(row.line, row.user, RowErrorKind.NOT_ENROLLED, text)
    if user.pk in checks.invalidated:
        return RowError(
            row.line,
            row.user,
            RowErrorKind.INVALIDATED,
            _("'%(user)s' has an invalidated certificate; re-validate it first.") % {"user": row.user},
        )
    if user.pk in checks.listed:
        text = _("'%(user)s' is already on the list.") % {"user": row.user}
        return RowError(row.line, row.user, RowErrorKind.ALREADY_LISTED, text)
    if user.pk in seen:
        return RowError(
            row.line,
            row.user,
            RowErrorKind.ALREADY_LISTED,
            _("'%(user)s' is listed twice in the file (first at line %(line)s).")
            % {"user": row.user, "line": seen[user.pk]},
        )
    return None


def _accept_rows(rows: list[CsvRow], checks: _RowChecks, result: BulkResult, values: Callable) -> list[tuple]:
    """
    The database rows to insert (``values(user_id, notes)``), in file order.

    Every row is recorded in ``result``, as added or as a row error.
    """
    new: list[tuple] = []
    seen: dict[int, int] = {}
    for row in rows:
        user = checks.users.get(row.user)
        error = _row_error(row, user, checks, seen)
        if error is not None:
            result.errors.append(error)
            continue
        seen[user.pk] = row.line
        new.append(values(user.pk, row.notes))
        result.added.append(
            {"line": row.line, "user": row.user, "username": user.username, "email": user.email, "notes": row.notes}
        )
    return new


def _insert_all(connection: BaseDatabaseWrapper, rows: list[tuple]) -> None:
    """``insert_rows`` in a savepoint: a row another request added meanwhile is a ``BulkConflict``, nothing added."""
    try:
        with transaction.atomic(using=connection.alias):
            insert_rows(connection, rows)
    except IntegrityError as exc:
        raise BulkConflict(
            _("The exception list changed while the file was imported; nothing was added. Try again.")
        ) from exc


def insert_rows(connection: BaseDatabaseWrapper, rows: list[tuple]) -> None:
    """INSERT exception rows (``INSERT_FIELDS`` order, database values) with one prepared statement."""
    columns = ", ".join(column(CertificateException, name, connection) for name in INSERT_FIELDS)
    placeholders = ", ".join(["%s"] * len(INSERT_FIELDS))
    sql = f"INSERT INTO {table(CertificateException, connection)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_CHUNK):
            cursor.executemany(sql, rows[start : start + INSERT_CHUNK])
