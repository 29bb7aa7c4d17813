"""Outgoing CERTIFICATE_CREATED / CHANGED / REVOKED: once per changed certificate, after commit, full payload."""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from openedx_events.learning.signals import CERTIFICATE_CHANGED, CERTIFICATE_CREATED, CERTIFICATE_REVOKED

from cert_manager_plugin import api, engine, events
from cert_manager_plugin.models import Certificate, LearnerRecord
from tests.factories import COURSE_KEY, CertificateExceptionFactory, LearnerRecordFactory, UserFactory

#: Inside the LMS (lms_host), certificate events follow ``GeneratedCertificate.save()`` instead (one CHANGED per
#: write, CREATED on every write of a passing row): tests/lms_host/test_lms_truth.py checks them against the LMS's own.
standalone_events = pytest.mark.skipif(
    os.environ.get("DJANGO_SETTINGS_MODULE", "").startswith("lms.envs."),
    reason="inside the LMS, events follow GeneratedCertificate.save() (tests/lms_host/test_lms_truth.py)",
)


pytestmark = pytest.mark.django_db

SIGNALS = {"created": CERTIFICATE_CREATED, "changed": CERTIFICATE_CHANGED, "revoked": CERTIFICATE_REVOKED}


@pytest.fixture
def sent():
    """Every certificate event sent, as (kind, CertificateData, metadata), via real connected receivers."""
    log: list = []
    handlers = {}
    for kind, signal in SIGNALS.items():

        def handler(sender, certificate=None, metadata=None, _kind=kind, **kwargs):
            log.append((_kind, certificate, metadata))

        handlers[kind] = handler
        signal.connect(handler, weak=False, dispatch_uid=f"test_events.{kind}")
    yield log
    for kind, signal in SIGNALS.items():
        signal.disconnect(dispatch_uid=f"test_events.{kind}")


def reconcile(django_capture_on_commit_callbacks, *user_ids, **kwargs):
    kwargs.setdefault("source", "job")
    with django_capture_on_commit_callbacks(execute=True):
        return engine.reconcile_batch(COURSE_KEY, list(user_ids), engine.Intent(**kwargs))


def set_grade(user, percent, passed):
    LearnerRecord.objects.filter(user=user, course_key=COURSE_KEY).update(percent_grade=percent, passed=passed)


@standalone_events
def test_created_once_with_the_full_payload(course, learner, sent, django_capture_on_commit_callbacks):
    LearnerRecordFactory(user=learner, mode="verified", percent_grade=0.85, passed=True)
    reconcile(django_capture_on_commit_callbacks, learner.pk)
    cert = Certificate.objects.get(user=learner)
    [(kind, data, metadata)] = sent
    assert kind == "created"
    assert (data.user.id, data.user.is_active, data.user.pii.username, data.user.pii.email, data.user.pii.name) == (
        learner.pk,
        True,
        "bilbo",
        "bilbo@example.com",
        "Bilbo Baggins",
    )
    assert (data.course.course_key, data.course.display_name) == (COURSE_KEY, "Certificates 101")
    assert (data.mode, data.grade, data.name) == ("verified", "0.85", "Bilbo Baggins")
    assert (data.current_status, data.previous_status) == ("downloadable", "")
    assert data.download_url.endswith(f"{cert.verify_uuid}.pdf")
    assert metadata.time == cert.modified
    assert metadata.event_type == CERTIFICATE_CREATED.event_type


@standalone_events
def test_grade_change_then_drop(course, learner, sent, django_capture_on_commit_callbacks):
    LearnerRecordFactory(user=learner, percent_grade=0.85, passed=True)
    reconcile(django_capture_on_commit_callbacks, learner.pk)
    set_grade(learner, 0.95, True)
    reconcile(django_capture_on_commit_callbacks, learner.pk)
    set_grade(learner, 0.40, False)
    reconcile(django_capture_on_commit_callbacks, learner.pk)
    assert [(k, d.previous_status, d.current_status, d.grade) for k, d, _ in sent] == [
        ("created", "", "downloadable", "0.85"),
        ("changed", "downloadable", "downloadable", "0.95"),
        ("revoked", "downloadable", "notpassing", "0.4"),
    ]
    set_grade(learner, 0.90, True)
    reconcile(django_capture_on_commit_callbacks, learner.pk)
    assert (sent[-1][0], sent[-1][1].previous_status) == ("created", "notpassing"), "passing again re-issues"


