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
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import dispatch, lms
from .settings.common import FILTER_STEPS, TEMPLATES_DIR

if TYPE_CHECKING:
    from celery import Celery
    from opaque_keys.edx.keys import CourseKey

    from .lms_inspect import WebCertificateState

log = logging.getLogger(__name__)

# --- findings ---------------------------------------------------------------------------------------------

OK, INFO, WARNING, ERROR = "ok", "info", "warning", "error"
#: Levels from least to most serious; ``--fail-level`` compares positions in this tuple.
LEVELS: tuple[str, ...] = (OK, INFO, WARNING, ERROR)

FILTERS, TEMPLATES, DASHBOARD, WEB_CERTIFICATES = "filters", "templates", "dashboard", "web_certificates"
CELERY, EMAIL, JWT, IDV, LMS = "celery", "email", "jwt", "idv", "lms"


@dataclass(frozen=True)
class Finding:
    """
    One line of the operator's check.

    Attributes:
        check: which check found it (``filters``, ``templates``, ``dashboard``, ``web_certificates``, ``celery``,
            ``email``, ``jwt``, ``idv``, ``lms``).
        level: ``ok``, ``info``, ``warning`` or ``error`` (``LEVELS``).
        code: a stable identifier for scripts, e.g. ``filters.step_missing``.
        message: what was found and what it does to the plugin, in plain words (translated).
        fix: what to do about it (translated); empty when nothing is to be done.
        course_id: the course the finding is about, if one.
    """

    check: str
    level: str
    code: str
    message: str
    fix: str = ""
    course_id: str = ""


def level_rank(level: str) -> int:
    """The position of ``level`` in ``LEVELS`` (an unknown level counts as an error)."""
    return LEVELS.index(level) if level in LEVELS else len(LEVELS) - 1


def worst_level(levels: Iterable[str]) -> str:
    """The most serious of ``levels`` (``ok`` when there is none)."""
    return max(levels, key=level_rank, default=OK)


# --- a. filter steps --------------------------------------------------------------------------------------


def _consequence(filter_type: str) -> str:
    """What the LMS does without the plugin's step of ``filter_type``."""
    consequences = {
        "org.openedx.learning.instructor.dashboard.render.started.v1": _(
            "the legacy instructor dashboard shows the LMS's own Certificates section instead of the plugin's panel"
        ),
        "org.openedx.learning.instructor.dashboard.tabs.requested.v1": _(
            "the instructor dashboard MFE shows the LMS's own Certificates tab instead of the plugin's panel"
        ),
        "org.openedx.learning.certificate.render.started.v1": _(
            "the LMS's certificate link /certificates/<uuid> shows the LMS's own page instead of the plugin's "
            "web certificate"
        ),
        "org.openedx.learning.certificate.creation.requested.v1": _(
            "the LMS's own certificate generator writes the certificates of the plugin's courses, and the two disagree"
        ),
    }
    return consequences.get(filter_type, _("the plugin's part of this filter does not run"))


def pipeline_steps(value: object) -> list[str]:
    """
    The steps of one ``OPEN_EDX_FILTERS_CONFIG`` entry, in every form openedx-filters accepts.

    A dict's ``pipeline`` (a list or one dotted path), a list of paths, or one path; anything else has none.
    """
    if isinstance(value, dict):
        value = value.get("pipeline")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [step for step in value if isinstance(step, str)]
    return []


