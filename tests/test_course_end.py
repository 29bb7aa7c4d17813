"""Course-end issuance: held certificates issued once the course has ended; a lost race or a deadlock is retried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from cert_manager_plugin import api, course_end, engine, reconcile
from cert_manager_plugin.models import Certificate, CourseCertificateSettings
from tests.factories import COURSE_KEY, LearnerRecordFactory

pytestmark = pytest.mark.django_db


def learners(n: int, **record) -> list[int]:
    """n learners with records (verified, 0.9, passing unless overridden); returns their ids."""
    return [LearnerRecordFactory(**record).user_id for _ in range(n)]


@pytest.fixture
def held(course):
    """A "hold until course end" course that ended a day ago, with two held passing learners."""
    course.end = timezone.now() - timedelta(days=1)
    course.save()
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, issue_policy="after_course_end")
    return learners(2)


def test_held_certificates_are_issued_once_the_course_has_ended(course, django_capture_on_commit_callbacks):
    course.end = timezone.now() + timedelta(days=1)
    course.save()
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, issue_policy="after_course_end")
    held = learners(2)
    failing = learners(1, percent_grade=0.1, passed=False)
    audit = learners(1, mode="audit")
    with django_capture_on_commit_callbacks(execute=True):
        for uid in held:
            reconcile.learner_changed(uid, COURSE_KEY, "grade_event")
    assert not Certificate.objects.exists()
    assert api.issue_held_certificates() == {}  # not ended yet

    after = course.end + timedelta(minutes=1)
    assert api.issue_held_certificates(now=after) == {str(COURSE_KEY): 2}

    statuses = dict(Certificate.objects.values_list("user_id", "status"))
    assert statuses == {held[0]: "downloadable", held[1]: "downloadable"}
    assert failing[0] not in statuses and audit[0] not in statuses
    assert set(Certificate.objects.values_list("source", flat=True)) == {"course_end"}
    assert api.issue_held_certificates(now=after) == {str(COURSE_KEY): 0}


def test_issuance_in_batches_of_the_batch_size(held, settings, monkeypatch):
    settings.CERT_MANAGER_BATCH_SIZE = 1
    batches = []
    real = engine.reconcile_batch
    monkeypatch.setattr(
        engine, "reconcile_batch", lambda key, ids, *a, **kw: batches.append(list(ids)) or real(key, ids, *a, **kw)
    )
    assert course_end.issue_held_certificates() == {str(COURSE_KEY): 2}
    assert batches == [[held[0]], [held[1]]]


def test_a_batch_that_lost_a_race_is_retried(held, monkeypatch):
    """A concurrent writer created one of the batch's certificates (IntegrityError): the batch runs again."""
    calls = []
    real = engine.reconcile_batch

    def racing(key, ids, *a, **kw):
        calls.append(list(ids))
        if len(calls) == 1:
            raise IntegrityError("UNIQUE constraint failed: cert_manager_certificate.user_id, course_key")
        return real(key, ids, *a, **kw)

    monkeypatch.setattr(engine, "reconcile_batch", racing)
    assert course_end.issue_held_certificates() == {str(COURSE_KEY): 2}
    assert calls == [held, held]
    assert set(Certificate.objects.values_list("status", flat=True)) == {"downloadable"}


def test_a_batch_that_keeps_conflicting_raises(held, monkeypatch):
    def conflicting(key, ids, *a, **kw):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(engine, "reconcile_batch", conflicting)
    with pytest.raises(IntegrityError):
        course_end.issue_held_certificates()
    assert not Certificate.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_chosen_as_deadlock_victim_is_retried(held, monkeypatch):
    """Outside a caller's transaction (the beat task), a deadlock victim runs again."""
    calls = []
    real = engine.reconcile_batch

    def deadlocked(key, ids, *a, **kw):
        calls.append(list(ids))
        if len(calls) == 1:
            raise OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")
        return real(key, ids, *a, **kw)

    monkeypatch.setattr(engine, "reconcile_batch", deadlocked)
    assert course_end.issue_held_certificates() == {str(COURSE_KEY): 2}
    assert len(calls) == 2
