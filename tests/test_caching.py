"""HTTP caching of the public certificate responses (cert_manager_plugin.caching): validators, 304s, cache headers."""

from __future__ import annotations

import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from cert_manager_plugin import api, caching, conf
from cert_manager_plugin.data import CertificateStatus
from cert_manager_plugin.models import Certificate, CertificateTemplate, CourseCertificateSettings
from tests.factories import COURSE_KEY, CertificateFactory, LearnerRecordFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCALE = "django.middleware.locale.LocaleMiddleware"
PAGES = ["api", "verify", "web", "pdf"]


def url(page: str, verify_uuid) -> str:
    if page == "api":
        return f"/api/cert_manager/v1/verify/{verify_uuid}"
    name = {"verify": "certificate-verify", "web": "certificate-web", "pdf": "certificate-pdf"}[page]
    return reverse(f"cert_manager:{name}", kwargs={"verify_uuid": verify_uuid})


def aged(cert: Certificate, seconds: int = 120) -> Certificate:
    """The certificate as last changed ``seconds`` ago (a whole-second Last-Modified is sent only then)."""
    Certificate.objects.filter(pk=cert.pk).update(modified=timezone.now() - timedelta(seconds=seconds))
    cert.refresh_from_db()
    return cert


#: What renders each page: a 304 must call none of them.
RENDERERS = {
    "api": "cert_manager_plugin.api.certificate_by_verify_uuid",
    "verify": "cert_manager_plugin.api.web_certificate_context",
    "web": "cert_manager_plugin.api.web_certificate_context",
    "pdf": "cert_manager_plugin.rendering.pdf.render_certificate_pdf",
}


@pytest.fixture
def with_locale(settings):
    """LocaleMiddleware after the session, as the LMS and the demo host run it (not in the test settings)."""
    middleware = list(settings.MIDDLEWARE)
    at = middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
    settings.MIDDLEWARE = [*middleware[:at], LOCALE, *middleware[at:]]


@pytest.mark.parametrize("page", PAGES)
def test_every_public_response_has_validators_and_cache_headers(client, course, page):
    cert = aged(CertificateFactory())
    response = client.get(url(page, cert.verify_uuid))
    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"] == http_date(cert.modified.timestamp())
    assert response["Cache-Control"] == "public, max-age=60, must-revalidate"
    assert {v.strip() for v in response["Vary"].split(",")} >= {"Accept-Language", "Cookie"}