def check_filter_steps(config: object = None) -> list[Finding]:
    """
    One error per filter type whose pipeline lacks the plugin's step, else one ``ok`` line.

    Args:
        config: the ``OPEN_EDX_FILTERS_CONFIG`` to check; the setting when None.
    """
    if config is None:
        config = getattr(settings, "OPEN_EDX_FILTERS_CONFIG", None)
    if not isinstance(config, dict):
        config = {}
    findings = []
    for filter_type, step in FILTER_STEPS.items():
        if step in pipeline_steps(config.get(filter_type)):
            continue
        findings.append(
            Finding(
                check=FILTERS,
                level=ERROR,
                code="filters.step_missing",
                message=_(
                    'The step {step} is missing from OPEN_EDX_FILTERS_CONFIG["{filter_type}"]["pipeline"]: '
                    "{consequence}."
                ).format(step=step, filter_type=filter_type, consequence=_consequence(filter_type)),
                fix=_(
                    'Add "{step}" to that pipeline in the settings file that sets OPEN_EDX_FILTERS_CONFIG last. '
                    "An OPEN_EDX_FILTERS_CONFIG in lms.yml replaces the whole dict after the plugin's COMMON "
                    "settings hook; its PRODUCTION hook adds the steps back, so a file read after it (private.py, "
                    "a Tutor patch) removed this one. Leave it out only to give this feature back to the LMS."
                ).format(step=step),
            )
        )
    if not findings:
        findings.append(
            Finding(
                check=FILTERS,
                level=OK,
                code="filters.ok",
                message=_("The plugin's {count} filter steps are in OPEN_EDX_FILTERS_CONFIG.").format(
                    count=len(FILTER_STEPS)
                ),
            )
        )
    return findings


# --- b. Mako templates directory --------------------------------------------------------------------------


def templates_dir() -> Path:
    """The package's templates directory: what the plugin's settings hooks append for the LMS's Mako."""
    return TEMPLATES_DIR


def _holds(directories: Iterable[object], wanted: Path) -> bool:
    """Whether ``directories`` (paths or strings; other items, such as unevaluated settings, are skipped) hold it."""
    target = os.path.normpath(str(wanted))
    return any(isinstance(d, str | os.PathLike) and os.path.normpath(os.fspath(d)) == target for d in directories)


def check_templates(dirs: object = None, templates: object = None) -> list[Finding]:
    """
    An error when the templates directory is not where edxmako looks, else one ``ok`` line.

    Args:
        dirs: the ``MAKO_TEMPLATE_DIRS_BASE`` to check; the setting when None.
        templates: the ``TEMPLATES`` to check (the Mako engine's ``DIRS``); the setting when None.
    """
    wanted = templates_dir()
    if dirs is None:
        dirs = getattr(settings, "MAKO_TEMPLATE_DIRS_BASE", None)
    if templates is None:
        templates = getattr(settings, "TEMPLATES", [])
    consequence = _(
        "the legacy instructor dashboard cannot include the plugin's Certificates section (Mako finds no "
        "cert_manager_plugin/instructor_dashboard/cert_manager.html)"
    )
    if not isinstance(dirs, list | tuple) or not _holds(dirs, wanted):
        return [
            Finding(
                check=TEMPLATES,
                level=ERROR,
                code="templates.missing",
                message=_(
                    "The plugin's templates directory {path} is not in MAKO_TEMPLATE_DIRS_BASE: {consequence}."
                ).format(path=wanted, consequence=consequence),
                fix=_(
                    "The plugin's COMMON settings hook appends it; a settings file that assigns a new "
                    "MAKO_TEMPLATE_DIRS_BASE afterwards drops it. Append to the list in place instead "
                    "(MAKO_TEMPLATE_DIRS_BASE.append(...)), or add {path} back."
                ).format(path=wanted),
            )
        ]
    for engine in templates if isinstance(templates, list | tuple) else []:
        if not isinstance(engine, dict) or "edxmako" not in str(engine.get("BACKEND", "")):
            continue
        engine_dirs = engine.get("DIRS")
        if isinstance(engine_dirs, list | tuple) and not _holds(engine_dirs, wanted):
            return [
                Finding(
                    check=TEMPLATES,
                    level=ERROR,
                    code="templates.engine_dirs",
                    message=_(
                        'The Mako engine "{name}" (TEMPLATES) does not look in {path}, although '
                        "MAKO_TEMPLATE_DIRS_BASE holds it: {consequence}."
                    ).format(name=engine.get("NAME", ""), path=wanted, consequence=consequence),
                    fix=_(
                        "The engine's DIRS are MAKO_TEMPLATE_DIRS_BASE itself until a settings file replaces one of "
                        "them: append to MAKO_TEMPLATE_DIRS_BASE in place, or add {path} to the engine's DIRS."
                    ).format(path=wanted),
                )
            ]
    return [
        Finding(
            check=TEMPLATES,
            level=OK,
            code="templates.ok",
            message=_("The LMS's Mako templates include the plugin's templates directory {path}.").format(path=wanted),
        )
    ]


