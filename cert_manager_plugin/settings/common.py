"""
Settings common to every environment (edx-django-utils ``plugin_settings`` hook).

The LMS applies the hooks in its own order (``lms/envs/common.py`` runs COMMON; ``production.py`` imports
common's names, reads the operator's YAML into ``ENV_TOKENS`` and runs PRODUCTION; ``devstack.py`` and
``test.py`` run theirs after that). So every default here must be right whichever hook runs last: none of
them depends on the settings type, and the adapter is chosen at run time (``"auto"``) from the installed apps.
The defaults themselves are declared once, in ``cert_manager_plugin.conf``.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from ..conf import host_defaults

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

#: The plugin's defaults the host gets (``conf.SETTINGS`` says what each means and how it is read); a value the
#: host already set wins.
DEFAULTS: dict[str, object] = host_defaults()


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
