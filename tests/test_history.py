"""A learner's story (issue 14, item 5): the course team's timeline and the public history, from the real engine."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cert_manager_plugin import api, dispatch, job_chunks, jobs, labels, reconcile, services
from cert_manager_plugin.models import Certificate, CertificateRevision, GenerationJob
from tests import lms_events
from tests.factories import CourseRoleFactory, UserFactory

STORY = ((0.85, True), (0.95, True), (0.40, False), (0.95, True))


@pytest.fixture
def captured(monkeypatch):
    """Jobs not inline: tasks are captured instead of sent; ``drain`` runs them as a worker would."""
    sent: list = []
    monkeypatch.setattr(dispatch, "send_task", lambda name, args, countdown=None: sent.append((name, args)))
    return sent


def drain(sent: list) -> None:
    while sent:
        name, args = sent.pop(0)
        {
            jobs.TASK_RUN_JOB: jobs.run_job,
            jobs.TASK_RUN_CHUNK: job_chunks.run_chunk,
            dispatch.TASK_SWEEP_COURSE: reconcile.sweep_course,
        }[name](*args)


def story(learner, course_key) -> None:
    """85 -> 95 -> 40 -> 95 through the LMS's grade events (the course revokes on a grade drop)."""
    lms_events.enroll(learner, course_key, "verified")
    for percent, passed in STORY:
        lms_events.grade(learner.pk, course_key, percent, passed=passed)


def db_states(learner, course_key) -> list[tuple]:
    """(number, status, grade, from, to) of every state, oldest first, read straight from the tables."""
    cert = Certificate.objects.get(user=learner, course_key=course_key)
    rows = [
        (r.revision, r.status, r.grade, r.valid_from, r.superseded_at)
        for r in CertificateRevision.objects.filter(certificate=cert).order_by("revision")
    ]
    return [*rows, (cert.revision, cert.status, cert.grade, cert.modified, None)]


@pytest.mark.django_db(transaction=True)
def test_the_85_95_40_95_story_reads_in_order_with_grades_times_and_causes(course, course_key, learner):
    story(learner, course_key)
    expected = db_states(learner, course_key)
    assert [row[1:3] for row in expected] == [
        ("downloadable", 0.85),
        ("downloadable", 0.95),
        ("notpassing", 0.40),
        ("downloadable", 0.95),
    ], "the engine wrote four states"
    timeline = api.learner_timeline(course_key, learner.pk)
    assert (timeline.username, timeline.name) == ("bilbo", api.learner_names([learner.pk])[learner.pk].name)
    got = [(s.number, s.status, s.grade, s.valid_from, s.valid_to) for s in timeline.states]
    assert got == expected[::-1], "every state, newest first, numbered 1, 2, 3, 4"
    assert [s.current for s in timeline.states] == [True, False, False, False]
    for state in timeline.states:
        assert (state.source, state.actor, state.job) == ("grade_event", None, None)
        assert state.cause == str(labels.SOURCE_LABELS["grade_event"]) == "Grade change"
        assert state.status_label == labels.label(labels.STATUS_LABELS, state.status)
    assert timeline.events == ()