# --- c. legacy instructor dashboard or MFE ----------------------------------------------------------------

LEGACY_DASHBOARD_FLAG = "instructor.legacy_instructor_dashboard"
#: What the waffle flag gives: nobody, everybody, or some users (its superusers/staff/groups/... rules).
FLAG_OFF, FLAG_ON, FLAG_SOME = "off", "on", "some"


def legacy_dashboard_flag() -> str:
    """
    Who gets the legacy instructor dashboard, read from django-waffle's ``Flag`` of that name.

    No row: waffle's ``WAFFLE_FLAG_DEFAULT`` (off unless set). ``everyone`` Yes/No decides for all; unknown
    (None) leaves it to the flag's rules, which give it to some users only (superusers, by waffle's default).
    """
    import waffle
    from waffle.utils import get_setting

    flag = waffle.get_waffle_flag_model().objects.filter(name=LEGACY_DASHBOARD_FLAG).first()
    if flag is None:
        return FLAG_ON if get_setting("FLAG_DEFAULT") else FLAG_OFF
    if flag.everyone is not None:
        return FLAG_ON if flag.everyone else FLAG_OFF
    rules = (flag.superusers, flag.staff, flag.authenticated, flag.testing, flag.languages, flag.percent)
    if any(rules) or flag.users.exists() or flag.groups.exists():
        return FLAG_SOME
    return FLAG_OFF


def dashboard_findings(state: str, mfe_url: str | None, panel_url: str) -> list[Finding]:
    """
    Which dashboard instructors get and where the plugin's panel is in it (and a missing MFE address).

    Args:
        state: ``legacy_dashboard_flag()``.
        mfe_url: ``INSTRUCTOR_MICROFRONTEND_URL``.
        panel_url: the panel's address, for the message.
    """
    mfe = _(
        "the instructor dashboard MFE, where the plugin's panel is its Certificates tab (in the place of the LMS's): "
        "a link to {panel} that leaves the MFE for a full page"
    ).format(panel=panel_url)
    legacy = _(
        "the legacy instructor dashboard (/courses/<course_id>/instructor), where the plugin's panel is its "
        "Certificates section"
    )
    if state == FLAG_ON:
        message = _("Instructors get {dashboard} (waffle flag {flag} is on for everyone).").format(
            dashboard=legacy, flag=LEGACY_DASHBOARD_FLAG
        )
    elif state == FLAG_SOME:
        message = _("Waffle flag {flag} is on for some users only: they get {legacy}; the others get {mfe}.").format(
            flag=LEGACY_DASHBOARD_FLAG, legacy=legacy, mfe=mfe
        )
    else:
        message = _("Instructors get {dashboard} (waffle flag {flag} is off).").format(
            dashboard=mfe, flag=LEGACY_DASHBOARD_FLAG
        )
    code = {FLAG_ON: "dashboard.legacy", FLAG_SOME: "dashboard.both"}.get(state, "dashboard.mfe")
    findings = [Finding(check=DASHBOARD, level=INFO, code=code, message=message)]
    if state != FLAG_ON and not mfe_url:
        findings.append(
            Finding(
                check=DASHBOARD,
                level=WARNING,
                code="dashboard.mfe_url_missing",
                message=_(
                    "INSTRUCTOR_MICROFRONTEND_URL is not set: the LMS sends instructors from "
                    "/courses/<course_id>/instructor to an address that does not exist, so they reach the "
                    "plugin's panel only at {panel}."
                ).format(panel=panel_url),
                fix=_(
                    "Set INSTRUCTOR_MICROFRONTEND_URL to the instructor dashboard MFE (Tutor's MFE plugin does), or "
                    "turn waffle flag {flag} on for the legacy dashboard."
                ).format(flag=LEGACY_DASHBOARD_FLAG),
            )
        )
    return findings


def check_dashboard() -> list[Finding]:
    """``dashboard_findings`` for this LMS's waffle flag and settings."""
    base = getattr(settings, "CERT_MANAGER_BASE_URL", "") or getattr(settings, "LMS_ROOT_URL", "") or ""
    panel = f"{base.rstrip('/')}/cert_manager/instructor/<course_id>/"
    return dashboard_findings(legacy_dashboard_flag(), getattr(settings, "INSTRUCTOR_MICROFRONTEND_URL", None), panel)


