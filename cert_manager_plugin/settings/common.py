"""
Settings common to every environment (edx-django-utils ``plugin_settings`` hook).

The LMS applies the hooks in its own order (``lms/envs/common.py`` runs COMMON; ``production.py`` imports
common's names, reads the operator's YAML into ``ENV_TOKENS`` and runs PRODUCTION; ``devstack.py`` and
``test.py`` run theirs after that). So every default here must be right whichever hook runs last: none of
them depends on the settings type, and the adapter is chosen at run time (``"auto"``) from the installed apps.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

#: The package's templates directory: the legacy instructor dashboard's Mako ``<%include>`` of our section
#: (``/cert_manager_plugin/instructor_dashboard/cert_manager.html``) is looked up there.
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

#: Filter steps the plugin adds to ``OPEN_EDX_FILTERS_CONFIG`` (openedx-filters), keeping the operator's.
FILTER_STEPS: dict[str, str] = {
    # legacy instructor dashboard: a "Certificates" section in place of the LMS's own
    "org.openedx.learning.instructor.dashboard.render.started.v1": (
        "cert_manager_plugin.dashboard.filters.CertificatesInstructorSection"
    ),
    # instructor dashboard MFE: a "Certificates" tab in place of the LMS's own
    "org.openedx.learning.instructor.dashboard.tabs.requested.v1": (
        "cert_manager_plugin.dashboard.filters.CertificatesInstructorTab"
    ),
    # the LMS's certificate link /certificates/{verify_uuid} shows our web certificate
    "org.openedx.learning.certificate.render.started.v1": (
        "cert_manager_plugin.dashboard.filters.RedirectToOurCertificate"
    ),
    # the LMS's own generator leaves managed courses alone
    "org.openedx.learning.certificate.creation.requested.v1": (
        "cert_manager_plugin.dashboard.filters.StopLmsCertificateGeneration"
    ),
}

DEFAULTS: dict[str, object] = {
    # Which LMS adapter serves users, roles, courses and backfill: "auto" picks "edx_platform" when
    # edx-platform's apps are installed (inside the LMS, in every settings order) and "standalone" (the
    # plugin's own tables: the demo host and the tests) otherwise. A name or a dotted class path forces one.
    "CERT_MANAGER_LMS_BACKEND": "auto",
    # Learners reconciled per batch by the set-based engine.
    "CERT_MANAGER_BATCH_SIZE": 1000,
    # Celery queue for the plugin's tasks; None means the host's default queue. Tasks follow the host's
    # Celery app: eager apps run them in-process, others send them to their broker.
    "CERT_MANAGER_CELERY_QUEUE": None,
    # Seconds a grade-change burst for one learner is coalesced before reconciling.
    "CERT_MANAGER_COALESCE_SECONDS": 5,
    # Seconds without a heartbeat after which a running job counts as dead.
    "CERT_MANAGER_JOB_STALE_SECONDS": 300,
    # Bulk exception CSV limits.
    "CERT_MANAGER_CSV_MAX_BYTES": 5 * 1024 * 1024,
    "CERT_MANAGER_CSV_MAX_ROWS": 50_000,
    # Base URL used to build absolute links (verify, PDF) in events and emails.
    "CERT_MANAGER_BASE_URL": "",
    # Deprecated: a local directory for export files (a FileSystemStorage on it); use the setting below.
    "CERT_MANAGER_EXPORT_DIR": None,
    # The STORAGES alias export files are saved to ("default": default_storage; e.g. an S3 entry).
    "CERT_MANAGER_EXPORT_STORAGE": "default",
    # Email learners when their certificate is issued, updated or revoked.
    "CERT_MANAGER_EMAILS_ENABLED": False,
    # Learners mailed per Celery task (cert_manager_plugin.tasks.send_certificate_emails).
    "CERT_MANAGER_EMAIL_BATCH_SIZE": 200,
    # A TrueType font file for names outside Latin-1 (e.g. CJK) on PDFs; None uses the standard fonts.
    "CERT_MANAGER_PDF_UNICODE_FONT": None,
    # Seconds a public certificate response (verify API, verification page, web certificate, PDF) may be served
    # from a browser's or a shared cache: how long a revocation may take to show (cert_manager_plugin.caching).
    "CERT_MANAGER_PUBLIC_MAX_AGE": 60,
}


def set_defaults(settings: ModuleType) -> None:
    """Give the host every plugin default it does not set itself."""
    for name, value in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)


def add_filter_steps(settings: ModuleType) -> None:
    """
    Add the plugin's steps to ``OPEN_EDX_FILTERS_CONFIG``, keeping every step and option the operator set.

    Idempotent, so every hook can run it: the PRODUCTION hook must, because ``production.py`` may replace the
    whole dict from the operator's YAML after COMMON ran. A filter configured as a list or a string (both
    accepted by openedx-filters) becomes the dict form with the same steps. Our steps come last and a filter
    we add keeps ``fail_silently`` True: a broken step never breaks an LMS page.
    """
    config = dict(getattr(settings, "OPEN_EDX_FILTERS_CONFIG", None) or {})
    for filter_type, step in FILTER_STEPS.items():
        current = config.get(filter_type) or {}
        if isinstance(current, str):
            current = {"pipeline": [current]}
        elif isinstance(current, list | tuple):
            current = {"pipeline": list(current)}
        else:
            current = dict(current)
        pipeline = list(current.get("pipeline") or [])
        if step not in pipeline:
            pipeline.append(step)
        config[filter_type] = {"fail_silently": True, **current, "pipeline": pipeline}
    settings.OPEN_EDX_FILTERS_CONFIG = config


def add_mako_templates(settings: ModuleType) -> None:
    """
    Append the package's templates directory to the LMS's ``MAKO_TEMPLATE_DIRS_BASE``, in place, once.

    edxmako's lookup (``EdxMakoConfig.ready``) is built from the Mako backend's ``DIRS`` only, with ``APP_DIRS``
    off, and those ``DIRS`` are ``MAKO_TEMPLATE_DIRS_BASE`` itself (``make_mako_template_dirs`` in
    openedx/envs/common.py, openedx/openedx-platform 0012533516d08010c876256ef79c33ca166783c5): an in-place append
    reaches the lookup, a new list would not. openedx/platform-plugin-aspects does the same in its COMMON hook.
    A host without the setting (the demo host, not an LMS) is left alone.
    """
    dirs = getattr(settings, "MAKO_TEMPLATE_DIRS_BASE", None)
    if not isinstance(dirs, list):
        return
    if all(not isinstance(d, str | Path) or Path(d) != TEMPLATES_DIR for d in dirs):
        dirs.append(TEMPLATES_DIR)


def plugin_settings(settings: ModuleType) -> None:
    """Set the plugin's defaults (keeping the host's values), its filter steps and its Mako templates directory."""
    set_defaults(settings)
    add_filter_steps(settings)
    add_mako_templates(settings)
