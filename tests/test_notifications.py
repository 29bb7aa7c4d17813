"""Learner emails on issue, update and revocation."""

import pytest
from django.core import mail

from cert_manager_plugin import dispatch, notifications
from cert_manager_plugin.engine import CertChange
from tests.factories import CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.org"


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (None, "downloadable", "issued"),
        ("notpassing", "downloadable", "issued"),
        ("downloadable", "downloadable", "updated"),
        ("downloadable", "notpassing", "revoked"),
        ("downloadable", "unavailable", "revoked"),
        ("notpassing", "notpassing", None),
        (None, "audit_passing", None),
    ],
)
def test_kind(before, after, kind):
    assert notifications.notification_kind(before, after) == kind


def test_issued_mail_has_links_and_grade(course):
    cert = CertificateFactory(user=UserFactory(email="bilbo@example.com", first_name="Bilbo", last_name="B"), grade=0.9)
    assert notifications.notify_certificate_change(cert, None, force=True)
    [message] = mail.outbox
    assert message.to == ["bilbo@example.com"]
    assert "Certificates 101" in message.subject and "ready" in message.subject
    assert f"https://lms.example.org/cert_manager/certificates/{cert.verify_uuid}/" in message.body
    assert "90%" in message.body and "Bilbo B" in message.body


def test_revoked_and_updated_mails(course):
    cert = CertificateFactory(status="unavailable")
    notifications.notify_certificate_change(cert, "downloadable", force=True)
    assert "no longer valid" in mail.outbox[-1].subject
    cert = CertificateFactory(revision=2)
    notifications.notify_certificate_change(cert, "downloadable", force=True)
    assert "updated" in mail.outbox[-1].subject and "revision 2" in mail.outbox[-1].body


def test_disabled_by_default_and_no_mail_without_address(settings, course):
    cert = CertificateFactory()
    assert not notifications.notify_certificate_change(cert, None)
    settings.CERT_MANAGER_EMAILS_ENABLED = True
    no_email = CertificateFactory(user=UserFactory(email=""))
    assert not notifications.notify_certificate_change(no_email, None)
    assert notifications.notify_certificate_change(cert, None)
    assert len(mail.outbox) == 1


def test_notify_changes_from_engine_batch(settings, course):
    settings.CERT_MANAGER_EMAILS_ENABLED = True
    issued = CertificateFactory.create_batch(3)
    quiet = CertificateFactory(status="notpassing")
    changes = [CertChange(c.user_id, None, c) for c in issued] + [CertChange(quiet.user_id, "notpassing", quiet)]
    assert notifications.notify_changes(changes) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.user.email for c in issued)


