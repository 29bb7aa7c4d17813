"""Django app configuration, registered with the LMS through the edx-django-utils plugin system."""

from importlib import import_module

from django.apps import AppConfig

# The LMS's plugin constants (edx-platform: openedx.core.djangoapps.plugins.constants.ProjectType /
# SettingsType); spelled out so the plugin does not import edx-platform.
LMS = "lms.djangoapp"
COMMON, PRODUCTION, TEST, DEVSTACK = "common", "production", "test", "devstack"

OPENEDX_SIGNALS = "openedx_events.learning.signals"
RECEIVERS = [
    ("on_enrollment_created", "COURSE_ENROLLMENT_CREATED"),
    ("on_enrollment_changed", "COURSE_ENROLLMENT_CHANGED"),
    ("on_unenrollment_completed", "COURSE_UNENROLLMENT_COMPLETED"),
    ("on_persistent_grade_summary_changed", "PERSISTENT_GRADE_SUMMARY_CHANGED"),
    ("on_course_passing_status_updated", "COURSE_PASSING_STATUS_UPDATED"),
]


class CertManagerConfig(AppConfig):
    """The cert_manager_plugin app."""

    name = "cert_manager_plugin"
    verbose_name = "Certificate manager"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        "url_config": {
            LMS: {
                "namespace": "cert_manager",
                "regex": r"^",
                "relative_path": "urls",
            }
        },
        "settings_config": {
            LMS: {
                COMMON: {"relative_path": "settings.common"},
                PRODUCTION: {"relative_path": "settings.production"},
                DEVSTACK: {"relative_path": "settings.devstack"},
                TEST: {"relative_path": "settings.test"},
            }
        },
        "signals_config": {
            LMS: {
                "relative_path": "receivers",
                "receivers": [
                    {
                        "receiver_func_name": func,
                        "signal_path": f"{OPENEDX_SIGNALS}.{signal}",
                        "dispatch_uid": f"cert_manager_plugin.{func}",
                    }
                    for func, signal in RECEIVERS
                ],
            }
        },
    }

    def import_models(self) -> None:
        """
        Import the app's models: ``models``, the credentials' tables (``credentials.models``) and the designs'.

        Loaded here rather than from ``models`` so that ``models`` imports nothing of ``credentials`` (which reads
        the certificates): the layer contract forbids that cycle. Django registers them with the app's own.
        """
        super().import_models()
        import_module(f"{self.name}.credentials.models")
        import_module(f"{self.name}.designs.models")

    def ready(self) -> None:
        """
        Register the plugin's Celery tasks, system checks, job kinds and the receivers of the LMS's own signals.

        The tasks go on the host's Celery app (jobs hand them over by name); the checks (``conf``: the batch
        size) run with ``manage.py check``; the job kinds defined above the job engine register from their own
        module (``rendering.export``: ``export``; ``designs.jobs``: ``apply_design``; ``job_kinds`` says why); the
        LMS's signals are user retirement (nothing outside the LMS). Learner emails subscribe to the engine's
        ``certificates_committed``; the designs record the current version on the engine's ``certificates_written``.
        """
        from . import conf, receivers, tasks  # noqa: F401
        from .designs import jobs as design_jobs  # noqa: F401 - registers the apply_design job kind
        from .rendering import export  # noqa: F401 - registers the export job kind

        receivers.connect_lms_signals()
        # the layers above the engine subscribe to its announcement; the engine names none of them
        from . import engine, notifications

        engine.certificates_committed.connect(
            notifications.on_certificates_committed, dispatch_uid="cert_manager_plugin.notifications"
        )
        # the credentials' status bits flip inside each batch's transaction (set-based, constant queries)
        from .credentials import status_list

        engine.certificates_written.connect(
            status_list.on_certificates_written, dispatch_uid="cert_manager_plugin.credentials.status_list"
        )
        # the engine's own batches record the course's current design version (one UPDATE a batch); the apply
        # job announces with another sender, so its chosen version stays
        from .designs import recording

        engine.certificates_written.connect(
            recording.on_certificates_written, sender=engine.CertChange, dispatch_uid="cert_manager_plugin.designs"
        )
