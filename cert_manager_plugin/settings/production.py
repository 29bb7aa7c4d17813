"""Production settings: read operator overrides from the LMS's ``ENV_TOKENS`` where present."""

from .common import plugin_settings as common_settings

OVERRIDABLE = (
    "CERT_MANAGER_LMS_BACKEND",
    "CERT_MANAGER_BATCH_SIZE",
    "CERT_MANAGER_CELERY_QUEUE",
    "CERT_MANAGER_RUN_INLINE",
    "CERT_MANAGER_COALESCE_SECONDS",
    "CERT_MANAGER_JOB_STALE_SECONDS",
    "CERT_MANAGER_CSV_MAX_BYTES",
    "CERT_MANAGER_CSV_MAX_ROWS",
    "CERT_MANAGER_BASE_URL",
    "CERT_MANAGER_EXPORT_DIR",
    "CERT_MANAGER_EMAILS_ENABLED",
    "CERT_MANAGER_PDF_UNICODE_FONT",
)


def plugin_settings(settings) -> None:
    """Inside the LMS the edx-platform adapter is the default; ENV_TOKENS may override any setting."""
    if not hasattr(settings, "CERT_MANAGER_LMS_BACKEND"):
        settings.CERT_MANAGER_LMS_BACKEND = "edx_platform"
    common_settings(settings)
    env_tokens = getattr(settings, "ENV_TOKENS", {}) or {}
    for name in OVERRIDABLE:
        if name in env_tokens:
            setattr(settings, name, env_tokens[name])