def test_mail_server_failure_is_logged_not_raised(settings, course, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    assert not notifications.notify_certificate_change(CertificateFactory(), None, force=True)


# --- after a batch commits: mails leave from a Celery task, in batches ----------------------------------------


def written(cert, status=None, pk=True):
    """The engine's view of a certificate it wrote (pk None: created by the batch)."""
    from cert_manager_plugin.engine import WrittenCertificate

    return WrittenCertificate(
        pk=cert.pk if pk else None,
        user_id=cert.user_id,
        course_key=cert.course_key,
        verify_uuid=cert.verify_uuid,
        created=None,
        revision=cert.revision,
        issued_date=cert.issued_date,
        status=status or cert.status,
        mode=cert.mode,
    )


@pytest.fixture
def sent(monkeypatch):
    """The tasks enqueue_notifications hands to dispatch.send_task (captured, not run)."""

    calls = []
    monkeypatch.setattr(dispatch, "send_task", lambda name, args, countdown=None: calls.append((name, args)))
    return calls


def test_enqueue_does_nothing_while_emails_are_off(course, sent):
    cert = CertificateFactory()
    assert notifications.enqueue_notifications([CertChange(cert.user_id, None, cert)]) == 0
    assert sent == [] and mail.outbox == []


def test_enqueue_sends_batches_of_the_configured_size_and_no_mail(settings, course, sent):
    import json

    settings.CERT_MANAGER_EMAILS_ENABLED = True
    settings.CERT_MANAGER_EMAIL_BATCH_SIZE = 2
    issued = CertificateFactory.create_batch(3)
    revoked = CertificateFactory(status="unavailable")
    updated = CertificateFactory(revision=2)
    quiet = CertificateFactory(status="notpassing")
    changes = [
        *(CertChange(c.user_id, None, written(c, pk=False)) for c in issued),
        CertChange(revoked.user_id, "downloadable", written(revoked)),
        CertChange(updated.user_id, "downloadable", updated),
        CertChange(quiet.user_id, "audit_notpassing", written(quiet)),
    ]
    assert notifications.enqueue_notifications(changes) == 5
    assert mail.outbox == [], "nothing is mailed inline"
    assert [name for name, _ in sent] == [notifications.TASK_SEND_EMAILS] * 3
    batches = [args[0] for _, args in sent]
    assert [len(b) for b in batches] == [2, 2, 1]
    assert json.loads(json.dumps(batches)) == batches, "JSON-friendly task arguments"
    course_id = str(issued[0].course_key)
    assert [item for batch in batches for item in batch] == [
        *([c.user_id, course_id, "issued"] for c in issued),
        [revoked.user_id, course_id, "revoked"],
        [updated.user_id, course_id, "updated"],
    ]


def test_enqueue_nothing_to_tell(settings, course, sent):
    settings.CERT_MANAGER_EMAILS_ENABLED = True
    quiet = CertificateFactory(status="notpassing")
    assert notifications.enqueue_notifications([CertChange(quiet.user_id, None, quiet)]) == 0
    assert notifications.enqueue_notifications([]) == 0
    assert sent == []


@pytest.mark.parametrize(("value", "size"), [(None, 200), (0, 200), ("50", 50), (-3, 200), ("x", 200)])
def test_email_batch_size_setting(settings, value, size):
    settings.CERT_MANAGER_EMAIL_BATCH_SIZE = value
    assert notifications.email_batch_size() == size


def test_with_eager_celery_the_mails_arrive(settings, course):
    settings.CERT_MANAGER_EMAILS_ENABLED = True
    settings.CERT_MANAGER_EMAIL_BATCH_SIZE = 2
    issued = CertificateFactory.create_batch(3)
    revoked = CertificateFactory(status="unavailable")
    changes = [CertChange(c.user_id, None, written(c, pk=False)) for c in issued]
    changes.append(CertChange(revoked.user_id, "downloadable", written(revoked)))
    assert notifications.enqueue_notifications(changes) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.user.email for c in [*issued, revoked])
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "ready" in subjects[issued[0].user.email] and "no longer valid" in subjects[revoked.user.email]


# --- the task's work ----------------------------------------------------------------------------------------


def item(cert, kind):
    return [cert.user_id, str(cert.course_key), kind]


def test_send_skips_learners_whose_certificate_changed_since(course):
    ok = CertificateFactory()
    revoked_since = CertificateFactory(status="unavailable")  # "issued" was queued, then it was revoked
    reissued = CertificateFactory()  # "revoked" was queued, then it was issued again
    no_address = CertificateFactory(user=UserFactory(email=""))
    gone = CertificateFactory()
    items = [item(c, "issued") for c in (ok, revoked_since, no_address, gone)] + [item(reissued, "revoked")]
    gone.delete()
    extra = [["x", "y", "issued"], [ok.user_id, str(ok.course_key), "bogus"]]
    counts = notifications.send_certificate_emails([*items, *extra])
    assert counts == {"sent": 1, "skipped": 6, "failed": 0}
    [message] = mail.outbox
    assert message.to == [ok.user.email] and "ready" in message.subject


def test_a_failing_recipient_does_not_stop_the_others(course, monkeypatch, caplog):
    certs = CertificateFactory.create_batch(3)
    real = notifications.send_mail

    def flaky(subject, body, sender, to):
        if to == [certs[1].user.email]:
            raise OSError("mailbox unavailable")
        return real(subject, body, sender, to)

    monkeypatch.setattr(notifications, "send_mail", flaky)
    counts = notifications.send_certificate_emails([item(c, "issued") for c in certs])
    assert counts == {"sent": 2, "skipped": 0, "failed": 1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([certs[0].user.email, certs[2].user.email])
    assert f"could not email user {certs[1].user_id}" in caplog.text


def test_a_batch_costs_the_same_queries_whatever_its_size(course):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n):
        certs = CertificateFactory.create_batch(n, mode="verified")
        with CaptureQueriesContext(connection) as captured:
            assert notifications.send_certificate_emails([item(c, "issued") for c in certs])["sent"] == n
        return len(captured)

    assert queries(2) == queries(12)