def test_unchanged_reconcile_sends_nothing(course, learner, sent, django_capture_on_commit_callbacks):
    LearnerRecordFactory(user=learner, percent_grade=0.85, passed=True)
    reconcile(django_capture_on_commit_callbacks, learner.pk)
    sent.clear()
    result = reconcile(django_capture_on_commit_callbacks, learner.pk)
    assert result.changed == 0
    assert sent == []


@standalone_events
def test_one_event_per_changed_certificate_in_a_batch(course, sent, django_capture_on_commit_callbacks):
    passing = [LearnerRecordFactory(percent_grade=0.9, passed=True).user for _ in range(3)]
    failing = LearnerRecordFactory(percent_grade=0.1, passed=False).user
    reconcile(django_capture_on_commit_callbacks, *[u.pk for u in passing], failing.pk)
    assert sorted((k, d.user.id) for k, d, _ in sent) == sorted(
        [("created", u.pk) for u in passing] + [("changed", failing.pk)]
    )
    sent.clear()
    set_grade(passing[0], 0.5, False)
    reconcile(django_capture_on_commit_callbacks, *[u.pk for u in passing], failing.pk)
    assert [(k, d.user.id) for k, d, _ in sent] == [("revoked", passing[0].pk)]


@standalone_events
def test_invalidation_and_revalidation(course, learner, sent, django_capture_on_commit_callbacks):
    LearnerRecordFactory(user=learner, percent_grade=0.9, passed=True)
    reconcile(django_capture_on_commit_callbacks, learner.pk)
    with django_capture_on_commit_callbacks(execute=True):
        inv = api.invalidate_certificate(COURSE_KEY, "bilbo")
    with django_capture_on_commit_callbacks(execute=True):
        api.revalidate_certificate(COURSE_KEY, inv.id)
    assert [(k, d.previous_status, d.current_status) for k, d, _ in sent] == [
        ("created", "", "downloadable"),
        ("revoked", "downloadable", "unavailable"),
        ("created", "unavailable", "downloadable"),
    ]


@standalone_events
def test_exception_removal_revokes(course, learner, sent, django_capture_on_commit_callbacks):
    LearnerRecordFactory(user=learner, percent_grade=0.2, passed=False)
    CertificateExceptionFactory(user=learner)
    reconcile(django_capture_on_commit_callbacks, learner.pk)
    with django_capture_on_commit_callbacks(execute=True):
        api.remove_exception(COURSE_KEY, "bilbo")
    assert [k for k, _, _ in sent] == ["created", "revoked"]


def test_dry_run_sends_nothing(course, learner, sent, django_capture_on_commit_callbacks):
    LearnerRecordFactory(user=learner, percent_grade=0.9, passed=True)
    result = reconcile(django_capture_on_commit_callbacks, learner.pk, dry_run=True)
    assert result.changed == 1
    assert sent == []
    assert not Certificate.objects.exists()


@standalone_events
@pytest.mark.django_db(transaction=True)
def test_events_wait_for_the_commit_and_a_rollback_sends_none(course, learner, sent):
    LearnerRecordFactory(user=learner, percent_grade=0.9, passed=True)
    with transaction.atomic():
        engine.reconcile_batch(COURSE_KEY, [learner.pk], engine.Intent(source="job"))
        assert sent == [], "nothing is sent before the commit"
    assert [k for k, _, _ in sent] == ["created"]

    set_grade(learner, 0.1, False)
    with pytest.raises(RuntimeError), transaction.atomic():
        engine.reconcile_batch(COURSE_KEY, [learner.pk], engine.Intent(source="job"))
        raise RuntimeError("the surrounding transaction fails")
    assert [k for k, _, _ in sent] == ["created"], "a rolled-back change announces nothing"
    assert Certificate.objects.get(user=learner).status == "downloadable"


