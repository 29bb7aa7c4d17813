"""The hot-path SQL helpers: ``ids_in`` filters like ``__in`` (also when empty), ``dt_adapter`` memoizes."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from cert_manager_plugin.data import CertificateStatus
from cert_manager_plugin.models import Certificate, CertificateInvalidation, LearnerRecord
from cert_manager_plugin.sql import dt_adapter, ids_in
from tests.factories import CertificateInvalidationFactory, LearnerRecordFactory

pytestmark = pytest.mark.django_db


def test_ids_in_matches_the_orm_in_lookup():
    records = [LearnerRecordFactory() for _ in range(4)]
    wanted = [records[0].user_id, records[2].user_id, 10**9]
    got = ids_in(LearnerRecord.objects.all(), LearnerRecord, "user_id", wanted).values_list("user_id", flat=True)
    assert sorted(got) == sorted(LearnerRecord.objects.filter(user_id__in=wanted).values_list("user_id", flat=True))
    assert sorted(got) == sorted([records[0].user_id, records[2].user_id])


def test_ids_in_with_no_ids_matches_nothing_on_every_database(django_assert_num_queries):
    LearnerRecordFactory()
    User = get_user_model()
    with django_assert_num_queries(0):
        assert list(ids_in(User.objects.all(), User, User._meta.pk.column, [])) == []


def test_ids_in_on_a_joined_table():
    kept = CertificateInvalidationFactory()
    CertificateInvalidationFactory()
    qs = ids_in(
        CertificateInvalidation.objects.filter(certificate__course_key=kept.certificate.course_key),
        Certificate,
        "user_id",
        [kept.certificate.user_id],
    )
    assert list(qs) == [kept]


def test_ids_in_takes_only_integers():
    with pytest.raises(ValueError):
        ids_in(Certificate.objects.all(), Certificate, "user_id", ["1); DROP TABLE x; --"])


def test_dt_adapter_gives_the_backend_value_and_memoizes():
    dt = dt_adapter()
    moment = datetime(2026, 11, 26, 1, 2, 3, tzinfo=UTC)
    assert dt(None) is None
    assert dt(moment) == connection.ops.adapt_datetimefield_value(moment)
    assert dt(moment) is dt(moment)


def test_update_rows_writes_each_row_by_key_and_keeps_stored_values_where_asked(monkeypatch, django_assert_num_queries):
    from cert_manager_plugin import sql
    from tests.factories import CertificateFactory

    monkeypatch.setattr(sql, "ROWS_PER_UPDATE", 2)  # five rows: three statements on a server database
    issued = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    certs = [CertificateFactory(grade=0.5, name=f"before {i}", issued_date=issued) for i in range(5)]
    untouched = CertificateFactory(grade=0.5, name="untouched")
    later = datetime(2026, 6, 1, 12, 0, 0, 123456, tzinfo=UTC)
    dt = dt_adapter()
    rows = [
        # grade, name (a quote, a %, non-Latin text), revision, issued_date (None keeps the stored one), key
        (0.91 + i / 100, f"O'Brien 100% 李 {i}", 7 + i, dt(later) if i == 3 else None, c.pk)
        for i, c in enumerate(certs)
    ]
    expected = 1 if connection.vendor == "sqlite" else 3
    with django_assert_num_queries(expected):
        statements = sql.update_rows(
            Certificate, ["grade", "name", "revision", "issued_date"], rows, keep_when_null={"issued_date"}
        )
    assert statements == expected
    for i, c in enumerate(certs):
        c.refresh_from_db()
        assert (c.grade, c.name, c.revision) == (pytest.approx(0.91 + i / 100), f"O'Brien 100% 李 {i}", 7 + i)
        assert c.issued_date == (later if i == 3 else issued)  # row 3 follows a NULL in its statement
    untouched.refresh_from_db()
    assert (untouched.grade, untouched.name) == (0.5, "untouched")
    assert sql.update_rows(Certificate, ["grade"], []) == 0


def test_update_rows_sets_a_column_to_null_when_not_asked_to_keep_it():
    from cert_manager_plugin import sql
    from tests.factories import CertificateFactory

    cert = CertificateFactory(grade=0.5)
    sql.update_rows(Certificate, ["grade", "error_reason"], [(None, "", cert.pk)])
    cert.refresh_from_db()
    assert cert.grade is None


#: Text an array literal or a statement's placeholders could misread: NULL as a word, quotes, braces, backslashes.
AWKWARD = [
    "NULL",
    "null",
    "a,b",
    'a"b',
    "a\\b",
    "{x}",
    " lead ",
    "",
    "it's",
    "tab\there",
    "%s",
    "%(x)s",
    "\u00fcn\u00ef",
]


def test_update_rows_writes_awkward_text_and_mixed_numbers_as_they_are():
    """Each database's statement (PostgreSQL: one array per column) gives back exactly what was written."""
    from cert_manager_plugin import sql
    from tests.factories import CertificateFactory

    certs = [CertificateFactory(grade=0.5) for _ in AWKWARD]
    # grades: integers among floats and a None (PostgreSQL's arrays take one Python type: made floats)
    rows = [(text, [1, 0.25, None][i % 3], c.pk) for i, (text, c) in enumerate(zip(AWKWARD, certs, strict=True))]
    sql.update_rows(Certificate, ["name", "grade"], rows)
    stored = dict(Certificate.objects.filter(pk__in=[c.pk for c in certs]).values_list("pk", "name"))
    assert [stored[c.pk] for c in certs] == AWKWARD
    grades = [Certificate.objects.get(pk=c.pk).grade for c in certs[:3]]
    assert grades == [1.0, 0.25, None]


