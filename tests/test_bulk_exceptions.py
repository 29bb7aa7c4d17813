"""The bulk exception-list CSV import: parsing edge cases, per-row errors by kind, limits, one transaction."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cert_manager_plugin import api, bulk_exceptions, selectors
from cert_manager_plugin.bulk_exceptions import (
    BulkConflict,
    CsvEncodingError,
    CsvTooLarge,
    CsvTooManyRows,
    RowErrorKind,
    import_exceptions,
    parse,
)
from cert_manager_plugin.errors import InvalidInput
from cert_manager_plugin.models import CertificateException
from tests.factories import COURSE_KEY, LearnerRecordFactory, UserFactory
from tests.rest_api_support import world  # noqa: F401

pytestmark = pytest.mark.django_db


def listed() -> set[str]:
    return set(CertificateException.objects.filter(course_key=COURSE_KEY).values_list("user__username", flat=True))


# --- parsing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"username_or_email,notes\nfrodo,hi\n",
        b"\xef\xbb\xbfusername_or_email,notes\r\nfrodo,hi\r\n",  # Excel's "CSV UTF-8": BOM and CRLF
        b"\xef\xbb\xbffrodo,hi\n",  # BOM, no header
        b"frodo,hi",  # no header, no final newline
        b"\n\n  \nUsername,Notes\n\n,\nfrodo,hi\n\n",  # blank lines and an empty row anywhere
        b"email,notes\nfrodo,hi\n",
    ],
)
def test_parse_header_bom_and_blank_lines(data):
    rows, bad = parse(data)
    assert [(r.user, r.notes) for r in rows] == [("frodo", "hi")]
    assert bad == []


def test_parse_keeps_file_line_numbers_and_quoted_commas():
    rows, bad = parse(b'user,notes\n\nfrodo,"late, but fine"\n  sam@example.com  \na,b,c\n,orphan note\n')
    assert [(r.line, r.user, r.notes) for r in rows] == [(3, "frodo", "late, but fine"), (4, "sam@example.com", "")]
    assert [(e.line, e.kind) for e in bad] == [(5, RowErrorKind.BAD_FORMAT), (6, RowErrorKind.BAD_FORMAT)]
    assert "2 columns" in bad[0].message


def test_parse_allows_trailing_empty_columns():
    rows, bad = parse(b"frodo,hi,,\n")
    assert [(r.user, r.notes) for r in rows] == [("frodo", "hi")]
    assert bad == []


def test_a_username_that_looks_like_a_header_only_counts_on_the_first_row():
    rows, _ = parse(b"frodo,a\nuser,b\n")
    assert [r.user for r in rows] == ["frodo", "user"]


def test_non_utf8_is_a_clear_error():
    with pytest.raises(CsvEncodingError) as info:
        parse("frodo,ok\nsam,café\n".encode("latin-1"))
    assert info.value.code == "csv_encoding"
    assert "line 2" in info.value.message
    assert "UTF-8" in info.value.message


def test_utf16_is_refused():
    with pytest.raises(CsvEncodingError):
        parse("frodo,hi\n".encode("utf-16"))


def test_size_limit(settings):
    settings.CERT_MANAGER_CSV_MAX_BYTES = 20
    with pytest.raises(CsvTooLarge) as info:
        parse(b"frodo,this note makes the file too big\n")
    assert "20" in info.value.message
    assert info.value.http_status == 400


def test_default_limits_are_5_mb_and_50000_rows():
    assert bulk_exceptions.max_bytes() == 5 * 1024 * 1024
    assert bulk_exceptions.max_rows() == 50_000


def test_50000_rows_pass_and_50001_fail():
    rows, _ = parse(b"username_or_email,notes\n" + b"".join(b"u%d,n\n" % i for i in range(50_000)))
    assert len(rows) == 50_000
    with pytest.raises(CsvTooManyRows) as info:
        parse(b"".join(b"u%d,n\n" % i for i in range(50_001)))
    assert "50,000" in info.value.message


def test_row_limit_counts_bad_rows_too(settings):
    settings.CERT_MANAGER_CSV_MAX_ROWS = 2
    with pytest.raises(CsvTooManyRows):
        parse(b"a\nb,c,d\ne\n")
    assert len(parse(b"user\n\na\n\nb\n\n")[0]) == 2  # header and blank lines do not count


def test_broken_csv_quoting_is_invalid_input():
    with pytest.raises(InvalidInput):
        parse(b'frodo,"never closed\n')


# --- import ---------------------------------------------------------------------------------------


def test_import_reports_every_kind_and_adds_the_rest(world):  # noqa: F811
    sam = UserFactory(username="sam", email="Sam@Example.com")
    LearnerRecordFactory(user=sam)
    data = (
        b"username_or_email,notes\n"
        b"frodo,late work\n"  # 2 added
        b"SAM@example.COM,by email\n"  # 3 added (email in any case)
        b"nobody,x\n"  # 4 no such user
        b"staffer,x\n"  # 5 not enrolled
        b"merry,x\n"  # 6 already listed
        b"gollum,x\n"  # 7 invalidated
        b"frodo@example.com,again\n"  # 8 same learner twice in the file
        b"x,y,z\n"  # 9 bad format
    )
    result = import_exceptions(COURSE_KEY, data, granted_by=world.instructor)
    assert [(a["line"], a["username"]) for a in result.added] == [(2, "frodo"), (3, "sam")]
    assert [(e.line, e.kind) for e in result.errors] == [
        (4, "user_not_found"),
        (5, "not_enrolled"),
        (6, "already_listed"),
        (7, "invalidated"),
        (8, "already_listed"),
        (9, "bad_format"),
    ]
    assert "line 2" in result.errors[4].message
    assert result.errors_by_kind == {
        "bad_format": 1,
        "user_not_found": 1,
        "not_enrolled": 1,
        "already_listed": 2,
        "invalidated": 1,
    }
    assert listed() == {"merry", "frodo", "sam"}
    frodo = CertificateException.objects.get(user=world.other_learner)
    assert (frodo.notes, frodo.granted_by, frodo.course_key) == ("late work", world.instructor, COURSE_KEY)
    assert frodo.created is not None
    assert frodo.created == frodo.modified
    assert selectors.exceptions(COURSE_KEY).get(user=world.other_learner).created == frodo.created
    summary = result.as_dict()["summary"]
    assert (summary["rows"], summary["added"], summary["failed"]) == (8, 2, 6)


def test_import_agrees_with_the_single_grant(world):  # noqa: F811
    """Each row's outcome is what ``grant_exception`` would say for that learner alone."""
    result = import_exceptions(COURSE_KEY, b"staffer\ngollum\nmerry\nnobody\n")
    single = {}
    for name in ("staffer", "gollum", "merry", "nobody"):
        try:
            api.grant_exception(COURSE_KEY, name)
        except Exception as exc:  # noqa: BLE001
            single[name] = exc.code
    assert {e.user: e.kind for e in result.errors} == single


