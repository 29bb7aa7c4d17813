"""The plugin's settings hooks (common / production / test) applied to a bare host settings object."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cert_manager_plugin.settings import common, production, test

DEFAULTS = {
    "CERT_MANAGER_LMS_BACKEND": "standalone",
    "CERT_MANAGER_BATCH_SIZE": 1000,
    "CERT_MANAGER_CELERY_QUEUE": None,
    "CERT_MANAGER_RUN_INLINE": False,
    "CERT_MANAGER_COALESCE_SECONDS": 5,
    "CERT_MANAGER_JOB_STALE_SECONDS": 300,
    "CERT_MANAGER_CSV_MAX_BYTES": 5 * 1024 * 1024,
    "CERT_MANAGER_CSV_MAX_ROWS": 50_000,
    "CERT_MANAGER_BASE_URL": "",
    "CERT_MANAGER_EXPORT_DIR": None,
    "CERT_MANAGER_EMAILS_ENABLED": False,
    "CERT_MANAGER_PDF_UNICODE_FONT": None,
}


def _settings(**values) -> SimpleNamespace:
    return SimpleNamespace(**values)


def _cert_manager(host: SimpleNamespace) -> dict:
    return {k: v for k, v in vars(host).items() if k.startswith("CERT_MANAGER_")}


def test_common_sets_every_default_on_a_bare_host():
    host = _settings()
    common.plugin_settings(host)
    assert _cert_manager(host) == DEFAULTS


def test_common_keeps_what_the_host_already_set():
    host = _settings(CERT_MANAGER_BATCH_SIZE=250, CERT_MANAGER_CELERY_QUEUE="edx.lms.core.low", UNRELATED=1)
    common.plugin_settings(host)
    assert host.CERT_MANAGER_BATCH_SIZE == 250
    assert host.CERT_MANAGER_CELERY_QUEUE == "edx.lms.core.low"
    assert host.UNRELATED == 1
    assert host.CERT_MANAGER_CSV_MAX_ROWS == DEFAULTS["CERT_MANAGER_CSV_MAX_ROWS"]


def test_production_defaults_to_the_edx_platform_adapter():
    host = _settings()
    production.plugin_settings(host)
    assert host.CERT_MANAGER_LMS_BACKEND == "edx_platform"
    assert _cert_manager(host) == {**DEFAULTS, "CERT_MANAGER_LMS_BACKEND": "edx_platform"}


def test_production_keeps_a_backend_the_host_chose():
    host = _settings(CERT_MANAGER_LMS_BACKEND="standalone")
    production.plugin_settings(host)
    assert host.CERT_MANAGER_LMS_BACKEND == "standalone"


def test_production_reads_overrides_from_env_tokens():
    host = _settings(
        CERT_MANAGER_BATCH_SIZE=250,
        ENV_TOKENS={
            "CERT_MANAGER_BATCH_SIZE": 2000,
            "CERT_MANAGER_CELERY_QUEUE": "edx.lms.core.high",
            "CERT_MANAGER_LMS_BACKEND": "standalone",
            "CERT_MANAGER_BASE_URL": "https://lms.example.com",
            "SOMETHING_ELSE": "ignored",
        },
    )
    production.plugin_settings(host)
    assert host.CERT_MANAGER_BATCH_SIZE == 2000, "ENV_TOKENS win over the host's python settings"
    assert host.CERT_MANAGER_CELERY_QUEUE == "edx.lms.core.high"
    assert host.CERT_MANAGER_LMS_BACKEND == "standalone"
    assert host.CERT_MANAGER_BASE_URL == "https://lms.example.com"
    assert not hasattr(host, "SOMETHING_ELSE")
    assert host.CERT_MANAGER_JOB_STALE_SECONDS == DEFAULTS["CERT_MANAGER_JOB_STALE_SECONDS"]


@pytest.mark.parametrize("env_tokens", [None, {}])
def test_production_without_env_tokens_uses_the_defaults(env_tokens):
    host = _settings(ENV_TOKENS=env_tokens)
    production.plugin_settings(host)
    assert host.CERT_MANAGER_BATCH_SIZE == DEFAULTS["CERT_MANAGER_BATCH_SIZE"]


def test_every_production_override_is_a_known_setting():
    assert set(production.OVERRIDABLE) == set(DEFAULTS)


def test_test_settings_run_jobs_inline_even_when_the_host_said_otherwise():
    host = _settings(CERT_MANAGER_RUN_INLINE=False, CERT_MANAGER_BATCH_SIZE=10)
    test.plugin_settings(host)
    assert host.CERT_MANAGER_RUN_INLINE is True
    assert host.CERT_MANAGER_BATCH_SIZE == 10
    assert host.CERT_MANAGER_LMS_BACKEND == "standalone"