# --- d. the LMS's web certificate link ----------------------------------------------------------------------


def feature(name: str) -> bool:
    """A feature flag: the top-level setting (edx-platform's current form), else ``FEATURES[name]`` (the older)."""
    if hasattr(settings, name):
        return bool(getattr(settings, name))
    features = getattr(settings, "FEATURES", None) or {}
    return bool(features.get(name, False))


def managed_course_keys() -> list[CourseKey]:
    """Every course the plugin holds a certificate or a learner record of, sorted by id."""
    from .models import Certificate, LearnerRecord

    keys: set[CourseKey] = set()
    for model in (Certificate, LearnerRecord):
        keys.update(model.objects.order_by().values_list("course_key", flat=True).distinct())
    return sorted(keys, key=str)


def _not_viewable_reason(state: WebCertificateState) -> str:
    """Why ``certificates_viewable_for_course`` is false for the course, from its display settings."""
    if state.display_behavior == "end":
        if state.end is None:
            return _("its certificates show only after the course ends, and it has no end date")
        return _("its certificates show only after the course ends ({date})").format(date=state.end.isoformat())
    if state.display_behavior == "end_with_date":
        if state.available_date is None:
            return _("its certificates show only from a certificate available date, and none is set")
        return _("its certificates show only from the certificate available date ({date})").format(
            date=state.available_date.isoformat()
        )
    return _('its certificates display behavior ("{behavior}") shows them to no learner yet').format(
        behavior=state.display_behavior or ""
    )


def web_certificate_finding(state: WebCertificateState) -> Finding | None:
    """
    The one line about a course whose LMS link ``/certificates/<uuid>`` will not reach the plugin, else None.

    The LMS's view answers with its invalid-certificate page (not the plugin's step) when the course's HTML
    view is off, when no learner may see certificates yet (``certificates_viewable_for_course``) or when the
    course has no active web certificate configuration, in that order. With the HTML view on, the LMS's own
    pages (the learner dashboard) link there, so a missing configuration is an error; with it off they link
    the PDF instead and the link matters only where it was shared.
    """
    if not state.exists:
        reasons = [(WARNING, _("the LMS has no course overview of it"))]
        fixes = [_("Publish the course in Studio, or ignore this line if the course was deleted.")]
    else:
        reasons, fixes = [], []
        if not state.html_view_enabled:
            reasons.append((WARNING, _("its HTML certificate view is off (the LMS's pages link the PDF instead)")))
            fixes.append(
                _(
                    'In Studio, Settings → Advanced Settings (show deprecated settings): set "Certificate '
                    'Web/HTML View Enabled" to true.'
                )
            )
        if not state.viewable:
            reasons.append((INFO, _not_viewable_reason(state)))
            fixes.append(
                _(
                    "Until then the link shows the LMS's invalid-certificate page (the plugin's own links work); to "
                    'show certificates at once, set "Certificates Display Behavior" to early_no_info in Studio, '
                    "Settings → Advanced Settings."
                )
            )
        if not state.active_configuration:
            reasons.append(
                (ERROR if state.html_view_enabled else WARNING, _("it has no active web certificate configuration"))
            )
            fixes.append(_("In Studio, Settings → Certificates: create a certificate configuration and activate it."))
    if not reasons:
        return None
    return Finding(
        check=WEB_CERTIFICATES,
        level=worst_level(level for level, _reason in reasons),
        code="web_certificates.course",
        course_id=str(state.course_key),
        message=_(
            "Course {course_id}: the LMS's link /certificates/<uuid> does not reach the plugin: {reasons}."
        ).format(course_id=state.course_key, reasons="; ".join(reason for _level, reason in reasons)),
        fix=" ".join(fixes),
    )