# --- inside the LMS: edx-ace --------------------------------------------------------------------------------


@pytest.fixture
def ace(course, settings, monkeypatch):
    """
    edx-ace's Django email channel, as the LMS configures it, with the plugin believing it runs in the LMS.

    edx-ace builds its channels and policies once per process (``edx_ace.utils.once``) from these settings:
    the cache is dropped before and after the test so no other test sees this configuration.
    """
    from edx_ace import channel, policy

    from cert_manager_plugin import lms

    settings.ACE_ENABLED_CHANNELS = ["django_email"]
    settings.ACE_CHANNEL_DEFAULT_EMAIL = "django_email"
    settings.ACE_CHANNEL_TRANSACTIONAL_EMAIL = "django_email"
    settings.ACE_ENABLED_POLICIES = []
    settings.DEFAULT_FROM_EMAIL = "certificates@lms.example.org"
    settings.PLATFORM_NAME = "Example Academy"
    monkeypatch.setattr(type(lms.backend()), "sends_mail_through_ace", True)

    def forget():
        for cached in (channel.channels, policy.policies):
            vars(cached.__wrapped__).pop("__once_result", None)

    forget()
    yield
    forget()


def test_inside_the_lms_mails_go_through_edx_ace(ace, settings, monkeypatch):
    from edx_ace import ace as ace_module

    messages = []
    real_send = ace_module.send
    monkeypatch.setattr(ace_module, "send", lambda msg, **kw: (messages.append(msg), real_send(msg, **kw)))
    monkeypatch.setattr(notifications, "learner_languages", lambda ids: {sorted(ids)[0]: "fr"})
    settings.CERT_MANAGER_EMAILS_ENABLED = True
    bilbo = UserFactory(email="bilbo@example.com", first_name="Bilbo", last_name="Baggins")
    issued = CertificateFactory(user=bilbo, grade=0.9)
    revoked = CertificateFactory(status="unavailable")
    changes = [
        CertChange(bilbo.id, None, written(issued, pk=False)),
        CertChange(revoked.user_id, "downloadable", revoked),
    ]
    assert notifications.enqueue_notifications(changes) == 2  # eager Celery: the task runs now

    assert [(m.name, m.app_label) for m in messages] == [
        ("certificate_issued", "cert_manager_plugin"),
        ("certificate_revoked", "cert_manager_plugin"),
    ]
    first = messages[0]
    assert (first.recipient.lms_user_id, first.recipient.email_address) == (bilbo.id, "bilbo@example.com")
    assert first.language == "fr" and messages[1].language is None
    assert first.context["course_ids"] == [str(issued.course_key)], "the LMS's course email opt-out policy reads it"
    assert first.options == {"transactional": True}

    by_address = {m.to[0]: m for m in mail.outbox}
    message = by_address["bilbo@example.com"]
    link = f"https://lms.example.org/cert_manager/certificates/{issued.verify_uuid}/"
    assert message.subject == "Votre certificat pour Certificates 101 est prêt"  # the learner's language (fr)
    assert message.from_email == "certificates@lms.example.org"
    assert "Bilbo Baggins" in message.body and "Certificates 101" in message.body and link in message.body
    assert "90%" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html and "Bilbo Baggins" in html
    assert "no longer valid" in by_address[revoked.user.email].subject


def test_edx_ace_failures_are_logged_and_the_batch_goes_on(ace, monkeypatch, caplog):
    from edx_ace import ace as ace_module

    certs = CertificateFactory.create_batch(3)
    real_send = ace_module.send

    def flaky(msg, **kwargs):
        if msg.recipient.lms_user_id == certs[0].user_id:
            raise RuntimeError("channel misconfigured")
        return real_send(msg, **kwargs)

    monkeypatch.setattr(ace_module, "send", flaky)
    counts = notifications.send_certificate_emails([item(c, "updated") for c in certs])
    assert counts == {"sent": 2, "skipped": 0, "failed": 1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.user.email for c in certs[1:])
    assert all("was updated" in m.subject for m in mail.outbox)
    assert "channel misconfigured" in caplog.text


def test_learner_languages_outside_edx_platform_is_empty(course):
    assert notifications.learner_languages([1, 2]) == {}
