"""
The settings object (``conf.cm_settings``): every plugin setting declared once with its default and meaning, read
as the modules read it (clamped, or the default when not usable), kept until ``setting_changed``, and listed in
the operators' guide. ``CERT_MANAGER_BATCH_SIZE``: one reader for jobs and sweeps, clamped to 1..10,000, and a
system check that names the value used when the setting is not used as written.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from cert_manager_plugin import conf, engine, jobs, reconcile
from cert_manager_plugin.data import Source
from cert_manager_plugin.models import Certificate
from cert_manager_plugin.settings import common
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
    conf.cm_settings.reload()  # pytest-django's del sends no setting_changed
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
    result = engine.reconcile_batch(COURSE_KEY, range(1, conf.MAX_BATCH_SIZE + 1), engine.Intent(source=Source.JOB))
    assert (result.processed, result.changed, result.skipped) == (conf.MAX_BATCH_SIZE, 0, conf.MAX_BATCH_SIZE)


# --- the settings object ----------------------------------------------------------------------------------

PACKAGE = Path(conf.__file__).resolve().parent
OPERATORS_GUIDE = PACKAGE.parent / "docs" / "operators.rst"
#: A row of the settings table in docs/operators.rst: ``NAME``  ``default``  meaning.
TABLE_ROW = re.compile(r"^``(CERT_MANAGER_\w+)``\s+``(.+?)``\s", re.MULTILINE)
#: How the package reads a plugin setting: Django's settings by name, or the settings object by attribute.
RAW_READ = re.compile(r"""getattr\(settings, "(CERT_MANAGER_\w+)"|\bsettings\.(CERT_MANAGER_\w+)""")
OBJECT_READ = re.compile(r"\bcm_settings\.([A-Z][A-Z_]+)\b")


@pytest.fixture
def fresh(settings):
    """The ``settings`` fixture, and nothing kept by ``cm_settings`` after the test (``del`` sends no signal)."""
    conf.cm_settings.reload()
    yield settings
    conf.cm_settings.reload()


def _attr(name: str) -> str:
    return name.removeprefix(conf.PREFIX)


def test_every_setting_has_a_default_and_a_one_line_doc():
    assert list(conf.DEFAULTS) == list(conf.SETTINGS)
    for name, setting in conf.SETTINGS.items():
        assert name.startswith(conf.PREFIX) and name.isupper()
        assert conf.DEFAULTS[name] == setting.default
        assert setting.doc.strip() and "\n" not in setting.doc and len(setting.doc) <= 110, name


def test_every_setting_has_its_type_on_the_object():
    assert set(conf.CertManagerSettings.__annotations__) == {_attr(name) for name in conf.SETTINGS}


def test_every_setting_the_package_reads_is_declared():
    raw, read = set(), set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        raw |= {a or b for a, b in RAW_READ.findall(text)}
        read |= {conf.PREFIX + attr for attr in OBJECT_READ.findall(text)}
    assert read, "the modules read their settings through cm_settings"
    assert raw <= set(conf.SETTINGS), f"read but not declared in conf.SETTINGS: {raw - set(conf.SETTINGS)}"
    assert read <= set(conf.SETTINGS), f"cm_settings has no {read - set(conf.SETTINGS)}"


def test_the_operators_guide_lists_every_setting_with_its_default():
    rows = {name: ast.literal_eval(default) for name, default in TABLE_ROW.findall(OPERATORS_GUIDE.read_text())}
    assert rows == conf.DEFAULTS, "docs/operators.rst's settings table and conf.SETTINGS disagree"


def test_the_settings_hooks_give_the_host_the_declared_defaults():
    assert common.DEFAULTS == conf.host_defaults()
    assert set(conf.DEFAULTS) - set(common.DEFAULTS) == {"CERT_MANAGER_LINKEDIN"}, "the LMS's settings unchanged"


@pytest.mark.parametrize("name", list(conf.SETTINGS))
def test_an_unset_setting_reads_its_default(fresh, name):
    if hasattr(fresh, name):
        delattr(fresh, name)
    conf.cm_settings.reload()  # pytest-django's del sends no setting_changed
    setting = conf.SETTINGS[name]
    assert getattr(conf.cm_settings, _attr(name)) == setting.read(setting.default)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CERT_MANAGER_LMS_BACKEND", "standalone"),
        ("CERT_MANAGER_BATCH_SIZE", 250),
        ("CERT_MANAGER_CELERY_QUEUE", "edx.lms.core.low"),
        ("CERT_MANAGER_COALESCE_SECONDS", 2.5),
        ("CERT_MANAGER_JOB_STALE_SECONDS", 60),
        ("CERT_MANAGER_CSV_MAX_BYTES", 1024),
        ("CERT_MANAGER_CSV_MAX_ROWS", 10),
        ("CERT_MANAGER_BASE_URL", "https://lms.example.com"),
        ("CERT_MANAGER_EXPORT_DIR", "/var/exports"),
        ("CERT_MANAGER_EXPORT_STORAGE", "exports"),
        ("CERT_MANAGER_EMAILS_ENABLED", True),
        ("CERT_MANAGER_EMAIL_BATCH_SIZE", 50),
        ("CERT_MANAGER_PDF_UNICODE_FONT", "/fonts/NotoSans.ttf"),
        ("CERT_MANAGER_PUBLIC_MAX_AGE", 300),
        ("CERT_MANAGER_LINKEDIN", {"enabled": False}),
    ],
)
def test_a_django_setting_is_seen_as_written(fresh, name, value):
    assert getattr(conf.cm_settings, _attr(name)) == conf.SETTINGS[name].read(conf.DEFAULTS[name])
    setattr(fresh, name, value)
    assert getattr(conf.cm_settings, _attr(name)) == value


@pytest.mark.parametrize(
    ("name", "value", "used"),
    [
        ("CERT_MANAGER_LMS_BACKEND", "", "auto"),
        ("CERT_MANAGER_LMS_BACKEND", None, "auto"),
        ("CERT_MANAGER_BATCH_SIZE", "abc", 1000),
        ("CERT_MANAGER_BATCH_SIZE", -5, 1),
        ("CERT_MANAGER_BATCH_SIZE", "2000", 2000),
        ("CERT_MANAGER_COALESCE_SECONDS", None, 0.0),
        ("CERT_MANAGER_COALESCE_SECONDS", "2", 2.0),
        ("CERT_MANAGER_JOB_STALE_SECONDS", 0, 300),
        ("CERT_MANAGER_JOB_STALE_SECONDS", "90", 90),
        ("CERT_MANAGER_CSV_MAX_BYTES", "2048", 2048),
        ("CERT_MANAGER_CSV_MAX_ROWS", 12.0, 12),
        ("CERT_MANAGER_EXPORT_STORAGE", "", "default"),
        ("CERT_MANAGER_EXPORT_STORAGE", None, "default"),
        ("CERT_MANAGER_EMAILS_ENABLED", 1, True),
        ("CERT_MANAGER_EMAILS_ENABLED", "", False),
        ("CERT_MANAGER_EMAIL_BATCH_SIZE", 0, 200),
        ("CERT_MANAGER_EMAIL_BATCH_SIZE", -3, 200),
        ("CERT_MANAGER_EMAIL_BATCH_SIZE", "lots", 200),
        ("CERT_MANAGER_EMAIL_BATCH_SIZE", "7", 7),
        ("CERT_MANAGER_PUBLIC_MAX_AGE", "soon", 60),
        ("CERT_MANAGER_PUBLIC_MAX_AGE", None, 60),
        ("CERT_MANAGER_PUBLIC_MAX_AGE", -5, 0),
        ("CERT_MANAGER_LINKEDIN", "yes", {}),
        ("CERT_MANAGER_LINKEDIN", None, {}),
    ],
)
def test_a_value_not_usable_as_written_is_read_as_before(fresh, name, value, used):
    setattr(fresh, name, value)
    assert getattr(conf.cm_settings, _attr(name)) == used


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CERT_MANAGER_CSV_MAX_BYTES", "5 MB"),
        ("CERT_MANAGER_CSV_MAX_ROWS", None),
        ("CERT_MANAGER_JOB_STALE_SECONDS", "x"),
    ],
)
def test_a_limit_that_is_not_a_number_still_fails_loudly(fresh, name, value):
    setattr(fresh, name, value)
    with pytest.raises((TypeError, ValueError)):
        getattr(conf.cm_settings, _attr(name))


def test_a_value_is_read_once_and_kept(fresh):
    fresh.CERT_MANAGER_PUBLIC_MAX_AGE = 120
    assert "PUBLIC_MAX_AGE" not in vars(conf.cm_settings)
    assert conf.cm_settings.PUBLIC_MAX_AGE == 120
    assert vars(conf.cm_settings)["PUBLIC_MAX_AGE"] == 120, "kept on the object: the next read is an attribute"
    with override_settings(LANGUAGE_CODE="fr"):
        assert "PUBLIC_MAX_AGE" in vars(conf.cm_settings), "another app's setting changes nothing kept"


def test_override_settings_reloads_on_entry_and_exit(fresh):
    fresh.CERT_MANAGER_COALESCE_SECONDS = 5
    assert conf.cm_settings.COALESCE_SECONDS == 5.0
    with override_settings(CERT_MANAGER_COALESCE_SECONDS=1):
        assert conf.cm_settings.COALESCE_SECONDS == 1.0
        assert reconcile.coalesce_seconds() == 1.0
    assert conf.cm_settings.COALESCE_SECONDS == 5.0


def test_reload_forgets_what_a_deleted_setting_kept(fresh):
    fresh.CERT_MANAGER_LMS_BACKEND = "edx_platform"
    assert conf.cm_settings.LMS_BACKEND == "edx_platform"
    del fresh.CERT_MANAGER_LMS_BACKEND
    conf.cm_settings.reload()
    assert conf.cm_settings.LMS_BACKEND == "auto"


def test_an_unknown_setting_is_an_attribute_error():
    with pytest.raises(AttributeError, match="NOT_A_SETTING"):
        conf.cm_settings.NOT_A_SETTING