def web_certificate_findings(html_view: bool, states: Sequence[WebCertificateState]) -> list[Finding]:
    """
    The web certificate lines: the global switch, then one line per course that will not redirect.

    Args:
        html_view: ``CERTIFICATES_HTML_VIEW``.
        states: the managed courses' states (``lms_inspect.web_certificate_states``).
    """
    if not html_view:
        return [
            Finding(
                check=WEB_CERTIFICATES,
                level=INFO,
                code="web_certificates.off",
                message=_(
                    "Web certificates are off (CERTIFICATES_HTML_VIEW): the LMS's pages link each certificate's PDF, "
                    "made by the plugin, and its link /certificates/<uuid> shows the LMS's invalid-certificate page."
                ),
                fix=_(
                    "Set CERTIFICATES_HTML_VIEW to true (Tutor does) to send /certificates/<uuid> to the plugin's web "
                    "certificate."
                ),
            )
        ]
    if not states:
        return [
            Finding(
                check=WEB_CERTIFICATES,
                level=INFO,
                code="web_certificates.no_course",
                message=_("The plugin holds no certificate or learner record yet: no course to check."),
            )
        ]
    findings = [finding for finding in map(web_certificate_finding, states) if finding is not None]
    if not findings:
        findings.append(
            Finding(
                check=WEB_CERTIFICATES,
                level=OK,
                code="web_certificates.ok",
                message=ngettext(
                    "The LMS's certificate links of the {count} course the plugin manages lead to its web "
                    "certificates.",
                    "The LMS's certificate links of the {count} courses the plugin manages lead to its web "
                    "certificates.",
                    len(states),
                ).format(count=len(states)),
            )
        )
    return findings


def check_web_certificates() -> list[Finding]:
    """``web_certificate_findings`` for this LMS: its switch and its course overviews of the plugin's courses."""
    from . import lms_inspect

    html_view = feature("CERTIFICATES_HTML_VIEW")
    states = lms_inspect.web_certificate_states(managed_course_keys()) if html_view else []
    return web_certificate_findings(html_view, states)


# --- e. Celery ------------------------------------------------------------------------------------------------

#: The tasks the plugin sends (``dispatch.send_task``); the periodic ones are the operator's beat schedule.
SENT_TASKS = (
    dispatch.TASK_RUN_JOB,
    dispatch.TASK_RUN_CHUNK,
    dispatch.TASK_SWEEP_COURSE,
    dispatch.TASK_SEND_EMAILS,
    dispatch.TASK_RECONCILE_LEARNER,
)


def task_queues(app: Celery) -> list[str]:
    """
    The queues the plugin's tasks go to, as ``dispatch.send_task`` sends them through ``app``'s router.

    ``CERT_MANAGER_CELERY_QUEUE`` when set; otherwise the app's routes (the LMS's ``route_task``:
    ``EXPLICIT_QUEUES``, ``ALTERNATE_ENV_TASKS``) and then its default queue.
    """
    configured = getattr(settings, "CERT_MANAGER_CELERY_QUEUE", None)
    queues = set()
    for name in SENT_TASKS:
        options = {"queue": configured} if configured else {}
        try:
            queue = app.amqp.router.route(options, name, (), {}).get("queue")
        except Exception:  # noqa: BLE001 - a router that fails here fails at send too; the default is our best guess
            queue = configured or app.conf.task_default_queue
        queues.add(getattr(queue, "name", None) or str(queue))
    return sorted(queues)


def _ask_workers(app: Celery, timeout: float) -> dict[str, Any]:
    """
    Connect to ``app``'s broker (one attempt) and ask its workers which queues they read, in a daemon thread.

    Returns a dict with ``replies`` (worker name → queue names), or ``error`` (the exception), or neither when
    the broker did not answer within about twice ``timeout``.
    """
    result: dict[str, Any] = {}

    def ask() -> None:
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
                replies = app.control.inspect(timeout=timeout, connection=connection).active_queues() or {}
            result["replies"] = {
                worker: sorted(q.get("name", "") for q in queues or []) for worker, queues in replies.items()
            }
        except Exception as exc:  # noqa: BLE001 - reported as the finding
            result["error"] = exc

    thread = threading.Thread(target=ask, name="cert_manager_check_celery", daemon=True)
    thread.start()
    thread.join(2 * timeout + 1)
    return result


def _is_connection_error(app: Celery, exc: BaseException) -> bool:
    errors = tuple(getattr(app.connection_for_write(), "connection_errors", ()))
    return isinstance(exc, (ConnectionError, OSError, *errors)) or type(exc).__name__ == "OperationalError"


