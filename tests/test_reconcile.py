"""
The single-learner path: LMS events mark learners, one sweep per course reconciles them (leading and trailing
edges), through real openedx-events and the engine.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
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
    while sent:
        name, args, _ = sent.pop(0)
        assert name == dispatch.TASK_SWEEP_COURSE, name
        reconcile.sweep_course(*args)


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


def test_changes_that_land_while_a_sweep_runs_get_one_more_sweep_after_the_window(
    course, learner, captured, monkeypatch
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
    reconcile.sweep_course(*args)
    monkeypatch.setattr(reconcile, "_reconcile", real)
    assert Certificate.objects.get(user=learner).status == "downloadable"
    assert sweeps(captured) == [([str(COURSE_KEY)], reconcile.coalesce_seconds())], "trailing edge, after the window"
    drain(captured)
    assert Certificate.objects.get(user=learner).status == "notpassing", "the final state landed"
    assert CertificateRevision.objects.count() == 1


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


def test_a_sweep_delivered_twice_changes_nothing_the_second_time(course, learner, captured):
    lms_events.enroll(learner, COURSE_KEY, "verified")
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True)
    [(args, _)] = sweeps(captured)
    assert reconcile.sweep_course(*args).changed == 1
    assert reconcile.sweep_course(*args).changed == 0
    assert Certificate.objects.get(user=learner).revision == 1


def test_with_an_eager_celery_app_a_transaction_s_events_are_swept_once_at_commit(course, learner, monkeypatch):
    runs = []
    real = reconcile.sweep_course
    monkeypatch.setattr(wiring, "sweep_course", lambda *a: runs.append(a) or real(*a))
    lms_events.enroll(learner, COURSE_KEY, "verified")
    assert len(runs) == 1
    with transaction.atomic():
        for g in (0.7, 0.8, 0.9, 0.95, 0.65):
            lms_events.grade(learner.pk, COURSE_KEY, g, passed=True)
        assert len(runs) == 1, "nothing before the commit"
    assert len(runs) == 2
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