@pytest.mark.parametrize("page", PAGES)
def test_if_none_match_gets_304_without_rendering(client, course, page):
    cert = CertificateFactory()
    etag = client.get(url(page, cert.verify_uuid))["ETag"]
    with mock.patch(RENDERERS[page]) as renderer, CaptureQueriesContext(connection) as queries:
        response = client.get(url(page, cert.verify_uuid), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""
    renderer.assert_not_called()
    assert len(queries) == 1  # the validators' one query
    assert response["ETag"] == etag and "max-age=60" in response["Cache-Control"]


@pytest.mark.parametrize("page", PAGES)
def test_if_modified_since_gets_304_without_rendering(client, course, page):
    cert = aged(CertificateFactory())
    since = http_date(cert.modified.timestamp() + 1)
    with mock.patch(RENDERERS[page]) as renderer:
        response = client.get(url(page, cert.verify_uuid), HTTP_IF_MODIFIED_SINCE=since)
    assert response.status_code == 304
    renderer.assert_not_called()
    older = http_date(cert.modified.timestamp() - 60)
    assert client.get(url(page, cert.verify_uuid), HTTP_IF_MODIFIED_SINCE=older).status_code == 200


def test_a_fresh_change_sends_no_whole_second_last_modified(client, course):
    """Changed less than a second ago: only the ETag validates (a same-second change must not answer 304)."""
    cert = CertificateFactory(modified=timezone.now())
    response = client.get(url("api", cert.verify_uuid))
    assert response.status_code == 200 and response["ETag"] and not response.has_header("Last-Modified")


@pytest.mark.parametrize("page", ["api", "verify", "web"])
def test_head_answers_with_the_same_validators(client, course, page):
    cert = CertificateFactory()
    get, head = client.get(url(page, cert.verify_uuid)), client.head(url(page, cert.verify_uuid))
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"] and head["Cache-Control"] == get["Cache-Control"]


def test_head_of_the_pdf(client, course):
    cert = CertificateFactory()
    head = client.head(url("pdf", cert.verify_uuid))
    assert head.status_code == 200 and head.content == b"" and head["ETag"]


def test_a_revocation_changes_every_etag_and_the_pdf_is_gone(client, course, learner):
    cert = CertificateFactory(user=learner)
    before = {page: client.get(url(page, cert.verify_uuid))["ETag"] for page in PAGES}

    api.invalidate_certificate(COURSE_KEY, "bilbo", notes="plagiarism")
    cert.refresh_from_db()
    assert cert.status != CertificateStatus.DOWNLOADABLE

    for page in ["api", "verify", "web"]:
        response = client.get(url(page, cert.verify_uuid), HTTP_IF_NONE_MATCH=before[page])
        assert response.status_code == 200, page
        assert response["ETag"] != before[page]
    assert client.get(url("api", cert.verify_uuid)).json()["valid"] is False
    assert client.get(url("pdf", cert.verify_uuid), HTTP_IF_NONE_MATCH=before["pdf"]).status_code == 404


def test_a_regrade_is_a_new_revision_and_a_new_etag(client, course, learner):
    LearnerRecordFactory(user=learner, percent_grade=0.95)
    cert = CertificateFactory(user=learner, grade=0.85, name="Bilbo Baggins")
    before = client.get(url("pdf", cert.verify_uuid))["ETag"]

    api.regenerate_certificate(COURSE_KEY, "bilbo")
    cert.refresh_from_db()
    assert cert.revision == 2

    with mock.patch(RENDERERS["pdf"], return_value=b"%PDF-new") as renderer:
        response = client.get(url("pdf", cert.verify_uuid), HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200 and response["ETag"] != before
    renderer.assert_called_once()


def test_course_settings_and_templates_change_the_etag(client, course):
    cert = CertificateFactory()
    first = client.get(url("web", cert.verify_uuid))["ETag"]
    row = CourseCertificateSettings.objects.create(course_key=COURSE_KEY, print_grade=False)
    second = client.get(url("web", cert.verify_uuid))["ETag"]
    CertificateTemplate.objects.create(name="new look", html="<p>{{ learner_name }}</p>")
    third = client.get(url("web", cert.verify_uuid))["ETag"]
    row.delete()
    fourth = client.get(url("web", cert.verify_uuid))["ETag"]
    assert len({first, second, third, fourth}) == 4


def test_a_retired_name_changes_the_etag(client, course):
    """Retirement blanks the name without a new revision: a cache must not keep serving it."""
    cert = CertificateFactory(name="Bilbo Baggins")
    before = client.get(url("api", cert.verify_uuid))["ETag"]
    Certificate.objects.filter(pk=cert.pk).update(name="")
    assert client.get(url("api", cert.verify_uuid), HTTP_IF_NONE_MATCH=before).status_code == 200


def test_retirement_moves_last_modified_so_no_cache_keeps_the_name(client, course):
    """A client that revalidates by date only (If-Modified-Since) gets the page again, without the name."""
    from cert_manager_plugin.retirement import retire_user

    cert = CertificateFactory(name="Bilbo Baggins")
    Certificate.objects.filter(pk=cert.pk).update(modified=timezone.now() - timedelta(minutes=5))
    first = client.get(url("api", cert.verify_uuid))
    retire_user(cert.user_id)
    again = client.get(url("api", cert.verify_uuid), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200 and "Bilbo" not in again.content.decode()


@pytest.mark.parametrize("seconds", [0, 300])
def test_max_age_follows_the_setting(client, course, settings, seconds):
    settings.CERT_MANAGER_PUBLIC_MAX_AGE = seconds
    cert = CertificateFactory()
    for page in PAGES:
        assert client.get(url(page, cert.verify_uuid))["Cache-Control"] == (
            f"public, max-age={seconds}, must-revalidate"
        )


@pytest.mark.parametrize(("value", "used"), [(None, 60), ("120", 120), ("soon", 60), (-5, 0)])
def test_max_age_reads_the_setting_once_and_safely(settings, value, used):
    if value is None:
        del settings.CERT_MANAGER_PUBLIC_MAX_AGE
        conf.cm_settings.reload()  # pytest-django's del sends no setting_changed
    else:
        settings.CERT_MANAGER_PUBLIC_MAX_AGE = value
    assert caching.max_age() == used


def test_the_owners_page_is_private_and_has_its_own_etag(client, course, learner):
    cert = CertificateFactory(user=learner)
    public = client.get(url("web", cert.verify_uuid))
    client.force_login(learner)
    owner = client.get(url("web", cert.verify_uuid))
    assert owner.status_code == 200
    assert owner["Cache-Control"] == "private, no-cache"
    assert "public" not in owner["Cache-Control"] and owner["ETag"] != public["ETag"]
    assert "Cookie" in owner["Vary"]
    # the public copy a cache holds never validates the owner's page (nor the reverse)
    assert client.get(url("web", cert.verify_uuid), HTTP_IF_NONE_MATCH=public["ETag"]).status_code == 200


def test_another_signed_in_user_gets_the_public_page(client, course):
    cert = CertificateFactory()
    anonymous = client.get(url("web", cert.verify_uuid))
    client.force_login(UserFactory())
    other = client.get(url("web", cert.verify_uuid))
    assert other["ETag"] == anonymous["ETag"] and other["Cache-Control"].startswith("public")


@pytest.mark.parametrize("page", PAGES)
def test_each_language_has_its_own_etag(client, course, with_locale, page):
    if "fr" not in dict(settings.LANGUAGES):
        pytest.skip("no French catalog")
    cert = CertificateFactory()
    english = client.get(url(page, cert.verify_uuid), HTTP_ACCEPT_LANGUAGE="en")
    french = client.get(url(page, cert.verify_uuid), HTTP_ACCEPT_LANGUAGE="fr")
    assert english.status_code == french.status_code == 200
    assert english["ETag"] != french["ETag"]
    assert "Accept-Language" in french["Vary"]
    again = client.get(url(page, cert.verify_uuid), HTTP_ACCEPT_LANGUAGE="fr", HTTP_IF_NONE_MATCH=french["ETag"])
    assert again.status_code == 304
    assert client.get(url(page, cert.verify_uuid), HTTP_IF_NONE_MATCH=french["ETag"]).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_unknown_ids_keep_their_404(client, db, page):
    assert client.get(url(page, uuid.uuid4())).status_code == 404


def test_the_pdf_renders_once_per_revision(client, course):
    cert = CertificateFactory()
    with mock.patch(RENDERERS["pdf"], return_value=b"%PDF-1.4 cached") as renderer:
        first = client.get(url("pdf", cert.verify_uuid))
        second = client.get(url("pdf", cert.verify_uuid))
    assert first.content == second.content == b"%PDF-1.4 cached"
    renderer.assert_called_once()
    assert second["Content-Type"] == "application/pdf"


def test_validators_take_one_query_and_none_for_an_unknown_id(db, course):
    cert = CertificateFactory()
    with CaptureQueriesContext(connection) as queries:
        validators = caching.public_validators(cert.verify_uuid, variant="web")
    assert len(queries) == 1
    assert (validators.verify_uuid, validators.revision, validators.status) == (cert.verify_uuid, 1, cert.status)
    assert caching.public_validators(cert.verify_uuid, variant="pdf").etag != validators.etag
    assert validators.variant("owner").etag != validators.etag
    assert caching.public_validators(uuid.uuid4(), variant="web") is None