def check_celery(
    app: Celery | None = None, timeout: float = 2.0, *, worker_command: str = "lms.celery"
) -> list[Finding]:
    """
    Where the plugin's tasks go and whether a worker reads that queue, asked within ``timeout`` seconds.

    Args:
        app: the Celery app to check; the current one (the LMS's) when None.
        timeout: seconds to wait for the broker, and then for the workers' replies.
        worker_command: the ``--app`` to name in the fix.
    """
    if app is None:
        from celery import current_app

        app = current_app._get_current_object()  # noqa: SLF001 - the proxy's own way to its app (for the thread)
    if app.conf.task_always_eager:
        return [
            Finding(
                check=CELERY,
                level=INFO,
                code="celery.eager",
                message=_(
                    "Celery runs tasks eagerly (CELERY_ALWAYS_EAGER, as the LMS's test and devstack settings do): the "
                    "plugin's jobs, chunks and emails run in the process that starts them, with no worker."
                ),
            )
        ]
    queues = task_queues(app)
    queue_list = ", ".join(queues)
    broker = app.connection_for_write().as_uri()
    start_worker = _("Start a worker on it: celery --app={app} worker -Q {queues}").format(
        app=worker_command, queues=",".join(queues)
    )
    asked = _ask_workers(app, timeout)
    if "error" in asked:
        exc = asked["error"]
        if _is_connection_error(app, exc):
            return [
                Finding(
                    check=CELERY,
                    level=ERROR,
                    code="celery.broker_unreachable",
                    message=_(
                        "The Celery broker {broker} cannot be reached ({error}): no job, chunk or email of the plugin "
                        'can be queued (a job fails at once with "could not be queued").'
                    ).format(broker=broker, error=exc),
                    fix=_("Check the broker settings (CELERY_BROKER_* in lms.yml) and that the broker runs."),
                )
            ]
        return [
            Finding(
                check=CELERY,
                level=WARNING,
                code="celery.not_asked",
                message=_(
                    "Could not ask the Celery workers on {broker} which queues they read ({error}); the plugin's "
                    "tasks go to {queues}."
                ).format(broker=broker, error=exc, queues=queue_list),
                fix=_("Make sure by hand that a worker reads {queues}.").format(queues=queue_list),
            )
        ]
    if "replies" not in asked:
        return [
            Finding(
                check=CELERY,
                level=ERROR,
                code="celery.broker_timeout",
                message=_("The Celery broker {broker} did not answer within {seconds} s.").format(
                    broker=broker, seconds=timeout
                ),
                fix=_("Check the broker settings (CELERY_BROKER_* in lms.yml) and that the broker runs."),
            )
        ]
    replies = asked["replies"]
    stale = _("the plugin's jobs stay queued and are failed after CERT_MANAGER_JOB_STALE_SECONDS")
    if not replies:
        return [
            Finding(
                check=CELERY,
                level=ERROR,
                code="celery.no_worker",
                message=_(
                    "No Celery worker answered on {broker} within {seconds} s: the plugin's tasks go to {queues}, "
                    "where {stale}."
                ).format(broker=broker, seconds=timeout, queues=queue_list, stale=stale),
                fix=start_worker + ".",
            )
        ]
    read = {queue for names in replies.values() for queue in names}
    findings = [
        Finding(
            check=CELERY,
            level=ERROR,
            code="celery.queue_unread",
            message=_(
                "No Celery worker reads the queue {queue}, where the plugin's tasks go (the workers read: {read}): "
                "{stale}."
            ).format(queue=queue, read=", ".join(sorted(read)) or "-", stale=stale),
            fix=_("{start}, or set CERT_MANAGER_CELERY_QUEUE to a queue a worker reads.").format(
                start=_("Start a worker on it: celery --app={app} worker -Q {queue}").format(
                    app=worker_command, queue=queue
                )
            ),
        )
        for queue in queues
        if queue not in read
    ]
    if findings:
        return findings
    workers = sorted(worker for worker, names in replies.items() if set(names) & set(queues))
    return [
        Finding(
            check=CELERY,
            level=OK,
            code="celery.ok",
            message=ngettext(
                "{count} Celery worker reads {queues}, where the plugin's tasks go ({workers}).",
                "{count} Celery workers read {queues}, where the plugin's tasks go ({workers}).",
                len(workers),
            ).format(count=len(workers), queues=queue_list, workers=", ".join(workers)),
        )
    ]


