"""
``CERT_MANAGER_BATCH_SIZE``: one reader for jobs and sweeps, clamped to 1..10,000, and a system check that
names the value used when the setting is not used as written.
"""

from __future__ import annotations

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cert_manager_plugin import conf, engine, jobs, reconcile
from cert_manager_plugin.data import Source
from cert_manager_plugin.models import Certificate
from cert_manager_plugin.sql import column, table
from tests.factories import COURSE_KEY, LearnerRecordFactory


@pytest.mark.parametrize(
    ("value", "used", "problem"),
    [
        (None, 1000, None),
        ("", 1000, None),
        (1, 1, None),
        (250, 250, None),
        ("2000", 2000, None),
        (" 300 ", 300, None),
        (64.0, 64, None),
        (10_000, 10_000, None),
        (0, 1, conf.BATCH_SIZE_CLAMPED),
        (-5, 1, conf.BATCH_SIZE_CLAMPED),
        ("-5", 1, conf.BATCH_SIZE_CLAMPED),
        (10_001, 10_000, conf.BATCH_SIZE_CLAMPED),
        (10**9, 10_000, conf.BATCH_SIZE_CLAMPED),
        ("abc", 1000, conf.BATCH_SIZE_INVALID),
        (2.5, 1000, conf.BATCH_SIZE_INVALID),
        (True, 1000, conf.BATCH_SIZE_INVALID),
        ([500], 1000, conf.BATCH_SIZE_INVALID),
        ({"size": 500}, 1000, conf.BATCH_SIZE_INVALID),
    ],
)
def test_batch_size_is_clamped_and_never_crashes(settings, value, used, problem):
    settings.CERT_MANAGER_BATCH_SIZE = value
    assert conf.resolve_batch_size(value) == (used, problem)
    assert conf.batch_size() == used
    assert jobs.batch_size() == reconcile.batch_size() == used, "jobs and sweeps read the one setting"


def test_an_unset_batch_size_is_the_default(settings):
    del settings.CERT_MANAGER_BATCH_SIZE
    assert conf.batch_size() == conf.DEFAULT_BATCH_SIZE
    assert conf.check_batch_size() == []


def test_a_valid_batch_size_passes_the_check(settings):
    settings.CERT_MANAGER_BATCH_SIZE = 2000
    assert conf.check_batch_size() == []


@pytest.mark.parametrize(("value", "shown", "used"), [(50_000, "50000", "10000"), (0, "0", "1"), (-3, "-3", "1")])
def test_the_check_warns_of_a_clamped_batch_size(settings, value, shown, used):
    settings.CERT_MANAGER_BATCH_SIZE = value
    [message] = conf.check_batch_size()
    assert isinstance(message, checks.Warning) and message.id == "cert_manager.W001"
    assert "CERT_MANAGER_BATCH_SIZE" in message.msg and shown in message.msg and f"using {used}." in message.msg
    assert "1..10,000" in message.msg and "10,000" in message.hint


@pytest.mark.parametrize("value", ["lots", 2.5, [100]])
def test_the_check_warns_of_a_batch_size_that_is_not_an_integer(settings, value):
    settings.CERT_MANAGER_BATCH_SIZE = value
    [message] = conf.check_batch_size()
    assert isinstance(message, checks.Warning) and message.id == "cert_manager.W002"
    assert message.msg == f"CERT_MANAGER_BATCH_SIZE is {value!r}, not an integer; using the default, 1000."


def test_the_check_is_registered_and_runs_with_manage_py_check(settings, capsys):
    settings.CERT_MANAGER_BATCH_SIZE = "many"
    assert conf.check_batch_size in checks.registry.registry.get_checks()
    assert [m.id for m in checks.run_checks(tags=["cert_manager"])] == ["cert_manager.W002"]
    call_command("check", "--tag", "cert_manager")
    assert "cert_manager.W002" in capsys.readouterr().err


@pytest.mark.django_db
def test_sweeps_batch_by_the_clamped_size(settings):
    settings.CERT_MANAGER_BATCH_SIZE = -1
    now = timezone.now()
    for _ in range(3):
        LearnerRecordFactory(reconcile_pending_since=now, reconcile_source=Source.GRADE_EVENT)
    assert [len(ids) for _, ids in reconcile._pending(COURSE_KEY, now)] == [1, 1, 1]


@pytest.mark.django_db
def test_the_widest_batch_statement_fits_the_database():
    """
    The widest statement a batch runs binds ``2n + 3`` parameters (``lms._copy_history``): at the cap, that is
    accepted by the database the suite runs on (SQLite, PostgreSQL, MariaDB).
    """
    n = 2 * conf.MAX_BATCH_SIZE + 3
    user = column(Certificate, "user")
    sql = f"SELECT COUNT(*) FROM {table(Certificate)} WHERE {user} IN ({', '.join(['%s'] * n)})"
    with connection.cursor() as cursor:
        cursor.execute(sql, list(range(1, n + 1)))
        assert cursor.fetchone() == (0,)


@pytest.mark.django_db
def test_an_engine_batch_of_the_cap_runs(course):
    result = engine.reconcile_batch(COURSE_KEY, range(1, conf.MAX_BATCH_SIZE + 1), source=Source.JOB)
    assert (result.processed, result.changed, result.skipped) == (conf.MAX_BATCH_SIZE, 0, conf.MAX_BATCH_SIZE)
