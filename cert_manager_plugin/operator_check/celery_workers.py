"""
Where the plugin's Celery tasks go, and whether a worker reads that queue.

``task_queues`` routes the plugin's tasks as ``dispatch.send_task`` does; ``check_celery`` asks the broker's workers
which queues they read, within a timeout and in a daemon thread, so an unreachable broker cannot hang the command.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import dispatch
from ..conf import cm_settings
from .findings import CELERY, ERROR, INFO, OK, WARNING, Finding

if TYPE_CHECKING:
    from celery import Celery

#: The tasks the plugin sends (``dispatch.send_task``); the periodic ones are the operator's beat schedule.
SENT_TASKS = (
    dispatch.TASK_RUN_JOB,
    dispatch.TASK_RUN_CHUNK,
    dispatch.TASK_SWEEP_COURSE,
    dispatch.TASK_SEND_EMAILS,
)


def task_queues(app: Celery) -> list[str]:
    """
    The queues the plugin's tasks go to, as ``dispatch.send_task`` sends them through ``app``'s router.

    ``CERT_MANAGER_CELERY_QUEUE`` when set; otherwise the app's routes (the LMS's ``route_task``:
    ``EXPLICIT_QUEUES``, ``ALTERNATE_ENV_TASKS``) and then its default queue.
    """
    configured = cm_settings.CELERY_QUEUE
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