@pytest.mark.django_db(transaction=True)
def test_instructor_and_job_changes_name_the_person_and_the_job(course, course_key, learner, captured):
    teacher = UserFactory(username="teacher", first_name="Ann", last_name="Lee")
    CourseRoleFactory(user=teacher, role="instructor")
    lms_events.enroll(learner, course_key, "verified")
    for percent, passed in STORY:  # grade events, each reconciled by the course's sweep (a captured task)
        lms_events.grade(learner.pk, course_key, percent, passed=passed)
        drain(captured)
    assert Certificate.objects.get(user=learner).revision == 4
    invalidation = services.invalidate_certificate(course_key, "bilbo", notes="copied", invalidated_by=teacher)
    api.revalidate_certificate(course_key, invalidation.pk, revalidated_by=teacher)
    api.delete_certificate(course_key, "bilbo", deleted_by=teacher)
    job = jobs.submit_job(course_key, "generate_all", requested_by=teacher)
    drain(captured)
    job.refresh_from_db()
    assert job.state == "succeeded" and job.changed == 1

    timeline = api.learner_timeline(course_key, learner.pk)
    expected = db_states(learner, course_key)
    assert [(s.number, s.status, s.grade) for s in timeline.states] == [row[:3] for row in expected[::-1]]
    assert [row[0] for row in expected] == list(range(1, 9)), "the stored revisions are consecutive"
    by_number = {s.number: s for s in timeline.states}
    sources = dict(
        CertificateRevision.objects.filter(certificate__user=learner).values_list("revision", "superseded_by_source")
    )
    for number in range(5, 9):
        assert by_number[number].source == sources[number - 1], "a state's source is what superseded the one before"
    assert [by_number[n].status for n in range(5, 9)] == ["unavailable", "downloadable", "deleted", "downloadable"]
    name = api.learner_names([teacher.pk])[teacher.pk].name  # the LMS reads profiles: "teacher" without one
    ann = f"{name} (teacher)" if name != "teacher" else "teacher"
    assert by_number[5].cause == f"Invalidation, by {ann}"
    assert by_number[6].cause == f"Re-validation, by {ann}"
    assert by_number[7].cause == f"Deleted by the course team, by {ann}"
    assert by_number[8].job.id == GenerationJob.objects.get(kind="generate_all").pk
    assert by_number[8].cause == f"Generation job: Generate all certificates, by {ann}"
    assert by_number[7].job is None, "one learner's deletion holds no job run"
    api.delete_all_certificates(course_key, confirm=str(course_key), deleted_by=teacher)
    last = api.learner_timeline(course_key, learner.pk).states[0]
    delete_all = GenerationJob.objects.get(kind="delete", params__scope="all")
    assert (last.number, last.status, last.job.id) == (9, "deleted", delete_all.pk)
    assert last.cause == f"Deleted by the course team: Delete all certificates of the course, by {ann}"
    assert [(e.kind, e.actor.username, e.active) for e in timeline.events] == [
        ("revalidated", "teacher", False),
        ("invalidated", "teacher", False),
    ]


@pytest.mark.django_db(transaction=True)
def test_timeline_queries_do_not_grow_with_states(course, course_key, learner):
    story(learner, course_key)
    with CaptureQueriesContext(connection) as few:
        api.learner_timeline(course_key, learner.pk)
    for n in range(10):
        lms_events.grade(learner.pk, course_key, 0.70 + n / 100, passed=True)
    assert Certificate.objects.get(user=learner).revision == 14
    with CaptureQueriesContext(connection) as many:
        timeline = api.learner_timeline(course_key, learner.pk)
    assert len(timeline.states) == 14
    assert len(many) == len(few)


@pytest.mark.django_db(transaction=True)
def test_public_history_is_consecutive_and_never_says_why(course, course_key, learner):
    story(learner, course_key)
    cert = Certificate.objects.get(user=learner)
    revisions = list(api.revisions(cert))
    public = api.public_history(cert, revisions, print_grade=True)
    assert [p.number for p in public] == [4, 3, 2, 1]
    assert [(p.kind, p.label, p.grade) for p in public] == [
        ("valid", "Valid", 0.95),
        ("no_longer_valid", "No longer valid", None),  # a failing grade never shows
        ("valid", "Valid", 0.95),
        ("valid", "Valid", 0.85),
    ]
    assert all(p.grade is None for p in api.public_history(cert, revisions, print_grade=False))
    Certificate.objects.filter(pk=cert.pk).update(status="unavailable")
    cert.refresh_from_db()
    assert all(p.grade is None for p in api.public_history(cert, revisions, print_grade=True)), "revoked: no grade"


@pytest.mark.django_db
def test_a_learner_without_a_certificate_has_no_states(course, course_key, learner):
    timeline = api.learner_timeline(course_key, learner.pk)
    assert (timeline.username, timeline.states, timeline.events) == ("bilbo", (), ())
