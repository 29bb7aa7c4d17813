"""
The operator's check: what in this LMS's configuration would stop the plugin, in plain words, each with its fix.

``operator_check()`` (``manage.py lms cert_manager_check``) returns one ``Finding`` per line it prints:

* ``filters``: each of the plugin's four steps in ``OPEN_EDX_FILTERS_CONFIG[<filter type>]["pipeline"]``;
* ``templates``: the package's templates directory on ``MAKO_TEMPLATE_DIRS_BASE`` (and on the Mako engine's
  ``DIRS``, which the LMS derives from that same list), where the legacy dashboard's ``<%include>`` looks;
* ``dashboard``: which instructor dashboard instructors get (waffle flag ``instructor.legacy_instructor_dashboard``)
  and where the plugin's panel appears in it;
* ``web_certificates``: ``CERTIFICATES_HTML_VIEW`` and, for every course the plugin holds a certificate or a
  learner record of, whether the LMS's link ``/certificates/<uuid>`` reaches the plugin's step (the view first
  needs the course's HTML view on, an active web certificate configuration and ``certificates_viewable_for_course``);
* ``celery``: the queue the plugin's tasks are routed to and whether a worker reads it (asked within ``timeout``);
* ``email``: the edx-ace channel learner emails take, when ``CERT_MANAGER_EMAILS_ENABLED``;
* ``jwt``: ``JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"]``;
* ``idv``: ``ENABLE_CERTIFICATES_IDV_REQUIREMENT``, which the plugin does not honour.

Outside an LMS (the standalone adapter) only ``celery`` and ``jwt`` run, after one line saying the others were
skipped. The cheap, offline part (``filters`` and ``templates``) is also a Django system check, tag
``cert_manager`` (warnings: a deliberate removal must not stop ``migrate``).

The checks live by concern, one module each: ``findings`` (``Finding``, the levels, the checks' names),
``lms_wiring`` (filters, templates), ``lms_pages`` (dashboard, web certificates), ``celery_workers`` (celery),
``ace_email`` (email) and ``identity`` (jwt, idv). This package runs them in order (``operator_check``), registers
the system check and re-exports their public names.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _

from .. import lms
from .ace_email import ACE_CHANNELS_GROUP, ace_email_channels, check_email, email_channel_findings
from .celery_workers import SENT_TASKS, check_celery, task_queues
from .findings import (
    CELERY,
    DASHBOARD,
    EMAIL,
    ERROR,
    FILTERS,
    IDV,
    INFO,
    JWT,
    LEVELS,
    LMS,
    OK,
    TEMPLATES,
    WARNING,
    WEB_CERTIFICATES,
    Finding,
    level_rank,
    worst_level,
)
from .identity import check_idv, check_jwt, idv_findings, jwt_findings
from .lms_pages import (
    FLAG_OFF,
    FLAG_ON,
    FLAG_SOME,
    LEGACY_DASHBOARD_FLAG,
    check_dashboard,
    check_web_certificates,
    dashboard_findings,
    feature,
    legacy_dashboard_flag,
    managed_course_keys,
    web_certificate_finding,
    web_certificate_findings,
)
from .lms_wiring import check_filter_steps, check_templates, pipeline_steps, templates_dir

if TYPE_CHECKING:
    from celery import Celery

__all__ = [
    "ACE_CHANNELS_GROUP",
    "CELERY",
    "DASHBOARD",
    "EMAIL",
    "ERROR",
    "FILTERS",
    "FILTER_STEP_MISSING",
    "FLAG_OFF",
    "FLAG_ON",
    "FLAG_SOME",
    "IDV",
    "INFO",
    "JWT",
    "LEGACY_DASHBOARD_FLAG",
    "LEVELS",
    "LMS",
    "OK",
    "SENT_TASKS",
    "TEMPLATES",
    "TEMPLATES_MISSING",
    "WARNING",
    "WEB_CERTIFICATES",
    "Finding",
    "ace_email_channels",
    "check_celery",
    "check_dashboard",
    "check_email",
    "check_filter_steps",
    "check_idv",
    "check_jwt",
    "check_lms_configuration",
    "check_templates",
    "check_web_certificates",
    "dashboard_findings",
    "email_channel_findings",
    "feature",
    "idv_findings",
    "inside_lms",
    "jwt_findings",
    "legacy_dashboard_flag",
    "level_rank",
    "managed_course_keys",
    "operator_check",
    "pipeline_steps",
    "task_queues",
    "templates_dir",
    "web_certificate_finding",
    "web_certificate_findings",
    "worst_level",
]

log = logging.getLogger(__name__)


# --- all together -------------------------------------------------------------------------------------------


def _guarded(check: str, run: Callable[[], list[Finding]]) -> list[Finding]:
    """``run()``, or one warning saying the check itself failed (the other checks still run)."""
    try:
        return run()
    except DatabaseError as exc:  # a table the check reads is missing: the LMS was not migrated
        log.debug("cert_manager_check: the %s check could not read the database", check, exc_info=True)
        message = _("The {check} check could not read the database: {error}.")
        fix = _("Run the LMS's migrations (./manage.py lms migrate), then this check again.")
        return [_check_failed(check, "database", message, fix, exc)]
    except Exception as exc:  # one broken check must not hide the others
        log.warning("cert_manager_check: the %s check failed", check, exc_info=True)
        message = _("The {check} check could not run: {error}.")
        fix = _("Its traceback is in the log; please report it with the plugin's version.")
        return [_check_failed(check, "failed", message, fix, exc)]


def _check_failed(check: str, code: str, message: str, fix: str, exc: Exception) -> Finding:
    """The warning that stands for a check that could not finish (``message`` names ``{check}`` and ``{error}``)."""
    return Finding(
        check=check,
        level=WARNING,
        code=f"{check}.{code}",
        message=message.format(check=check, error=f"{type(exc).__name__}: {exc}"),
        fix=fix,
    )


def inside_lms() -> bool:
    """Whether the LMS adapter in use says the plugin runs inside the LMS (its ``inside_lms`` capability)."""
    return lms.inside_lms()


def operator_check(*, timeout: float = 2.0, app: Celery | None = None) -> list[Finding]:
    """
    Check this host's configuration for the plugin: one ``Finding`` per line of ``cert_manager_check``.

    Args:
        timeout: seconds given to the Celery broker, then to its workers' replies.
        app: the Celery app to check; the current one (the LMS's) when None.

    Returns:
        The findings in the order of the checks (filters, templates, dashboard, web certificates, Celery,
        email, JWT, ID verification); outside an LMS one ``lms.standalone`` line replaces the LMS-only checks.
    """
    inside = inside_lms()
    findings: list[Finding] = []
    if inside:
        findings += _guarded(FILTERS, check_filter_steps)
        findings += _guarded(TEMPLATES, check_templates)
        findings += _guarded(DASHBOARD, check_dashboard)
        findings += _guarded(WEB_CERTIFICATES, check_web_certificates)
    else:
        findings.append(
            Finding(
                check=LMS,
                level=INFO,
                code="lms.standalone",
                message=_(
                    "Not inside an LMS (the standalone adapter): the filter, template, dashboard, web certificate, "
                    "email and ID verification checks are skipped."
                ),
            )
        )
    worker_command = "lms.celery" if inside else "<your Celery app>"
    findings += _guarded(CELERY, lambda: check_celery(app, timeout, worker_command=worker_command))
    if inside:
        findings += _guarded(EMAIL, check_email)
    findings += _guarded(JWT, check_jwt)
    if inside:
        findings += _guarded(IDV, check_idv)
    return findings


# --- the system check (manage.py check, migrate, runserver) ------------------------------------------------------

#: System check ids: a filter step is missing; the templates directory is not where edxmako looks.
FILTER_STEP_MISSING = "cert_manager.W101"
TEMPLATES_MISSING = "cert_manager.W102"


@checks.register("cert_manager")
def check_lms_configuration(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """
    Inside the LMS, a warning per missing filter step and for a templates directory edxmako would not search.

    Settings only: no database, no network. Warnings, not errors: leaving a step out is how an operator gives a
    feature back to the LMS, and that must not stop ``migrate``.
    """
    if not inside_lms():
        return []
    ids = {FILTERS: FILTER_STEP_MISSING, TEMPLATES: TEMPLATES_MISSING}
    return [
        checks.Warning(finding.message, hint=finding.fix, id=ids[finding.check])
        for finding in check_filter_steps() + check_templates()
        if finding.level == ERROR
    ]