def test_array_keeps_one_python_type_per_column():
    from cert_manager_plugin.sql import _array

    assert _array([1, None, 2]) == [1, None, 2]
    assert _array([1, 0.5, None]) == [1.0, 0.5, None] and type(_array([1, 0.5])[0]) is float
    assert _array(["a", 1, None]) == ["a", "1", None]


def test_folded_lower_folds_every_letter_on_every_database():
    """SQLite's own lower() leaves "É" and "Ü" as they are; FoldedLower folds them as PostgreSQL and MariaDB do."""
    from cert_manager_plugin.sql import FoldedLower
    from tests.factories import CertificateFactory

    cert = CertificateFactory(name="ÉMILE Ünal-Ødegård")
    folded = Certificate.objects.filter(pk=cert.pk).annotate(n=FoldedLower("name")).values_list("n", flat=True)
    assert list(folded) == ["émile ünal-ødegård"]
    found = Certificate.objects.annotate(n=FoldedLower("name")).filter(n__contains="ünal-ø")
    assert list(found.values_list("pk", flat=True)) == [cert.pk]
    assert not Certificate.objects.annotate(n=FoldedLower("name")).filter(n__contains="%").exists()


def test_int_list_writes_integers_only():
    from cert_manager_plugin.sql import int_list

    assert int_list([3, 1, True]) == "3, 1, 1"
    with pytest.raises(ValueError):
        int_list(["1); DROP TABLE x; --"])


def test_insert_many_writes_every_row_as_executemany_would(monkeypatch, django_assert_num_queries):
    """On MariaDB one multi-row INSERT per ``ROWS_PER_INSERT`` rows, each value escaped by the driver (memoized)."""
    from django.contrib.auth.models import Group

    from cert_manager_plugin import sql

    monkeypatch.setattr(sql, "ROWS_PER_INSERT", 2)
    names = ["O'Brien 100% 李", "back\\slash", "%s", 'quote " and \n newline']
    insert = f"INSERT INTO {sql.table(Group)} ({sql.column(Group, 'name')}) VALUES (%s)"
    statements = (len(names) + 1) // 2 if connection.vendor == "mysql" else 1
    with django_assert_num_queries(statements), connection.cursor() as cursor:
        sql.insert_many(cursor, insert, [(n,) for n in names])
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(names)


def test_mysql_filled_writes_what_the_driver_would():
    from cert_manager_plugin.sql import mysql_filled

    status = CertificateStatus.DOWNLOADABLE
    when = datetime(2026, 1, 2, 3, 4, 5)
    params = ["it's", 100, 0.25, None, True, "it's", when, "back\\slash 李 %s", -7, status, status, True, uuid4()]
    query = "SELECT " + ", ".join(["%s"] * len(params))
    filled = mysql_filled(query, params)
    if connection.vendor != "mysql":
        assert filled is None
        return
    with connection.cursor() as cursor:
        assert filled == cursor.cursor.mogrify(query, params)  # mysqlclient's or PyMySQL's own writing
        cursor.execute(filled)
        assert cursor.fetchone()[:6] == ("it's", 100, 0.25, None, 1, "it's")