def test_nothing_is_half_applied_on_a_crash(world, monkeypatch):  # noqa: F811
    people = [UserFactory(username=f"crash{n}") for n in range(5)]
    for person in people:
        LearnerRecordFactory(user=person)
    real = bulk_exceptions.insert_rows

    def crash_midway(connection, rows):
        real(connection, rows[:2])
        raise RuntimeError("database went away")

    monkeypatch.setattr(bulk_exceptions, "insert_rows", crash_midway)
    with pytest.raises(RuntimeError):
        import_exceptions(COURSE_KEY, "\n".join(p.username for p in people).encode())
    assert listed() == {"merry"}


def test_a_concurrent_grant_aborts_the_whole_import(world, monkeypatch):  # noqa: F811
    real = bulk_exceptions.insert_rows

    def another_request_wins(connection, rows):
        CertificateException.objects.create(user=world.other_learner, course_key=COURSE_KEY)
        return real(connection, rows)

    sam = UserFactory(username="sam")
    LearnerRecordFactory(user=sam)
    monkeypatch.setattr(bulk_exceptions, "insert_rows", another_request_wins)
    with pytest.raises(BulkConflict) as info:
        import_exceptions(COURSE_KEY, b"frodo\nsam\n")
    assert info.value.http_status == 409
    assert listed() == {"merry"}  # neither frodo nor sam: all or nothing


def test_import_queries_grow_with_chunks_not_rows(world):  # noqa: F811
    people = UserFactory.create_batch(2000)
    for person in people:
        LearnerRecordFactory(user=person)
    data = "\n".join(p.username for p in people).encode()
    with CaptureQueriesContext(connection) as ctx:
        result = import_exceptions(COURSE_KEY, data)
    assert len(result.added) == 2000
    assert len(ctx.captured_queries) <= 40, len(ctx.captured_queries)


# --- hostile text and encodings (issue 8, item 7) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "named"),
    [
        ("utf-16-le", "UTF-16 (little-endian), without"),
        ("utf-16-be", "UTF-16 (big-endian), without"),
        ("utf-32-le", "UTF-32 (little-endian), without"),
        ("utf-32-be", "UTF-32 (big-endian), without"),
        ("utf-16", "UTF-16 (with a byte order mark)"),
        ("utf-32", "UTF-32 (with a byte order mark)"),
    ],
)
def test_utf16_and_utf32_are_refused_with_or_without_a_bom(encoding, named):
    """Without a BOM, UTF-16 is valid UTF-8 full of NULs: it used to be read as such."""
    data = "username_or_email,notes\nfrodo,late work\nsam@example.com,\n".encode(encoding)
    with pytest.raises(CsvEncodingError) as info:
        parse(data)
    assert info.value.code == "csv_encoding"
    assert named in info.value.message
    assert "UTF-8" in info.value.message