# --- f. learner emails through edx-ace ------------------------------------------------------------------------

ACE_CHANNELS_GROUP = "openedx.ace.channel"


def ace_email_channels(enabled: Sequence[str]) -> list[str]:
    """
    The enabled edx-ace email channels, in the order edx-ace registers them (its entry points' order).

    A channel counts when it is named in ``enabled`` (``ACE_ENABLED_CHANNELS``), is an email channel and its
    ``enabled()`` accepts the settings, as edx-ace's ``channels()`` loads them.
    """
    names = []
    for entry_point in entry_points(group=ACE_CHANNELS_GROUP):
        if entry_point.name not in enabled:
            continue
        try:
            channel = entry_point.load()
            if str(getattr(channel, "channel_type", "")) == "email" and channel.enabled():
                names.append(entry_point.name)
        except Exception:  # edx-ace skips a channel it cannot load; so does the check
            log.warning("cert_manager_check: the edx-ace channel %s cannot be loaded", entry_point.name, exc_info=True)
    return names


def email_channel_findings(
    emails_enabled: bool, email_channels: Sequence[str], enabled: Sequence[str], transactional: str, default: str
) -> list[Finding]:
    """
    The channel edx-ace picks for the plugin's (transactional) emails, as its ``get_channel_for_message`` does.

    It tries ``[ACE_CHANNEL_TRANSACTIONAL_EMAIL, ACE_CHANNEL_DEFAULT_EMAIL]``; when either is not an enabled
    email channel it falls back to the first one registered; with none, every email fails.
    """
    if not emails_enabled:
        return [
            Finding(
                check=EMAIL,
                level=INFO,
                code="email.off",
                message=_("Learner emails are off (CERT_MANAGER_EMAILS_ENABLED): no channel to check."),
            )
        ]
    if not email_channels:
        return [
            Finding(
                check=EMAIL,
                level=ERROR,
                code="email.no_channel",
                message=_(
                    "edx-ace has no email channel enabled (ACE_ENABLED_CHANNELS: {channels}): every certificate email "
                    "fails."
                ).format(channels=", ".join(enabled) or "-"),
                fix=_(
                    'Add an email channel such as "django_email" to ACE_ENABLED_CHANNELS, or set '
                    "CERT_MANAGER_EMAILS_ENABLED to false."
                ),
            )
        ]
    if transactional in email_channels and default in email_channels:
        return [
            Finding(
                check=EMAIL,
                level=OK,
                code="email.ok",
                message=_(
                    "Certificate emails go through edx-ace's {channel} channel (ACE_CHANNEL_TRANSACTIONAL_EMAIL)."
                ).format(channel=transactional),
            )
        ]
    return [
        Finding(
            check=EMAIL,
            level=WARNING,
            code="email.fallback",
            message=_(
                "ACE_CHANNEL_TRANSACTIONAL_EMAIL ({transactional}) or ACE_CHANNEL_DEFAULT_EMAIL ({default}) is not an "
                "enabled email channel: edx-ace sends certificate emails through {channel} instead."
            ).format(transactional=transactional, default=default, channel=email_channels[0]),
            fix=_("Name enabled email channels in both settings (enabled: {channels}).").format(
                channels=", ".join(email_channels)
            ),
        )
    ]


def check_email() -> list[Finding]:
    """``email_channel_findings`` for this LMS's settings and installed edx-ace channels."""
    emails_enabled = bool(getattr(settings, "CERT_MANAGER_EMAILS_ENABLED", False))
    enabled = list(getattr(settings, "ACE_ENABLED_CHANNELS", None) or [])
    return email_channel_findings(
        emails_enabled,
        ace_email_channels(enabled) if emails_enabled else [],
        enabled,
        str(getattr(settings, "ACE_CHANNEL_TRANSACTIONAL_EMAIL", "")),
        str(getattr(settings, "ACE_CHANNEL_DEFAULT_EMAIL", "")),
    )