def test_a_failing_receiver_never_breaks_the_caller(course, learner, django_capture_on_commit_callbacks, caplog):
    def boom(sender, **kwargs):
        raise ValueError("downstream is down")

    CERTIFICATE_CREATED.connect(boom, weak=False, dispatch_uid="test_events.boom")
    try:
        # send_event is robust outside DEBUG; with DEBUG (the demo) it raises and emit_certificate_events logs it
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(CERTIFICATE_CREATED, "_allow_send_event_failure", True)
            LearnerRecordFactory(user=learner, percent_grade=0.9, passed=True)
            reconcile(django_capture_on_commit_callbacks, learner.pk)
    finally:
        CERTIFICATE_CREATED.disconnect(dispatch_uid="test_events.boom")
    assert Certificate.objects.get(user=learner).status == "downloadable"
    assert "sending the certificate event" in caplog.text


def test_download_url_is_absolute_with_a_base_url(course, learner, sent, settings, django_capture_on_commit_callbacks):
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.com"
    LearnerRecordFactory(user=learner, percent_grade=0.9, passed=True)
    reconcile(django_capture_on_commit_callbacks, learner.pk)
    uuid = Certificate.objects.get(user=learner).verify_uuid
    assert sent[0][1].download_url.startswith("https://lms.example.com/")
    assert sent[0][1].download_url.endswith(f"/{uuid}.pdf")


def test_no_grade_sends_an_empty_grade(course, sent, django_capture_on_commit_callbacks):
    user = UserFactory()
    LearnerRecordFactory(user=user, percent_grade=None, passed=True)
    reconcile(django_capture_on_commit_callbacks, user.pk)
    assert sent[0][1].grade == ""


@pytest.mark.parametrize(
    ("before", "after", "signal"),
    [
        (None, "downloadable", CERTIFICATE_CREATED),
        ("notpassing", "downloadable", CERTIFICATE_CREATED),
        ("downloadable", "downloadable", CERTIFICATE_CHANGED),
        ("downloadable", "notpassing", CERTIFICATE_REVOKED),
        ("downloadable", "unavailable", CERTIFICATE_REVOKED),
        (None, "notpassing", CERTIFICATE_CHANGED),
        ("audit_passing", "audit_notpassing", CERTIFICATE_CHANGED),
    ],
)
def test_signal_for(before, after, signal):
    assert events.signal_for(before, after) is signal


def test_emit_with_no_changes_sends_nothing(sent):
    assert events.emit_certificate_events(COURSE_KEY, []) == 0
    assert sent == []


def test_no_payload_is_built_for_a_signal_nobody_listens_to(course, learner, django_assert_num_queries, monkeypatch):
    """Like Django's Signal.send: without listeners nothing is loaded or sent; with one, it is."""
    LearnerRecordFactory(user=learner, percent_grade=0.85, passed=True)
    engine.reconcile_batch(COURSE_KEY, [learner.pk], engine.Intent(source="job"))
    [change] = [events_change(learner)]
    monkeypatch.setattr(CERTIFICATE_CREATED, "receivers", [])  # a host may listen already (the LMS's event bus)
    assert not CERTIFICATE_CREATED.has_listeners()
    with django_assert_num_queries(0):
        assert events.emit_certificate_events(COURSE_KEY, [change]) == 0
    heard = []
    CERTIFICATE_CREATED.connect(lambda **kw: heard.append(kw["certificate"]), weak=False, dispatch_uid="t.listen")
    try:
        assert events.emit_certificate_events(COURSE_KEY, [change]) == 1
    finally:
        CERTIFICATE_CREATED.disconnect(dispatch_uid="t.listen")
    assert [c.user.id for c in heard] == [learner.pk]


def events_change(user):
    from cert_manager_plugin.engine import CertChange

    return CertChange(user.pk, None, Certificate.objects.get(user=user))