@pytest.mark.parametrize("text", ["frodo,hi\n", "é,ü\n", "a\n", "李,小龍\n"])
def test_short_and_non_ascii_utf16_is_refused_too(text):
    for encoding in ("utf-16-le", "utf-16-be"):
        data = text.encode(encoding)
        try:
            parse(data)
        except CsvEncodingError:
            continue
        raise AssertionError(f"{text!r} in {encoding} was read as UTF-8")


def test_a_nul_in_one_row_refuses_that_row_only():
    rows, bad = parse(b"username_or_email,notes\nfrodo,late\x00work\nsam,fine\nmer\x00ry,x\n")
    assert [(r.line, r.user, r.notes) for r in rows] == [(3, "sam", "fine")]
    assert [(e.line, e.kind) for e in bad] == [(2, RowErrorKind.BAD_FORMAT), (4, RowErrorKind.BAD_FORMAT)]
    assert bad[0].message == "notes must not contain control characters (U+0000)."
    assert bad[1].message == "username_or_email must not contain control characters (U+0000)."
    assert bad[1].user == "mer\ufffdry"  # echoed without the NUL


@pytest.mark.parametrize(
    ("user", "notes", "accepted"),
    [
        ("frodo", "fine", True),
        ("frodo", "a\x00b", False),
        ("fro\x00do", "", False),
        ("frodo", "tab\tand\nnew line", True),
        ("frodo", "bell\x07 escape\x1b del\x7f", False),
        ("frodo", "right-to-left \u202e override", True),
        ("u" * 254, "n" * 10_000, True),
        ("u" * 255, "", False),
        ("frodo", "n" * 10_001, False),
    ],
)
def test_each_row_passes_exactly_when_the_services_accept_it(world, user, notes, accepted):  # noqa: F811
    """A CSV row and the JSON endpoint go through the services' one rule: same refusals, same acceptances."""
    from cert_manager_plugin import errors, validation

    try:
        validation.clean_identifier(user), validation.clean_notes(notes)
        services_accept = True
    except errors.InvalidInput:
        services_accept = False
    assert services_accept is accepted
    quoted = '"' + notes.replace('"', '""') + '"'
    rows, bad = parse(f"username_or_email,notes\n{user},{quoted}\n".encode())
    assert (len(rows) == 1) is accepted, bad
    if not accepted:
        assert [e.kind for e in bad] == [RowErrorKind.BAD_FORMAT]


def test_without_revealing_accounts_an_account_outside_the_course_is_no_learner(world):  # noqa: F811
    """For course teams (the REST API, not global staff): no account oracle through a file of emails."""
    sam = UserFactory(username="sam")
    LearnerRecordFactory(user=sam, is_active=False)  # a learner of the course who unenrolled
    outsider = UserFactory(username="outsider", email="outsider@example.com")
    data = b"frodo\nnobody\noutsider@example.com\nstaffer\nsam\n"
    result = import_exceptions(COURSE_KEY, data, reveal_accounts=False)
    assert [a["username"] for a in result.added] == ["frodo"]
    assert [(e.user, e.kind, e.message) for e in result.errors] == [
        ("nobody", "user_not_found", "No learner 'nobody' in this course."),
        ("outsider@example.com", "user_not_found", "No learner 'outsider@example.com' in this course."),
        ("staffer", "user_not_found", "No learner 'staffer' in this course."),
        ("sam", "not_enrolled", "'sam' is not enrolled."),
    ]
    assert not CertificateException.objects.filter(user=outsider).exists()


def test_revealing_accounts_is_the_default_of_the_python_api(world):  # noqa: F811
    result = import_exceptions(COURSE_KEY, b"staffer\nnobody\n")
    assert [(e.user, e.kind) for e in result.errors] == [("staffer", "not_enrolled"), ("nobody", "user_not_found")]


@pytest.mark.parametrize("data", [b"username_or_email,notes\n", b"\n\n  \n", b"username_or_email,notes\n,\n\n"])
def test_a_file_that_names_no_learner_is_refused_as_empty(world, data):  # noqa: F811
    """A header alone or blank lines: a clear ``csv_empty``, not a silent "0 added"."""
    from cert_manager_plugin.bulk_exceptions import CsvEmpty, import_exceptions

    with pytest.raises(CsvEmpty) as refused:
        import_exceptions(COURSE_KEY, data)
    assert refused.value.code == "csv_empty" and "names no learner" in refused.value.message
