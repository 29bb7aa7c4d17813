"""
The optional standalone host app: its tables, its migrations, and the standalone adapter without it.

``cert_manager_plugin.standalone_host`` holds the standalone adapter's courses and course roles for hosts without
edx-platform (``devsite`` installs it; the LMS-shaped host does not). Its models keep the tables the plugin's app
created; ``cert_manager_plugin`` 0009 drops them only where the app is not installed, and the app's 0001 creates
them only where they are missing. The migration tests walk the test database back to 0008 and forward again.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core import checks
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import modify_settings

from cert_manager_plugin import access, lms
from cert_manager_plugin.lms import standalone
from cert_manager_plugin.models import CourseCertificateSettings
from tests.factories import COURSE_KEY, UserFactory

APP = "cert_manager_plugin.standalone_host"
LABEL = "cert_manager_standalone"
TABLES = {"cert_manager_plugin_standalonecourse", "cert_manager_plugin_standalonecourserole"}
MOVE_OUT = ("cert_manager_plugin", "0009_standalone_models_out")
TAKE_OVER = (LABEL, "0001_initial")
MIGRATION_0009 = importlib.import_module("cert_manager_plugin.migrations.0009_standalone_models_out")
#: The plugin's migration 0009 depends on (0008; whatever the chain, the last one with the models in the plugin).
[BEFORE] = [(app, name) for app, name in MIGRATION_0009.Migration.dependencies if app == "cert_manager_plugin"]

installed_only = pytest.mark.skipif(not apps.is_installed(APP), reason="the host does not install the standalone app")


def tables() -> set[str]:
    """Which of the two standalone tables the test database has."""
    return TABLES & set(connection.introspection.table_names())


def without_the_app():
    """The host's INSTALLED_APPS without the standalone app (the app registry is rebuilt for the block)."""
    return modify_settings(INSTALLED_APPS={"remove": [APP]})


# --- the app ---------------------------------------------------------------------------------------------------


def test_the_lms_entry_point_never_installs_the_app():
    from cert_manager_plugin.apps import CertManagerConfig

    assert CertManagerConfig.name == "cert_manager_plugin"
    assert "standalone_host" not in repr(CertManagerConfig.plugin_app)


@installed_only
def test_the_app_holds_both_models_on_the_plugins_old_tables_with_pii_annotations():
    config = apps.get_app_config(LABEL)
    assert config.name == APP and "hosts without edx-platform" in type(config).__doc__
    models = {m.__name__: m for m in config.get_models()}
    assert set(models) == {"StandaloneCourse", "StandaloneCourseRole"}
    assert {m._meta.db_table for m in models.values()} == TABLES
    assert all(".. no_pii:" in m.__doc__ for m in models.values())
    assert not {m.__name__ for m in apps.get_app_config("cert_manager_plugin").get_models()} & set(models)


@installed_only
def test_the_admin_edits_both_models():
    from django.contrib import admin

    assert {m.__name__ for m in admin.site._registry if m._meta.app_label == LABEL} == {
        "StandaloneCourse",
        "StandaloneCourseRole",
    }


@pytest.mark.django_db
def test_the_tables_exist_exactly_where_the_app_is_installed():
    """A fresh test database: the demo host keeps the two tables, the LMS-shaped host (no app) has neither."""
    assert tables() == (TABLES if apps.is_installed(APP) else set())


@installed_only
@pytest.mark.django_db
def test_the_apps_migrations_match_its_models():
    call_command("makemigrations", LABEL, check=True, dry_run=True, verbosity=0)


# --- the standalone adapter without the app --------------------------------------------------------------------


@installed_only
@pytest.mark.django_db
def test_without_the_app_courses_come_from_the_plugins_own_rows():
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY)
    adapter = lms.StandaloneBackend()
    with without_the_app():
        assert not standalone.standalone_tables_installed()
        info = adapter.course_overview(COURSE_KEY)
        assert (info.course_key, info.display_name, info.org, info.end) == (COURSE_KEY, str(COURSE_KEY), "TestX", None)
        other_case = COURSE_KEY.replace(course=COURSE_KEY.course.lower())
        assert adapter.course_overview(other_case).course_key == COURSE_KEY  # the key as the plugin spells it
        assert adapter.course_overview(COURSE_KEY.replace(run="1999")) is None
        with pytest.raises(LookupError, match="INSTALLED_APPS"):
            standalone.standalone_model("StandaloneCourseRole")