# --- g. the JWT key set -----------------------------------------------------------------------------------------


def jwt_findings(jwt_auth: object) -> list[Finding]:
    """
    The JWT key set as edx-drf-extensions 10.9 and the plugin's ``VerifiedJwtAuthentication`` read it.

    Empty (None, ""): upstream accepts any signature; the plugin checks the issuers' secrets itself (a warning,
    an error when there is no secret either). Set but without a usable key: the plugin refuses every JWT (error).
    """
    import jwt

    jwt_auth = jwt_auth if isinstance(jwt_auth, dict) else {}
    raw = jwt_auth.get("JWT_PUBLIC_SIGNING_JWK_SET")
    setting = 'JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"]'
    set_it = _(
        'Set {setting} to the LMS\'s public JWK set (a JSON object whose "keys" hold the public half of '
        'JWT_AUTH["JWT_PRIVATE_SIGNING_JWK"]); Tutor does.'
    ).format(setting=setting)
    if raw:
        try:
            count = len(jwt.PyJWKSet.from_json(raw).keys)
        except (jwt.PyJWKSetError, jwt.PyJWKError, json.JSONDecodeError, TypeError, AttributeError, KeyError) as exc:
            return [
                Finding(
                    check=JWT,
                    level=ERROR,
                    code="jwt.unusable",
                    message=_(
                        "{setting} holds no usable key ({error}): the plugin's REST API refuses every JWT (401), and "
                        "edx-drf-extensions fails on the LMS's own APIs."
                    ).format(setting=setting, error=f"{type(exc).__name__}: {exc}"),
                    fix=set_it,
                )
            ]
        return [
            Finding(
                check=JWT,
                level=OK,
                code="jwt.ok",
                message=ngettext(
                    "{setting} holds {count} key: JWT signatures are checked.",
                    "{setting} holds {count} keys: JWT signatures are checked.",
                    count,
                ).format(setting=setting, count=count),
            )
        ]
    issuers = jwt_auth.get("JWT_ISSUERS") or []
    secrets = [i for i in issuers if isinstance(i, dict) and i.get("SECRET_KEY")]
    if not secrets:
        return [
            Finding(
                check=JWT,
                level=ERROR,
                code="jwt.no_key",
                message=_(
                    "{setting} is empty and no JWT issuer has a SECRET_KEY: the plugin's REST API refuses every JWT."
                ).format(setting=setting),
                fix=set_it,
            )
        ]
    return [
        Finding(
            check=JWT,
            level=WARNING,
            code="jwt.empty",
            message=_(
                "{setting} is empty: edx-drf-extensions then accepts a JWT signed with any key on the LMS's APIs. The "
                "plugin's REST API checks such tokens against the issuers' secrets (JWT_ISSUERS) itself."
            ).format(setting=setting),
            fix=set_it,
        )
    ]


def check_jwt() -> list[Finding]:
    """``jwt_findings`` for this host's ``JWT_AUTH``."""
    return jwt_findings(getattr(settings, "JWT_AUTH", None))


# --- h. ID verification -------------------------------------------------------------------------------------


def idv_findings(required: bool) -> list[Finding]:
    """A warning when the LMS is set to hold certificates for ID verification, which the plugin does not do."""
    if not required:
        return [
            Finding(
                check=IDV,
                level=OK,
                code="idv.off",
                message=_("ENABLE_CERTIFICATES_IDV_REQUIREMENT is off, as the plugin expects."),
            )
        ]
    return [
        Finding(
            check=IDV,
            level=WARNING,
            code="idv.on",
            message=_(
                'FEATURES["ENABLE_CERTIFICATES_IDV_REQUIREMENT"] is on, but the plugin does not hold certificates '
                'for ID verification: learners in verified modes get theirs without it, and the "unverified" status '
                "the LMS writes (mark_unverified) is put back to the plugin's."
            ),
            fix=_("Turn it off, or know that the plugin does not require ID verification."),
        )
    ]


def check_idv() -> list[Finding]:
    """``idv_findings`` for this LMS."""
    return idv_findings(feature("ENABLE_CERTIFICATES_IDV_REQUIREMENT"))


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
