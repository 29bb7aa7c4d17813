"""The set-based reconcile: constant queries per batch, no write for unchanged learners, events only for changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openedx_events.learning.signals import CERTIFICATE_CHANGED, CERTIFICATE_CREATED, CERTIFICATE_REVOKED

from cert_manager_plugin import engine, lms
from cert_manager_plugin.eligibility import CoursePolicy
from cert_manager_plugin.models import Certificate, CertificateRevision
from tests.factories import (
    COURSE_KEY,
    CertificateExceptionFactory,
    CertificateFactory,
    CertificateInvalidationFactory,
    LearnerRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    """Receivers on the real outgoing signals, recording (signal, username, status, previous)."""
    received = []

    def make(signal_name):
        def receiver(sender, certificate=None, **kwargs):
            received.append(
                (signal_name, certificate.user.pii.username, certificate.current_status, certificate.previous_status)
            )

        return receiver

    receivers = {
        CERTIFICATE_CREATED: make("created"),
        CERTIFICATE_CHANGED: make("changed"),
        CERTIFICATE_REVOKED: make("revoked"),
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver)
    yield received
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def _queries(user_ids, **kwargs) -> tuple[int, engine.BatchResult]:
    with CaptureQueriesContext(connection) as ctx:
        result = engine.reconcile_batch(
            COURSE_KEY, user_ids, engine.Intent(source="job", policy=CoursePolicy(), **kwargs)
        )
    return len(ctx.captured_queries), result


def test_queries_per_batch_are_the_same_for_10_and_300_learners(course):
    def population(n: int, grade: float) -> list[int]:
        ids = []
        for i in range(n):
            record = LearnerRecordFactory(percent_grade=grade, passed=grade >= 0.5)
            if i % 2:
                CertificateFactory(user=record.user, status="notpassing", grade=0.1)
            if i % 7 == 0:
                CertificateExceptionFactory(user=record.user)
            ids.append(record.user_id)
        return ids

    small_q, small = _queries(population(10, 0.9))
    large_q, large = _queries(population(300, 0.8))

    assert (small.changed, large.changed) == (10, 300)
    # 4 reads, names, update, insert, upsert, savepoint, the credentials' status bits (one read: no
    # certificate here has a credential yet) and the design version the written certificates record (one UPDATE)
    assert small_q == large_q
    assert large_q <= 12


def test_unchanged_learners_cost_no_write(course, sent, django_capture_on_commit_callbacks):
    ids = [LearnerRecordFactory().user_id for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        engine.reconcile_batch(COURSE_KEY, ids, engine.Intent(source="job", create_missing=True))
    before = list(Certificate.objects.order_by("id").values_list("id", "revision", "modified"))
    sent.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queries, result = _queries(ids)

    assert (result.processed, result.changed, result.transitions_dict()) == (5, 0, {})
    assert list(Certificate.objects.order_by("id").values_list("id", "revision", "modified")) == before
    assert callbacks == [] and sent == []
    assert queries <= 7  # 4 reads + names (a name change is a change) + savepoint


def test_unchanged_batch_issues_only_reads(course):
    ids = [LearnerRecordFactory().user_id for _ in range(3)]
    engine.reconcile_batch(COURSE_KEY, ids, engine.Intent(source="job", create_missing=True))
    with CaptureQueriesContext(connection) as ctx:
        engine.reconcile_batch(COURSE_KEY, ids, engine.Intent(source="job", policy=CoursePolicy()))
    verbs = {q["sql"].split(" ", 1)[0] for q in ctx.captured_queries}
    assert verbs <= {"SELECT", "SAVEPOINT", "RELEASE"}


def test_changes_write_revisions_keep_ids_and_send_events_only_for_changed(
    course, sent, django_capture_on_commit_callbacks
):
    actor = UserFactory()
    up = LearnerRecordFactory(percent_grade=0.95, user__username="up")
    same = LearnerRecordFactory(percent_grade=0.9, user__username="same")
    down = LearnerRecordFactory(percent_grade=0.2, passed=False, user__username="down")
    new = LearnerRecordFactory(percent_grade=0.7, user__username="new")
    certs = {r.user_id: CertificateFactory(user=r.user, grade=0.9, status="downloadable") for r in (up, same, down)}

    with django_capture_on_commit_callbacks(execute=True):
        result = engine.reconcile_batch(
            COURSE_KEY,
            [up.user_id, same.user_id, down.user_id, new.user_id],
            engine.Intent(source="instructor", actor_id=actor.pk, create_missing=True),
        )

    assert (result.processed, result.changed) == (4, 3)
    assert result.transitions_dict() == {
        "downloadable->downloadable": 1,
        "downloadable->notpassing": 1,
        "new->downloadable": 1,
    }
    assert sorted(sent) == [
        ("changed", "up", "downloadable", "downloadable"),
        ("created", "new", "downloadable", ""),
        ("revoked", "down", "notpassing", "downloadable"),
    ]
    for user_id, old in certs.items():
        cert = Certificate.objects.get(user_id=user_id)
        assert (cert.pk, cert.verify_uuid, cert.created) == (old.pk, old.verify_uuid, old.created)
    assert Certificate.objects.get(user_id=up.user_id).revision == 2
    assert Certificate.objects.get(user_id=same.user_id).revision == 1
    revision = CertificateRevision.objects.get(certificate__user_id=up.user_id)
    assert (revision.revision, revision.grade, revision.status, revision.superseded_by) == (
        1,
        0.9,
        "downloadable",
        actor,
    )
    assert revision.superseded_by_source == "instructor"
    assert revision.valid_from == certs[up.user_id].modified
    assert set(CertificateRevision.objects.values_list("certificate__user_id", flat=True)) == {
        up.user_id,
        down.user_id,
    }
    fresh = Certificate.objects.get(user_id=new.user_id)
    assert (fresh.revision, fresh.grade, fresh.source, fresh.issued_date is not None) == (1, 0.7, "instructor", True)


def test_issued_date_moves_only_when_a_certificate_becomes_downloadable(course):
    long_ago = timezone.now() - timezone.timedelta(days=30)
    record = LearnerRecordFactory(percent_grade=0.95)
    CertificateFactory(user=record.user, grade=0.8, issued_date=long_ago)
    engine.reconcile_batch(COURSE_KEY, [record.user_id], engine.Intent(source="job"))
    assert Certificate.objects.get(user_id=record.user_id).issued_date == long_ago

    failing = LearnerRecordFactory(percent_grade=0.95)
    CertificateFactory(user=failing.user, status="notpassing", grade=0.3, issued_date=None)
    engine.reconcile_batch(COURSE_KEY, [failing.user_id], engine.Intent(source="job"))
    assert Certificate.objects.get(user_id=failing.user_id).issued_date > long_ago


def test_dry_run_counts_without_writing(course, sent, django_capture_on_commit_callbacks):
    ids = [LearnerRecordFactory().user_id for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _, result = _queries(ids, dry_run=True, create_missing=True)
    assert (result.changed, result.transitions_dict()) == (3, {"new->downloadable": 3})
    assert not Certificate.objects.exists() and callbacks == [] and sent == []


def test_a_dry_run_lists_each_change_with_its_grades_and_printed_name(course):
    """``would_change``: who, from what to what (grades too), the name the certificate would print; dry runs only."""
    raised = LearnerRecordFactory(percent_grade=0.95)
    cert = CertificateFactory(user=raised.user, grade=0.85)
    fresh = LearnerRecordFactory(percent_grade=0.7)
    right = LearnerRecordFactory(percent_grade=0.9)
    CertificateFactory(user=right.user, grade=0.9)
    ids = [raised.user_id, fresh.user_id, right.user_id]

    result = engine.reconcile_batch(COURSE_KEY, ids, engine.Intent(source="job", dry_run=True))

    name = f"{fresh.user.first_name} {fresh.user.last_name}".strip()
    assert result.would_change == [
        engine.WouldChange(raised.user_id, "downloadable", "downloadable", 0.85, 0.95, cert.name),
        engine.WouldChange(fresh.user_id, None, "downloadable", None, 0.7, name),
    ]
    assert len(result.would_change) == result.changed
    done = engine.reconcile_batch(COURSE_KEY, ids, engine.Intent(source="job"))
    assert done.would_change == [] and done.changed == 2


def test_event_path_creates_only_issued_certificates(course):
    failing = LearnerRecordFactory(percent_grade=0.2, passed=False)
    result = engine.reconcile_batch(
        COURSE_KEY, [failing.user_id], engine.Intent(source="grade_event", create_missing=False)
    )
    assert (result.changed, result.skipped) == (0, 1)
    assert not Certificate.objects.exists()


def test_invalidated_and_allowlisted_learners(course):
    invalid = CertificateInvalidationFactory(certificate__grade=0.9)
    LearnerRecordFactory(user=invalid.certificate.user)
    listed = LearnerRecordFactory(percent_grade=0.1, passed=False)
    CertificateExceptionFactory(user=listed.user)

    engine.reconcile_batch(
        COURSE_KEY, [invalid.certificate.user_id, listed.user_id], engine.Intent(source="job", create_missing=True)
    )

    statuses = dict(Certificate.objects.values_list("user_id", "status"))
    assert statuses == {invalid.certificate.user_id: "unavailable", listed.user_id: "downloadable"}


def test_empty_batch_costs_nothing(course):
    with CaptureQueriesContext(connection) as ctx:
        result = engine.reconcile_batch(COURSE_KEY, [], engine.Intent(source="job", policy=CoursePolicy()))
    assert result.processed == 0 and len(ctx.captured_queries) == 0


def test_learners_are_emailed_after_commit_when_emails_are_on(
    course, settings, mailoutbox, django_capture_on_commit_callbacks
):
    issued = LearnerRecordFactory(user__email="up@example.com")
    quiet = LearnerRecordFactory(percent_grade=0.1, passed=False, user__email="quiet@example.com")
    settings.CERT_MANAGER_EMAILS_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        engine.reconcile_batch(
            COURSE_KEY, [issued.user_id, quiet.user_id], engine.Intent(source="job", create_missing=True)
        )
        assert mailoutbox == []  # nothing before the commit
    assert [m.to for m in mailoutbox] == [["up@example.com"]]


def test_a_failing_email_does_not_break_the_batch(course, settings, monkeypatch, django_capture_on_commit_callbacks):
    from cert_manager_plugin import notifications

    def broken(changes, **kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(notifications, "enqueue_notifications", broken)
    record = LearnerRecordFactory()
    with django_capture_on_commit_callbacks(execute=True):
        result = engine.reconcile_batch(COURSE_KEY, [record.user_id], engine.Intent(source="job"))
    assert result.changed == 1 and Certificate.objects.filter(user_id=record.user_id).exists()


def test_a_mode_turned_off_revokes_only_certificates_issued_in_it_and_on_again_reissues(course):
    on = CoursePolicy(eligible_modes=frozenset({"audit", "verified"}))
    off = CoursePolicy(eligible_modes=frozenset({"verified"}))
    audit = LearnerRecordFactory(mode="audit", passed=True, percent_grade=0.9)
    moved = LearnerRecordFactory(mode="audit", passed=True, percent_grade=0.9)  # issued as verified, then moved
    audit_cert = CertificateFactory(user=audit.user, mode="audit")
    moved_cert = CertificateFactory(user=moved.user, mode="verified")
    ids = [audit.user_id, moved.user_id]

    result = engine.reconcile_batch(COURSE_KEY, ids, engine.Intent(source="settings", policy=off))
    assert dict(result.transitions) == {("downloadable", "audit_passing"): 1}
    assert dict(result.transition_modes) == {("downloadable", "audit_passing", "audit"): 1}
    audit_cert.refresh_from_db()
    moved_cert.refresh_from_db()
    assert (audit_cert.status, audit_cert.revision) == ("audit_passing", 2)
    assert (moved_cert.status, moved_cert.revision) == ("downloadable", 1), "a learner's own mode change keeps it"

    verify = audit_cert.verify_uuid
    engine.reconcile_batch(COURSE_KEY, ids, engine.Intent(source="settings", policy=on))
    audit_cert.refresh_from_db()
    assert (audit_cert.status, audit_cert.revision, audit_cert.verify_uuid) == ("downloadable", 3, verify)
    assert list(
        CertificateRevision.objects.filter(certificate=audit_cert).order_by("revision").values_list("status", flat=True)
    ) == ["downloadable", "audit_passing"]


# --- the one entry: engine.run with an intent ---------------------------------------------------------------


def test_intents_say_what_a_batch_may_do():
    from cert_manager_plugin.data import CertificateStatus, Source

    assert engine.Intent.event(Source.GRADE_EVENT).create_missing is False
    assert engine.Intent.job(actor_id=7) == engine.Intent(Source.JOB, actor_id=7)
    deletion = engine.Intent.deletion(actor_id=3)
    assert (deletion.source, deletion.force_status, deletion.actor_id) == (
        Source.DELETION,
        CertificateStatus.DELETED,
        3,
    )
    assert engine.Intent.preview().dry_run is True


def test_run_batches_by_the_batch_size_and_folds_the_counts(course, settings, monkeypatch):
    settings.CERT_MANAGER_BATCH_SIZE = 2
    ids = [LearnerRecordFactory(passed=True, percent_grade=0.9).user_id for _ in range(5)]
    batches = []
    real = engine.reconcile_batch
    monkeypatch.setattr(engine, "reconcile_batch", lambda k, b, i: batches.append(list(b)) or real(k, b, i))
    result = engine.run(COURSE_KEY, [*ids, ids[0]], engine.Intent.job())  # a repeated learner counts once
    assert batches == [ids[0:2], ids[2:4], ids[4:5]]
    assert (result.processed, result.changed) == (5, 5)
    assert Certificate.objects.filter(status="downloadable").count() == 5


def test_run_returns_one_batch_with_its_changes(course):
    record = LearnerRecordFactory(passed=True, percent_grade=0.9)
    result = engine.run(COURSE_KEY, [record.user_id], engine.Intent.job())
    assert [c.user_id for c in result.changes] == [record.user_id]


def test_run_retries_a_batch_that_lost_a_race(course, monkeypatch):
    from django.db import IntegrityError

    record = LearnerRecordFactory(passed=True, percent_grade=0.9)
    calls = []
    real = engine.reconcile_batch

    def racing(key, ids, intent):
        calls.append(list(ids))
        if len(calls) == 1:
            raise IntegrityError("UNIQUE constraint failed")
        return real(key, ids, intent)

    monkeypatch.setattr(engine, "reconcile_batch", racing)
    assert engine.run(COURSE_KEY, [record.user_id], engine.Intent.job()).changed == 1
    assert len(calls) == 2


def test_run_hands_the_committed_batches_to_total_before_an_error(course, settings, monkeypatch):
    settings.CERT_MANAGER_BATCH_SIZE = 1
    ids = [LearnerRecordFactory(passed=True, percent_grade=0.9).user_id for _ in range(3)]
    real = engine.reconcile_batch

    def failing_third(key, batch, intent):
        if batch == [ids[2]]:
            raise RuntimeError("worker lost")
        return real(key, batch, intent)

    monkeypatch.setattr(engine, "reconcile_batch", failing_third)
    total = engine.BatchResult()
    with pytest.raises(RuntimeError):
        engine.run(COURSE_KEY, ids, engine.Intent.job(), total=total)
    assert (total.processed, total.changed) == (2, 2)


def test_subscribers_hear_a_batch_after_its_commit_and_cannot_break_it(
    course, caplog, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, *, course_key, changes, **kwargs):
        heard.append((course_key, [c.user_id for c in changes]))

    def broken(sender, **kwargs):
        raise RuntimeError("subscriber down")

    engine.certificates_committed.connect(listener, dispatch_uid="test.listener")
    engine.certificates_committed.connect(broken, dispatch_uid="test.broken")
    try:
        record = LearnerRecordFactory(passed=True, percent_grade=0.9)
        with django_capture_on_commit_callbacks(execute=True):
            result = engine.run(COURSE_KEY, [record.user_id], engine.Intent.job())
            assert heard == []  # not before the commit
    finally:
        engine.certificates_committed.disconnect(dispatch_uid="test.listener")
        engine.certificates_committed.disconnect(dispatch_uid="test.broken")
    assert result.changed == 1 and heard == [(COURSE_KEY, [record.user_id])]
    assert "subscriber down" in caplog.text or "broken" in caplog.text


def test_learner_emails_subscribe_to_the_engine_in_apps_ready():
    from cert_manager_plugin import notifications

    live = [entry[1]() for entry in engine.certificates_committed.receivers]  # (key, weak receiver, ...)
    assert notifications.on_certificates_committed in live


# --- certificate designs (issue 17): what the engine writes records the course's current design version --------


def test_written_certificates_record_the_current_design_version(course, django_capture_on_commit_callbacks):
    from cert_manager_plugin.designs.models import DesignVersion

    new = LearnerRecordFactory(percent_grade=0.9, passed=True)
    changed = LearnerRecordFactory(percent_grade=0.95, passed=True)
    unchanged = LearnerRecordFactory(percent_grade=0.9, passed=True, mode="verified")
    old = DesignVersion.objects.create(course_key=COURSE_KEY, number=1, document={})
    current = DesignVersion.objects.create(course_key=COURSE_KEY, number=2, document={})
    before = CertificateFactory(user=changed.user, grade=0.9, design_version=old)
    printed = lms.backend().display_names([unchanged.user_id])  # the name the host prints: nothing to change
    kept = CertificateFactory(
        user=unchanged.user, grade=0.9, mode="verified", design_version=old, name=printed[unchanged.user_id]
    )

    with django_capture_on_commit_callbacks(execute=True):
        engine.run(COURSE_KEY, [new.user_id, changed.user_id, unchanged.user_id], engine.Intent.event("grade_event"))

    versions = dict(Certificate.objects.values_list("user_id", "design_version_id"))
    assert versions[new.user_id] == current.pk, "a new certificate"
    assert versions[changed.user_id] == current.pk, "a new revision"
    assert versions[unchanged.user_id] == old.pk and Certificate.objects.get(pk=kept.pk).revision == 1, "untouched"
    revision = CertificateRevision.objects.get(certificate=before)
    assert (revision.revision, revision.design_version_id) == (1, old.pk), "the superseded state keeps its look"


def test_without_a_design_certificates_record_none(course):
    record = LearnerRecordFactory(percent_grade=0.9, passed=True)
    engine.run(COURSE_KEY, [record.user_id], engine.Intent.event("grade_event"))
    assert Certificate.objects.get().design_version_id is None