@installed_only
@pytest.mark.django_db
def test_without_the_app_roles_come_from_is_staff_and_is_superuser():
    adapter = lms.StandaloneBackend()
    learner = UserFactory(username="learner")
    staff = UserFactory(username="staff", is_staff=True)
    root = UserFactory(username="root", is_superuser=True)
    with without_the_app():
        assert adapter.course_roles(learner, COURSE_KEY) == set()
        assert adapter.course_roles(staff, COURSE_KEY) == adapter.course_roles(root, COURSE_KEY) == {"instructor"}
        assert access.course_access(root, COURSE_KEY) == access.MANAGE
        assert access.course_access(learner, COURSE_KEY) is None


@installed_only
def test_the_system_check_asks_for_the_app_only_when_the_standalone_adapter_lacks_it(settings):
    assert standalone.check_standalone_host() == []
    with without_the_app():
        [warning] = standalone.check_standalone_host()
        assert isinstance(warning, checks.Warning) and warning.id == "cert_manager.W003"
        assert APP in warning.hint
        assert warning.id in {m.id for m in checks.run_checks(tags=["cert_manager"])}
        settings.CERT_MANAGER_LMS_BACKEND = "edx_platform"
        assert standalone.check_standalone_host() == []  # inside the LMS: nothing to add


# --- migrations ------------------------------------------------------------------------------------------------


def migrate(*targets: tuple[str, str]) -> MigrationExecutor:
    """Migrate the test database to ``targets`` (none: every app's latest migration)."""
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


@pytest.fixture
def back_to_0008(request):
    """The test database at ``BEFORE`` (or the test's param), migrated back up after; the models at that point."""
    start = getattr(request, "param", BEFORE)
    executor = migrate(start)
    yield executor.loader.project_state(start).apps
    migrate()


def seed(old_apps) -> tuple[int, int]:
    """One course and one role in the old tables (the plugin's models at ``BEFORE``); their ids."""
    user = old_apps.get_model("auth", "User").objects.create(username="instructor")
    course = old_apps.get_model("cert_manager_plugin", "StandaloneCourse").objects.create(
        course_key=COURSE_KEY, display_name="Kept"
    )
    role = old_apps.get_model("cert_manager_plugin", "StandaloneCourseRole").objects.create(
        user_id=user.pk, course_key=COURSE_KEY, role="instructor"
    )
    return course.pk, role.pk


@installed_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("back_to_0008", [BEFORE, ("cert_manager_plugin", "0007_lists_in_lms")], indirect=True)
def test_an_upgrade_with_the_app_installed_keeps_the_tables_and_their_rows(back_to_0008):
    course_id, role_id = seed(back_to_0008)
    migrate()  # 0009 leaves the tables to the app; its 0001 finds them and creates nothing
    assert tables() == TABLES
    course = apps.get_model(LABEL, "StandaloneCourse").objects.get()
    role = apps.get_model(LABEL, "StandaloneCourseRole").objects.select_related("user").get()
    assert (course.pk, course.display_name, course.course_key) == (course_id, "Kept", COURSE_KEY)
    assert (role.pk, role.user.username, role.role) == (role_id, "instructor", "instructor")
    assert lms.StandaloneBackend().course_overview(COURSE_KEY).display_name == "Kept"


@installed_only
@pytest.mark.django_db(transaction=True)
def test_without_the_app_0009_drops_the_tables_and_the_apps_0001_creates_them_later(back_to_0008, monkeypatch):
    seed(back_to_0008)
    monkeypatch.setattr(MIGRATION_0009, "standalone_app_installed", lambda: False)  # as inside the LMS
    migrate(MOVE_OUT)
    assert tables() == set()
    migrate(TAKE_OVER)  # a host that installs the app afterwards: new, empty tables with their constraints
    assert tables() == TABLES
    assert not apps.get_model(LABEL, "StandaloneCourse").objects.exists()
    constraints = connection.introspection.get_constraints(
        connection.cursor(), "cert_manager_plugin_standalonecourserole"
    )
    assert "cm_role_user_course_role" in constraints


@installed_only
@pytest.mark.django_db(transaction=True)
def test_going_back_from_0009_recreates_a_dropped_table(back_to_0008, monkeypatch):
    monkeypatch.setattr(MIGRATION_0009, "standalone_app_installed", lambda: False)
    migrate(MOVE_OUT)
    assert tables() == set()
    migrate(BEFORE)
    assert tables() == TABLES
