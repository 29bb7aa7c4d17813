"""
The plugin reaches the host only through edx-django-utils and its ``lms.djangoapp`` entry point.

Uninstalling the entry point (or breaking ``plugin_app``) makes these tests fail: nothing in the host
names the app, its URLs, its settings or its receivers.
"""

from __future__ import annotations

import ast
import sys
import types
import weakref
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.dispatch.dispatcher import _make_id
from django.urls import URLResolver, get_resolver
from edx_django_utils.plugins import add_plugins, get_plugin_apps, get_plugin_url_patterns
from openedx_events.learning import signals as openedx_signals

from cert_manager_plugin import apps as plugin_apps
from cert_manager_plugin import lms, receivers
from cert_manager_plugin.apps import RECEIVERS, CertManagerConfig
from cert_manager_plugin.models import LearnerRecord
from cert_manager_plugin.settings import common as plugin_common
from tests import lms_events

LMS = "lms.djangoapp"
APP_CONFIG = "cert_manager_plugin.apps.CertManagerConfig"
DEVSITE = Path(__file__).resolve().parent.parent / "devsite"


def _string_constants(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _installed_apps_literals(source: str) -> set[str]:
    """Every string literal assigned or added to INSTALLED_APPS in a settings module's source."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == "INSTALLED_APPS" for t in targets):
            found |= _string_constants(node.value)
    return found


# --- the entry point and INSTALLED_APPS ---------------------------------------------------------------


def test_lms_djangoapp_entry_point_names_the_app_config():
    [entry_point] = [ep for ep in entry_points(group=LMS) if ep.name == "cert_manager_plugin"]
    assert entry_point.value == "cert_manager_plugin.apps:CertManagerConfig"
    assert entry_point.load() is CertManagerConfig


def test_get_plugin_apps_finds_the_plugin_and_installed_apps_has_it():
    assert APP_CONFIG in get_plugin_apps(LMS)
    assert APP_CONFIG in settings.INSTALLED_APPS
    assert isinstance(django_apps.get_app_config("cert_manager_plugin"), CertManagerConfig)


@pytest.mark.parametrize("module", ["settings.py", "test_settings.py"])
def test_host_settings_do_not_list_the_plugin(module):
    source = (DEVSITE / module).read_text(encoding="utf-8")
    listed = {s for s in _installed_apps_literals(source) if s.startswith("cert_manager_plugin")}
    # the one exception: the standalone adapter's optional tables, which only a host without edx-platform installs
    assert listed <= {"cert_manager_plugin.standalone_host"}
    assert APP_CONFIG not in _string_constants(ast.parse(source))
    assert "get_plugin_apps" in source or module == "test_settings.py"


def test_host_urls_and_app_do_not_hook_the_plugin_up_by_hand():
    for module in ("urls.py", "apps.py"):
        source = (DEVSITE / module).read_text(encoding="utf-8")
        assert "cert_manager_plugin" not in source, f"devsite/{module} names the plugin"


# --- URLs ---------------------------------------------------------------------------------------------


def test_plugin_urls_come_from_get_plugin_url_patterns_under_the_cert_manager_namespace():
    [pattern] = [p for p in get_plugin_url_patterns(LMS) if getattr(p, "app_name", None) == "cert_manager_plugin"]
    assert isinstance(pattern, URLResolver)
    assert pattern.namespace == "cert_manager"
    assert pattern.urlconf_module.__name__ == "cert_manager_plugin.urls"


def test_host_url_resolver_mounts_the_cert_manager_namespace():
    resolver = get_resolver()
    assert "cert_manager" in resolver.namespace_dict
    assert resolver.app_dict["cert_manager_plugin"] == ["cert_manager"]
    _, sub_resolver = resolver.namespace_dict["cert_manager"]
    assert sub_resolver.urlconf_module.__name__ == "cert_manager_plugin.urls"


# --- receivers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("func_name", "signal_name"), RECEIVERS)
def test_each_openedx_event_has_our_receiver_under_its_dispatch_uid(func_name, signal_name):
    signal = getattr(openedx_signals, signal_name)
    lookup_key = (f"cert_manager_plugin.{func_name}", _make_id(None))
    connected = [ref for key, ref, *_ in signal.receivers if key == lookup_key]
    assert len(connected) == 1, f"{signal_name} has no receiver under {lookup_key[0]}"
    target = connected[0]() if isinstance(connected[0], weakref.ReferenceType) else connected[0]
    assert target is getattr(receivers, func_name)
    assert signal.has_listeners()


def test_receivers_list_covers_the_five_lms_events():
    assert {signal for _, signal in RECEIVERS} == {
        "COURSE_ENROLLMENT_CREATED",
        "COURSE_ENROLLMENT_CHANGED",
        "COURSE_UNENROLLMENT_COMPLETED",
        "PERSISTENT_GRADE_SUMMARY_CHANGED",
        "COURSE_PASSING_STATUS_UPDATED",
    }
    signals_config = CertManagerConfig.plugin_app["signals_config"][LMS]
    assert signals_config["relative_path"] == "receivers"
    assert {r["signal_path"] for r in signals_config["receivers"]} == {
        f"openedx_events.learning.signals.{signal}" for _, signal in RECEIVERS
    }


@pytest.mark.django_db(transaction=True)
def test_a_real_enrollment_event_reaches_the_plugin(course, course_key, learner):
    lms_events.enroll(learner, course_key, "honor")
    record = LearnerRecord.objects.get(user=learner, course_key=course_key)
    assert (record.mode, record.is_active) == ("honor", True)


# --- settings -----------------------------------------------------------------------------------------


def test_add_plugins_applied_the_test_settings_to_the_host():
    host = sys.modules["devsite.settings"]
    assert host.SETTINGS_TYPE == "test"
    assert settings.CERT_MANAGER_LMS_BACKEND == "auto"
    assert lms.backend_name() == "standalone", "no edx-platform app installed: the demo host is standalone"
    # Every plugin default is on the host; those the host never mentions can only come from add_plugins.
    defaults = types.SimpleNamespace()
    plugin_common.plugin_settings(defaults)
    source = (DEVSITE / "settings.py").read_text(encoding="utf-8")
    assert not [name for name in vars(defaults) if name.startswith("CERT_MANAGER_") and name in source], (
        "the demo host names no plugin setting"
    )
    for name in vars(defaults):
        assert hasattr(settings, name), name
    for filter_type, step in plugin_common.FILTER_STEPS.items():
        assert step in settings.OPEN_EDX_FILTERS_CONFIG[filter_type]["pipeline"]


@pytest.fixture
def blank_settings_module():
    """A throwaway settings module for add_plugins to fill in."""
    module = types.ModuleType("cm_blank_host_settings")
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


@pytest.mark.parametrize(
    "settings_type", [plugin_apps.TEST, plugin_apps.COMMON, plugin_apps.DEVSTACK, plugin_apps.PRODUCTION]
)
def test_add_plugins_finds_a_settings_module_for_each_settings_type(blank_settings_module, settings_type):
    add_plugins(blank_settings_module.__name__, LMS, settings_type)
    assert blank_settings_module.CERT_MANAGER_LMS_BACKEND == "auto"
    assert blank_settings_module.CERT_MANAGER_BATCH_SIZE == 1000
    assert set(plugin_common.FILTER_STEPS) <= set(blank_settings_module.OPEN_EDX_FILTERS_CONFIG)


# --- the demo host's secret key and DEBUG (issue 8, item 10) ---------------------------------------------------

devsite_only = pytest.mark.skipif(
    "devsite.settings" not in sys.modules, reason="the demo host's settings (devsite.settings) are not loaded"
)
PUBLIC_DEMO_KEY = "demo-only-secret-key-not-for-production"
ROOT = DEVSITE.parent


@devsite_only
def test_the_demo_key_is_made_on_first_run_private_and_kept(tmp_path):
    from devsite.settings import secret_key

    path = tmp_path / "var" / "secret_key"
    key = secret_key(path)
    assert len(key) >= 50 and key != PUBLIC_DEMO_KEY
    assert path.stat().st_mode & 0o777 == 0o600
    assert secret_key(path) == key, "kept: the next run signs with the same key"
    assert secret_key(tmp_path / "other") != key, "random: no two installations share one"
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"], "no temporary file left behind"


@devsite_only
def test_processes_starting_together_agree_on_the_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from devsite.settings import secret_key

    path = tmp_path / "secret_key"
    with ThreadPoolExecutor(16) as pool:
        keys = set(pool.map(lambda _: secret_key(path), range(64)))
    assert keys == {path.read_text().strip()}


@devsite_only
def test_an_empty_key_file_is_refused(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from devsite.settings import secret_key

    path = tmp_path / "secret_key"
    path.write_text("\n")
    with pytest.raises(ImproperlyConfigured, match="empty"):
        secret_key(path)


@devsite_only
def test_the_running_host_signs_sessions_and_jwts_with_a_secret_key():
    assert settings.SECRET_KEY and settings.SECRET_KEY != PUBLIC_DEMO_KEY
    assert settings.JWT_AUTH["JWT_ISSUERS"][0]["SECRET_KEY"] == settings.SECRET_KEY
    assert settings.DEBUG is False


def _devsite(code: str, **env: str):
    """Run ``code`` after importing devsite.settings in a fresh interpreter (never touching var/secret_key)."""
    import os
    import subprocess

    environ = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}}
    environ.update({"PYTHONPATH": str(ROOT), "CERT_MANAGER_SETTINGS_TYPE": "devstack", **env})
    return subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


@devsite_only
def test_django_secret_key_wins_and_debug_is_on_only_for_the_demo_server():
    show = "import devsite.settings as s; print(s.SECRET_KEY, s.DEBUG, s.JWT_AUTH['JWT_ISSUERS'][0]['SECRET_KEY'])"
    done = _devsite(show, DJANGO_SECRET_KEY="from-the-environment")
    assert done.stdout.split() == ["from-the-environment", "False", "from-the-environment"], done.stderr
    demo = _devsite("import sys; sys.argv = ['manage.py', 'runserver']; " + show, DJANGO_SECRET_KEY="k")
    assert demo.stdout.split() == ["k", "True", "k"], demo.stderr
    forced = _devsite(show, DJANGO_SECRET_KEY="k", DJANGO_DEBUG="1")
    assert forced.stdout.split()[1] == "True", forced.stderr


@devsite_only
def test_the_demo_host_refuses_to_start_with_the_old_public_key():
    done = _devsite("import devsite.settings", DJANGO_SECRET_KEY=PUBLIC_DEMO_KEY)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "public key" in done.stderr
