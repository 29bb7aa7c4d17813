"""Settings common to every environment (edx-django-utils ``plugin_settings`` hook)."""


def plugin_settings(settings) -> None:
    """Set the plugin's defaults on the host's settings module, keeping any value the host set."""
    defaults = {
        # Which LMS adapter serves users, roles, courses and backfill: "standalone" (the plugin's own
        # tables; demo and tests) or "edx_platform" (inside the LMS).
        "CERT_MANAGER_LMS_BACKEND": "standalone",
        # Learners reconciled per batch by the set-based engine.
        "CERT_MANAGER_BATCH_SIZE": 1000,
        # Celery queue for the plugin's tasks; None means the host's default queue.
        "CERT_MANAGER_CELERY_QUEUE": None,
        # Run jobs in-process (no broker). True for the demo and unit tests.
        "CERT_MANAGER_RUN_INLINE": False,
        # Seconds a grade-change burst for one learner is coalesced before reconciling.
        "CERT_MANAGER_COALESCE_SECONDS": 5,
        # Seconds without a heartbeat after which a running job counts as dead.
        "CERT_MANAGER_JOB_STALE_SECONDS": 300,
        # Bulk exception CSV limits.
        "CERT_MANAGER_CSV_MAX_BYTES": 5 * 1024 * 1024,
        "CERT_MANAGER_CSV_MAX_ROWS": 50_000,
        # Base URL used to build absolute links (verify, PDF) in events and emails.
        "CERT_MANAGER_BASE_URL": "",
        # Where export files are written.
        "CERT_MANAGER_EXPORT_DIR": None,
        # Email learners when their certificate is issued, updated or revoked.
        "CERT_MANAGER_EMAILS_ENABLED": False,
        # A TrueType font file for names outside Latin-1 (e.g. CJK) on PDFs; None uses the standard fonts.
        "CERT_MANAGER_PDF_UNICODE_FONT": None,
    }
    for name, value in defaults.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
