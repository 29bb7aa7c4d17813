"""Learner emails on issue, update and revocation."""

import pytest
from django.core import mail

from cert_manager_plugin import api, notifications
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
    assert api.notify_certificate_change(cert, None, force=True)
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
    assert api.notify_changes(changes) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.user.email for c in issued)


def test_mail_server_failure_is_logged_not_raised(settings, course, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    assert not notifications.notify_certificate_change(CertificateFactory(), None, force=True)
