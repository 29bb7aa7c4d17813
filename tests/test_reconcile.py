"""
The single-learner path: LMS events mark learners, one sweep per course reconciles them (leading edge, then
chained sweeps a minimum gap apart that wait for a burst to quiet down), through real openedx-events and the engine.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cert_manager_plugin import dispatch, reconcile, wiring
from cert_manager_plugin.models import Certificate, CertificateRevision, CourseSweep, LearnerRecord
from tests import lms_events
from tests.factories import COURSE_KEY, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def captured(monkeypatch):
    """Tasks captured instead of handed to Celery; ``drain`` runs them as a worker would."""
    sent: list[tuple[str, list, float | None]] = []
    monkeypatch.setattr(dispatch, "send_task", lambda name, args, countdown=None: sent.append((name, args, countdown)))
    return sent


def drain(sent: list) -> None:
    """Run the captured sweeps in order, each once its countdown is over, as a worker would."""
    while sent:
        name, args, countdown = sent.pop(0)
        assert name == dispatch.TASK_SWEEP_COURSE, name
        if countdown:
            time.sleep(countdown)
        reconcile.sweep_course(*args)


@pytest.fixture
def gap(settings):
    """A short minimum gap and the usual window: a chained sweep runs in a fraction of the window."""
    settings.CERT_MANAGER_SWEEP_MIN_GAP = 0.2
    settings.CERT_MANAGER_COALESCE_SECONDS = 5
    return 0.2


def sweeps(sent: list) -> list[tuple[list, float | None]]:
    return [(args, countdown) for name, args, countdown in sent if name == dispatch.TASK_SWEEP_COURSE]


def test_the_first_change_after_a_quiet_period_is_swept_at_once(course, learner, captured):
    lms_events.enroll(learner, COURSE_KEY, "verified")
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True)
    assert sweeps(captured) == [([str(COURSE_KEY)], 0)], "one sweep, no countdown (leading edge)"
    drain(captured)
    cert = Certificate.objects.get(user=learner)
    assert (cert.status, cert.grade, cert.source) == ("downloadable", 0.9, "grade_event")
    assert LearnerRecord.objects.get(user=learner).reconcile_pending_since is None
    assert CourseSweep.objects.get(course_key=COURSE_KEY).armed_at is None, "disarmed: the next change is swept at once"
    lms_events.grade(learner.pk, COURSE_KEY, 0.95, passed=True)
    assert sweeps(captured) == [([str(COURSE_KEY)], 0)]


def test_a_burst_while_the_sweep_is_armed_publishes_nothing_more_and_ends_at_the_final_grade(course, learner, captured):
    lms_events.enroll(learner, COURSE_KEY, "verified")
    grades = [0.5 + i * 0.01 for i in range(50)]
    for g in grades:
        lms_events.grade(learner.pk, COURSE_KEY, g, passed=g >= 0.6)
    assert len(sweeps(captured)) == 1, "the enrollment armed the course; 50 grade events added no message"
    drain(captured)
    cert = Certificate.objects.get(user=learner)
    assert (cert.status, cert.grade, cert.revision) == ("downloadable", round(grades[-1], 4), 1)


def test_a_change_that_lands_while_a_sweep_runs_is_chained_after_the_min_gap_not_the_window(
    course, learner, captured, monkeypatch, gap
):
    lms_events.enroll(learner, COURSE_KEY, "verified")
    real = reconcile._reconcile

    def grade_meanwhile(*args, **kwargs):
        result = real(*args, **kwargs)
        lms_events.grade(learner.pk, COURSE_KEY, 0.3, passed=False)  # lands while the sweep runs
        return result

    monkeypatch.setattr(reconcile, "_reconcile", grade_meanwhile)
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True)
    _name, args, _countdown = captured.pop(0)
    before = time.time()
    reconcile.sweep_course(*args)
    monkeypatch.setattr(reconcile, "_reconcile", real)
    assert Certificate.objects.get(user=learner).status == "downloadable"
    [([course_id, waiting_since], countdown)] = sweeps(captured)
    assert (course_id, countdown) == (str(COURSE_KEY), gap), "chained a minimum gap later, not after the window"
    assert before <= waiting_since <= time.time()
    assert CourseSweep.objects.get(course_key=COURSE_KEY).armed_at is not None, "kept armed: events send nothing"
    start = time.monotonic()
    drain(captured)
    assert time.monotonic() - start < reconcile.coalesce_seconds() / 2
    assert Certificate.objects.get(user=learner).status == "notpassing", "the final state landed"
    assert CertificateRevision.objects.count() == 1
    assert CourseSweep.objects.get(course_key=COURSE_KEY).armed_at is None


def test_a_chained_sweep_waits_until_the_changes_are_quiet_for_the_min_gap(course, learner, captured, gap):
    lms_events.enroll(learner, COURSE_KEY, "verified")
    drain(captured)
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True)
    captured.clear()  # the leading edge's message: this test runs the chained sweep instead
    since = time.time()
    assert reconcile.sweep_course(str(COURSE_KEY), since).changed == 0, "a change just now: not quiet yet"
    [([course_id, waiting_since], countdown)] = sweeps(captured)
    assert (course_id, waiting_since) == (str(COURSE_KEY), since), "it sends itself again, same window"
    assert 0 < countdown <= gap
    assert LearnerRecord.objects.get(user=learner).reconcile_pending_since is not None
    assert not Certificate.objects.filter(user=learner).exists()
    drain(captured)
    assert Certificate.objects.get(user=learner).status == "downloadable"


def test_a_chained_sweep_waits_no_longer_than_the_window(course, learner, captured, gap):
    lms_events.enroll(learner, COURSE_KEY, "verified")
    drain(captured)
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True)
    captured.clear()
    window_over = time.time() - reconcile.coalesce_seconds() - 0.1
    assert reconcile.sweep_course(str(COURSE_KEY), window_over).changed == 1, "changes still coming: runs anyway"
    assert sweeps(captured) == []


def test_a_long_burst_behind_a_sweep_ends_in_one_chained_sweep(course, learner, captured, gap):
    """Events every 20 ms for a second (five gaps): chaining every gap would revise the certificate each time."""
    lms_events.enroll(learner, COURSE_KEY, "verified")
    lms_events.grade(learner.pk, COURSE_KEY, 0.6, passed=True)
    drain(captured)
    queue: list[tuple[float, list]] = []  # (due, args): a worker's schedule
    ran = 0

    def run_due() -> None:
        nonlocal ran
        for _name, args, countdown in captured:
            queue.append((time.monotonic() + (countdown or 0), args))
        captured.clear()
        for item in [item for item in queue if item[0] <= time.monotonic()]:
            queue.remove(item)
            ran += reconcile.sweep_course(*item[1]).changed > 0

    grades = [round(0.61 + i * 0.005, 4) for i in range(50)]
    for g in grades:
        lms_events.grade(learner.pk, COURSE_KEY, g, passed=True)
        run_due()
        time.sleep(0.02)
    deadline = time.monotonic() + reconcile.coalesce_seconds() + 2
    while (queue or captured) and time.monotonic() < deadline:
        run_due()
        time.sleep(0.01)
    cert = Certificate.objects.get(user=learner)
    assert cert.grade == grades[-1], "the final grade landed"
    assert ran <= 3, f"{ran} sweeps changed the certificate during a burst"
    assert CertificateRevision.objects.filter(certificate=cert).count() <= 3
    assert CourseSweep.objects.get(course_key=COURSE_KEY).armed_at is None


def test_with_an_eager_celery_app_a_change_during_a_sweep_is_swept_in_line(course, learner, monkeypatch, settings):
    settings.CERT_MANAGER_SWEEP_MIN_GAP = 2  # waiting (or looping) for quiet would take this long
    lms_events.enroll(learner, COURSE_KEY, "verified")
    real, calls = reconcile._reconcile, []

    def grade_meanwhile(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            lms_events.grade(learner.pk, COURSE_KEY, 0.3, passed=False)
        return result

    monkeypatch.setattr(reconcile, "_reconcile", grade_meanwhile)
    start = time.monotonic()
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True)
    assert time.monotonic() - start < 1, "the in-line chained sweep does not wait (nor loop) for quiet"
    assert Certificate.objects.get(user=learner).status == "notpassing"
    assert CourseSweep.objects.get(course_key=COURSE_KEY).armed_at is None


def test_a_transaction_arms_its_course_once_at_commit_and_a_rollback_arms_nothing(course, captured):
    people = [UserFactory() for _ in range(3)]
    with pytest.raises(RuntimeError), transaction.atomic():
        lms_events.enroll(people[0], COURSE_KEY, "verified")
        raise RuntimeError("rolled back")
    assert sweeps(captured) == []
    assert not CourseSweep.objects.filter(armed_at__isnull=False).exists()
    with transaction.atomic():
        for user in people:
            lms_events.enroll(user, COURSE_KEY, "verified")
        assert sweeps(captured) == [], "nothing before the commit"
        assert not CourseSweep.objects.filter(armed_at__isnull=False).exists(), "armed at commit, not before"
    assert sweeps(captured) == [([str(COURSE_KEY)], 0)]
    assert CourseSweep.objects.get(course_key=COURSE_KEY).armed_at is not None


@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="one writer at a time: no transaction is open meanwhile")
def test_a_change_committed_while_a_sweep_ends_is_not_lost(course, captured):
    """
    A change whose transaction is open while the sweep finishes: the sweep cannot see its mark; it must not be lost.

    Arming inside the transaction found the course armed (by the sweep) and armed nothing; on PostgreSQL that locks
    nothing, so the sweep disarmed and ended without seeing the mark, and the change waited for the safety net.
    """
    first, late = UserFactory(), UserFactory()
    lms_events.enroll(first, COURSE_KEY, "verified")
    lms_events.enroll(late, COURSE_KEY, "verified")
    drain(captured)
    lms_events.grade(first.pk, COURSE_KEY, 0.9, passed=True)  # arms; its sweep waits in `captured`
    marked, swept = threading.Event(), threading.Event()

    def late_change() -> None:
        try:
            with transaction.atomic():
                lms_events.grade(late.pk, COURSE_KEY, 0.8, passed=True)
                marked.set()
                swept.wait(5)  # on MariaDB a row lock of the old path made the sweep wait for this commit
        finally:
            connections.close_all()

    thread = threading.Thread(target=late_change)
    thread.start()
    assert marked.wait(10)
    _name, args, _ = captured.pop(0)
    reconcile.sweep_course(*args)
    swept.set()
    thread.join(10)
    drain(captured)
    assert Certificate.objects.get(user=first).grade == 0.9
    assert Certificate.objects.get(user=late).grade == 0.8, "the late change was swept, not left for the safety net"
    assert LearnerRecord.objects.filter(reconcile_pending_since__isnull=False).count() == 0


def test_a_course_wide_rescore_is_one_sweep_and_two_statements_an_event(course, captured):
    people = [UserFactory() for _ in range(60)]
    for user in people:
        lms_events.enroll(user, COURSE_KEY, "verified")
    drain(captured)
    per_event = []
    for i, user in enumerate(people):
        with CaptureQueriesContext(connection) as queries:
            lms_events.grade(user.pk, COURSE_KEY, 0.7 + (i % 20) / 100, passed=True)
        per_event.append(len(queries))
    assert len(sweeps(captured)) == 1, "one message for the course, not one per learner"
    assert max(per_event[1:]) <= 2, per_event
    with CaptureQueriesContext(connection) as queries:
        drain(captured)
    assert Certificate.objects.filter(status="downloadable").count() == 60
    assert len(queries) < 60, "set-based: the sweep does not cost a query per learner"


def test_a_lost_sweep_does_not_block_the_course_forever(course, learner, captured):
    lms_events.enroll(learner, COURSE_KEY, "verified")
    captured.clear()  # the broker lost it
    CourseSweep.objects.update(armed_at=timezone.now() - timedelta(hours=1))
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True)
    assert len(sweeps(captured)) == 1
    drain(captured)
    assert Certificate.objects.get(user=learner).status == "downloadable"


def test_a_sweep_that_cannot_be_queued_runs_at_once(course, learner, monkeypatch):
    from cert_manager_plugin import tasks

    monkeypatch.setattr(tasks.sweep_course, "apply_async", lambda *a, **k: (_ for _ in ()).throw(OSError("down")))
    lms_events.enroll(learner, COURSE_KEY, "verified")
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True)
    assert Certificate.objects.get(user=learner).status == "downloadable", "the change was not lost"


def test_a_sweep_delivered_twice_changes_nothing_the_second_time(course, learner, captured, settings):
    settings.CERT_MANAGER_SWEEP_MIN_GAP = 0  # the second delivery runs at once, right after the first
    lms_events.enroll(learner, COURSE_KEY, "verified")
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True)
    [(args, _)] = sweeps(captured)
    assert reconcile.sweep_course(*args).changed == 1
    assert reconcile.sweep_course(*args).changed == 0
    assert Certificate.objects.get(user=learner).revision == 1


def test_with_an_eager_celery_app_a_transaction_s_events_are_swept_once_at_commit(course, learner, monkeypatch):
    runs, swept = [], []
    real, pending = reconcile.sweep_course, reconcile._pending
    monkeypatch.setattr(wiring, "sweep_course", lambda *a: runs.append(a) or real(*a))
    monkeypatch.setattr(reconcile, "_pending", lambda *a: swept.append(a) or pending(*a))  # once a sweep that runs
    lms_events.enroll(learner, COURSE_KEY, "verified")
    assert (len(runs), len(swept)) == (1, 1)
    with transaction.atomic():
        for g in (0.7, 0.8, 0.9, 0.95, 0.65):
            lms_events.grade(learner.pk, COURSE_KEY, g, passed=True)
        assert len(runs) == 1, "nothing before the commit"
    assert len(swept) == 2, "one sweep at commit (in the gap after the first: sent again, and run in line)"
    cert = Certificate.objects.get(user=learner)
    assert (cert.grade, cert.revision) == (0.65, 1)


def test_outside_a_transaction_each_event_is_swept(course, learner):
    lms_events.enroll(learner, COURSE_KEY, "verified")
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True)
    lms_events.grade(learner.pk, COURSE_KEY, 0.95, passed=True)
    cert = Certificate.objects.get(user=learner)
    assert (cert.grade, cert.revision) == (0.95, 2)


def test_learner_changed_marks_a_known_learner_only(course, learner, captured):
    assert reconcile.learner_changed(learner.pk, COURSE_KEY, "lms") is False, "no record: nothing to reconcile"
    lms_events.enroll(learner, COURSE_KEY, "verified")
    drain(captured)
    assert reconcile.learner_changed(learner.pk, COURSE_KEY, "lms") is True
    assert LearnerRecord.objects.get(user=learner).reconcile_source == "lms"
    assert len(sweeps(captured)) == 1


def test_a_course_whose_learners_waited_too_long_is_armed_again(course, learner, captured):
    lms_events.enroll(learner, COURSE_KEY, "verified")
    captured.clear()  # lost, and the course still looks armed
    long_ago = timezone.now() - timedelta(hours=1)
    LearnerRecord.objects.update(reconcile_pending_since=long_ago)
    CourseSweep.objects.update(armed_at=long_ago)
    assert reconcile.sweep_forgotten_courses() == [str(COURSE_KEY)]
    drain(captured)
    assert LearnerRecord.objects.get(user=learner).reconcile_pending_since is None
    assert reconcile.sweep_forgotten_courses() == []
