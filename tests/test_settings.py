"""
The plugin's settings hooks (common / production / devstack / test).

Here on bare settings objects, in every order the LMS applies them; ``tests/lms_host/test_lms_settings.py``
applies them through the LMS-shaped host's own ``lms/envs`` modules, as edx-platform does.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cert_manager_plugin.settings import common, devstack, production, test

DEFAULTS = {
    "CERT_MANAGER_LMS_BACKEND": "auto",
    "CERT_MANAGER_BATCH_SIZE": 1000,
    "CERT_MANAGER_CELERY_QUEUE": None,
    "CERT_MANAGER_COALESCE_SECONDS": 5,
    "CERT_MANAGER_SWEEP_MIN_GAP": 0.3,
    "CERT_MANAGER_JOB_STALE_SECONDS": 300,
    "CERT_MANAGER_PAUSE_GC": True,
    "CERT_MANAGER_CSV_MAX_BYTES": 5 * 1024 * 1024,
    "CERT_MANAGER_CSV_MAX_ROWS": 50_000,
    "CERT_MANAGER_BASE_URL": "",
    "CERT_MANAGER_EXPORT_DIR": None,
    "CERT_MANAGER_EXPORT_STORAGE": "default",
    "CERT_MANAGER_EMAILS_ENABLED": False,
    "CERT_MANAGER_EMAIL_BATCH_SIZE": 200,
    "CERT_MANAGER_PDF_UNICODE_FONT": None,
    "CERT_MANAGER_PUBLIC_MAX_AGE": 60,
    "CERT_MANAGER_VC_KEY_FILE": None,
    "CERT_MANAGER_VC_DEMO_KEY": False,
    "CERT_MANAGER_VC_ISSUER_DID": "",
    "CERT_MANAGER_VC_ISSUER_NAME": "",
    "CERT_MANAGER_VC_ISSUER_IMAGE": "",
    "CERT_MANAGER_VC_LIST_LENGTH": 131_072,
    "CERT_MANAGER_VC_CHECK_RATE": "30/m",
}
#: The orders edx-platform applies the hooks in: lms/envs/{production,devstack,test}.py all start from common.
LMS_ORDERS = {
    "common→production": (common, production),
    "common→production→devstack": (common, production, devstack),
    "common→test": (common, test),
}
OPERATOR_STEP = "operator_plugin.filters.SomethingElse"


def _settings(**values) -> SimpleNamespace:
    return SimpleNamespace(**values)


def _cert_manager(host: SimpleNamespace) -> dict:
    return {k: v for k, v in vars(host).items() if k.startswith("CERT_MANAGER_")}


def _apply(host, hooks) -> SimpleNamespace:
    for hook in hooks:
        hook.plugin_settings(host)
    return host


def test_common_sets_every_default_on_a_bare_host():
    host = _apply(_settings(), [common])
    assert _cert_manager(host) == DEFAULTS


@pytest.mark.parametrize("order", LMS_ORDERS)
def test_every_lms_order_ends_with_the_same_defaults_and_the_filter_steps(order):
    host = _apply(_settings(), LMS_ORDERS[order])
    assert _cert_manager(host) == DEFAULTS
    assert host.CERT_MANAGER_LMS_BACKEND == "auto", "the adapter is picked at run time from the installed apps"
    for filter_type, step in common.FILTER_STEPS.items():
        assert host.OPEN_EDX_FILTERS_CONFIG[filter_type] == {"fail_silently": True, "pipeline": [step]}


def test_common_keeps_what_the_host_already_set():
    host = _settings(CERT_MANAGER_BATCH_SIZE=250, CERT_MANAGER_CELERY_QUEUE="edx.lms.core.low", UNRELATED=1)
    common.plugin_settings(host)
    assert host.CERT_MANAGER_BATCH_SIZE == 250
    assert host.CERT_MANAGER_CELERY_QUEUE == "edx.lms.core.low"
    assert host.UNRELATED == 1
    assert host.CERT_MANAGER_CSV_MAX_ROWS == DEFAULTS["CERT_MANAGER_CSV_MAX_ROWS"]


@pytest.mark.parametrize("order", LMS_ORDERS)
def test_an_operator_backend_choice_survives_every_order(order):
    host = _apply(_settings(CERT_MANAGER_LMS_BACKEND="standalone"), LMS_ORDERS[order])
    assert host.CERT_MANAGER_LMS_BACKEND == "standalone"


def test_production_reads_overrides_from_env_tokens_after_common_set_the_defaults():
    host = _apply(_settings(CERT_MANAGER_BATCH_SIZE=250), [common])
    host.ENV_TOKENS = {
        "CERT_MANAGER_BATCH_SIZE": 2000,
        "CERT_MANAGER_CELERY_QUEUE": "edx.lms.core.high",
        "CERT_MANAGER_LMS_BACKEND": "edx_platform",
        "CERT_MANAGER_BASE_URL": "https://lms.example.com",
        "SOMETHING_ELSE": "ignored",
    }
    production.plugin_settings(host)
    assert host.CERT_MANAGER_BATCH_SIZE == 2000, "ENV_TOKENS win over the host's python settings and the defaults"
    assert host.CERT_MANAGER_CELERY_QUEUE == "edx.lms.core.high"
    assert host.CERT_MANAGER_LMS_BACKEND == "edx_platform"
    assert host.CERT_MANAGER_BASE_URL == "https://lms.example.com"
    assert not hasattr(host, "SOMETHING_ELSE")
    assert host.CERT_MANAGER_JOB_STALE_SECONDS == DEFAULTS["CERT_MANAGER_JOB_STALE_SECONDS"]


@pytest.mark.parametrize("env_tokens", [None, {}])
def test_production_without_env_tokens_uses_the_defaults(env_tokens):
    host = _apply(_settings(ENV_TOKENS=env_tokens), [common, production])
    assert host.CERT_MANAGER_BATCH_SIZE == DEFAULTS["CERT_MANAGER_BATCH_SIZE"]


def test_every_setting_can_come_from_env_tokens():
    assert set(production.OVERRIDABLE) == set(DEFAULTS)


def test_devstack_is_production_again():
    host = _apply(_settings(), [common, production])
    host.ENV_TOKENS = {"CERT_MANAGER_COALESCE_SECONDS": 1}
    devstack.plugin_settings(host)
    assert host.CERT_MANAGER_COALESCE_SECONDS == 1


# --- OPEN_EDX_FILTERS_CONFIG: our steps added, the operator's kept -------------------------------------


DASHBOARD = "org.openedx.learning.instructor.dashboard.render.started.v1"
CREATION = "org.openedx.learning.certificate.creation.requested.v1"


@pytest.mark.parametrize(
    "operator_config",
    [
        {"fail_silently": False, "pipeline": [OPERATOR_STEP], "log_level": "debug"},
        [OPERATOR_STEP],  # openedx-filters also accepts a bare list
        OPERATOR_STEP,  # and a single dotted path
    ],
)
def test_the_operators_steps_and_options_are_kept(operator_config):
    host = _apply(_settings(OPEN_EDX_FILTERS_CONFIG={DASHBOARD: operator_config}), [common])
    config = host.OPEN_EDX_FILTERS_CONFIG[DASHBOARD]
    assert config["pipeline"] == [OPERATOR_STEP, common.FILTER_STEPS[DASHBOARD]]
    if isinstance(operator_config, dict):
        assert config["fail_silently"] is False and config["log_level"] == "debug"


def test_steps_are_added_once_whatever_the_number_of_hooks():
    host = _apply(_settings(), [common, production, devstack, test, common])
    assert host.OPEN_EDX_FILTERS_CONFIG[CREATION]["pipeline"] == [common.FILTER_STEPS[CREATION]]


def test_production_re_adds_the_steps_when_the_yaml_replaced_the_config():
    """production.py loads the operator's YAML after COMMON ran: its OPEN_EDX_FILTERS_CONFIG replaces ours."""
    host = _apply(_settings(), [common])
    host.OPEN_EDX_FILTERS_CONFIG = {"org.openedx.learning.course.enrollment.started.v1": [OPERATOR_STEP]}
    production.plugin_settings(host)
    assert host.OPEN_EDX_FILTERS_CONFIG["org.openedx.learning.course.enrollment.started.v1"] == [OPERATOR_STEP]
    assert set(common.FILTER_STEPS) <= set(host.OPEN_EDX_FILTERS_CONFIG)


def test_the_hooks_never_modify_the_operators_dict_in_place():
    mine = {DASHBOARD: {"pipeline": [OPERATOR_STEP]}}
    _apply(_settings(OPEN_EDX_FILTERS_CONFIG=mine), [common])
    assert mine == {DASHBOARD: {"pipeline": [OPERATOR_STEP]}}


def test_every_step_path_imports():
    from django.utils.module_loading import import_string
    from openedx_filters import PipelineStep

    for path in common.FILTER_STEPS.values():
        assert issubclass(import_string(path), PipelineStep), path


# --- no start with the demo's public secret key (issue 8, item 10) -------------------------------------------


@pytest.mark.parametrize(
    "hooks", [(common, production), (common, production, devstack)], ids=["production", "devstack"]
)
@pytest.mark.parametrize("key", ["demo-only-secret-key-not-for-production", "", "   ", None])
def test_production_refuses_the_public_demo_key_or_an_empty_one(hooks, key):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _apply(_settings(SECRET_KEY=key), hooks)


def test_production_accepts_a_real_key_and_leaves_a_missing_one_to_django():
    host = _apply(_settings(SECRET_KEY="a-real-and-secret-random-key"), [common, production])
    assert host.CERT_MANAGER_BATCH_SIZE == DEFAULTS["CERT_MANAGER_BATCH_SIZE"]
    _apply(_settings(), [common, production])  # SECRET_KEY not set yet: Django refuses it when used


def test_the_refusal_names_the_way_out():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured) as info:
        production.plugin_settings(_settings(SECRET_KEY=production.PUBLIC_DEMO_SECRET_KEY))
    assert "public" in str(info.value) and "DJANGO_SECRET_KEY" in str(info.value)


# --- the Mako templates directory (edxmako's lookup is MAKO_TEMPLATE_DIRS_BASE only) ---------------------------


@pytest.mark.parametrize("order", LMS_ORDERS)
def test_the_templates_dir_is_appended_in_place_once_in_every_order(order):
    """In place: the Mako backend's DIRS are the same list object, so a new list would never reach the lookup."""
    lms_dirs = ["/edx/app/edxapp/lms/templates"]
    host = _apply(_settings(MAKO_TEMPLATE_DIRS_BASE=lms_dirs, SECRET_KEY="k" * 50), LMS_ORDERS[order])
    assert host.MAKO_TEMPLATE_DIRS_BASE is lms_dirs
    assert lms_dirs == ["/edx/app/edxapp/lms/templates", common.TEMPLATES_DIR]
    assert (common.TEMPLATES_DIR / "cert_manager_plugin/instructor_dashboard/cert_manager.html").is_file()


def test_a_host_without_mako_dirs_gets_none():
    """The demo host is not an LMS: no MAKO_TEMPLATE_DIRS_BASE is invented."""
    host = SimpleNamespace()
    common.plugin_settings(host)
    assert not hasattr(host, "MAKO_TEMPLATE_DIRS_BASE")
