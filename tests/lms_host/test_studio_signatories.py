"""
Inside the LMS, Studio's web-certificate configuration prints on our certificates with no plugin setting.

The course's ``certificates`` block field (Studio: Settings → Certificates; the host keeps it in
``xmodule.modulestore``) and its organization's logo (edx-organizations, the host's stand-in) are read through the
edx_platform adapter: the course title override, the signatories (name, title, organization, signature image) and
the logo appear on the web certificate and in the PDF's text; an inactive configuration prints nothing; what a
course team typed is escaped.
"""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.lms_host.test_plugin_in_lms import enroll, grade_update, make_user, ours

pytestmark = [pytest.mark.lms_host, pytest.mark.django_db]

COURSE_ID = "course-v1:StudioX+SIGN+2026"
COURSE_NAME = "The Course's Own Name"
HOSTILE = '<script>alert("x")</script> & Co'
#: Where Studio's certificate page stores an uploaded signature: a course asset (Files & Uploads).
SIGNATURE_ASSET = "/asset-v1:StudioX+SIGN+2026+type@asset+block@dean.png"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the code schedules after commit (the LMS's requests commit; tests run in one transaction)."""

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


@pytest.fixture
def storage(settings, tmp_path):
    """Uploads (the organization's logo, signature images) in a temporary media root."""
    from cert_manager_plugin.rendering.pdf_images import clear_image_cache

    settings.MEDIA_ROOT = str(tmp_path)
    settings.MEDIA_URL = "/media/"
    clear_image_cache()
    (tmp_path / "signatures").mkdir()
    Image.new("RGB", (160, 50), (20, 40, 160)).save(tmp_path / "signatures" / "dean.png")
    yield tmp_path
    clear_image_cache()


def studio_configuration(course_key, *, active: bool = True, names=("Ada Lovelace", "Grace Hopper")) -> None:
    """What Studio's certificate manager saves in the course block's ``certificates`` field, and the upload."""
    from xmodule.contentstore.content import StaticContent
    from xmodule.contentstore.django import contentstore
    from xmodule.modulestore.models import CourseBlockFields

    buffer = io.BytesIO()
    Image.new("RGB", (160, 50), (20, 40, 160)).save(buffer, format="PNG")
    location = StaticContent.get_location_from_path(SIGNATURE_ASSET)
    contentstore().save(StaticContent(location, "dean.png", "image/png", buffer.getvalue()))

    signatories = [
        {
            "id": 200 + i,
            "name": name,
            "title": f"Title of {name}",
            "organization": f"Organization of {name}",
            "signature_image_path": SIGNATURE_ASSET if i == 0 else "",
        }
        for i, name in enumerate(names)
    ]
    configuration = {
        "id": 100,
        "name": "Certificate",
        "description": "",
        "is_active": active,
        "version": 1,
        "signatories": signatories,
        "course_title": "Title Set In Studio",
        "editing": False,
    }
    CourseBlockFields.objects.update_or_create(
        course_id=course_key, defaults={"certificates": {"certificates": [configuration]}}
    )


def organization_logo(course_key, storage) -> None:
    """The course's organization (edx-organizations) with an uploaded logo."""
    from django.core.files.base import ContentFile

    from organizations.models import Organization, OrganizationCourse

    buffer = io.BytesIO()
    Image.new("RGB", (200, 80), (200, 40, 20)).save(buffer, format="PNG")
    org = Organization(name="Studio University", short_name="StudioX")
    org.logo.save("studiox.png", ContentFile(buffer.getvalue()), save=True)
    OrganizationCourse.objects.create(course_id=str(course_key), organization=org)


def issued(course_key, on_commit):
    learner = make_user("sam")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    return ours(learner, course_key)


def pdf_text(client, cert) -> str:
    response = client.get(f"/cert_manager/certificates/{cert.verify_uuid}.pdf")
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def pdf_images(client, cert) -> int:
    response = client.get(f"/cert_manager/certificates/{cert.verify_uuid}.pdf")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.count(b"/Subtype /Image")


def test_the_adapter_reads_the_active_configuration_and_the_org_logo(course, course_key, storage):
    from cert_manager_plugin import lms

    studio_configuration(course_key)
    organization_logo(course_key, storage)
    config = lms.backend().web_certificate_config(course_key, "verified")
    assert lms.backend_name() == "edx_platform"
    assert config.course_title == "Title Set In Studio"
    assert [s.name for s in config.signatories] == ["Ada Lovelace", "Grace Hopper"], "Studio's order"
    first = config.signatories[0]
    assert (first.title, first.organization) == ("Title of Ada Lovelace", "Organization of Ada Lovelace")
    assert unquote(first.signature_image_url).endswith(SIGNATURE_ASSET), "staticfiles_storage.url, as static.url"
    assert config.signatories[1].signature_image_url == ""
    assert config.org_logo_url.startswith("/media/organization_logos/studiox")


def test_a_studio_configuration_shows_on_the_web_certificate_and_in_the_pdf(
    client, course, course_key, on_commit, storage, settings
):
    settings.MEDIA_URL = "/media/"
    studio_configuration(course_key)
    organization_logo(course_key, storage)
    cert = issued(course_key, on_commit)

    page = client.get(f"/cert_manager/certificates/{cert.verify_uuid}/").content.decode()
    assert "Title Set In Studio" in page and "The Course&#x27;s Own Name" not in page, "the override wins"
    for name in ("Ada Lovelace", "Grace Hopper"):
        assert name in page and f"Title of {name}" in page and f"Organization of {name}" in page
    assert page.index("Ada Lovelace") < page.index("Grace Hopper")
    assert 'src="/media/organization_logos/studiox' in page
    assert "asset-v1%3AStudioX%2BSIGN%2B2026%2Btype%40asset%2Bblock%40dean.png" in page, "static.url of the upload"

    text = pdf_text(client, cert)
    assert "Title Set In Studio" in text and "Own Name" not in text
    for name in ("Ada Lovelace", "Grace Hopper", "Title of Grace Hopper", "Organization of Ada Lovelace"):
        assert name in text
    assert pdf_images(client, cert) == 2, "the logo (media storage) and the signature (content store), not fetched"


def test_an_inactive_configuration_shows_nothing(client, course, course_key, on_commit, storage):
    studio_configuration(course_key, active=False)
    cert = issued(course_key, on_commit)
    page = client.get(f"/cert_manager/certificates/{cert.verify_uuid}/").content.decode()
    assert "Ada Lovelace" not in page and "Title Set In Studio" not in page
    assert "The Course&#x27;s Own Name" in page
    text = pdf_text(client, cert)
    assert "Ada Lovelace" not in text and "The Course's Own Name" in text


def test_a_course_without_a_configuration_prints_as_before(client, course, course_key, on_commit):
    from cert_manager_plugin import lms

    assert lms.backend().web_certificate_config(course_key, "verified") is not None, "the host's default: active"
    cert = issued(course_key, on_commit)
    page = client.get(f"/cert_manager/certificates/{cert.verify_uuid}/").content.decode()
    assert "cm-cert-signatories" not in page


def test_hostile_names_are_escaped_on_the_page_and_printed_as_text_in_the_pdf(
    client, course, course_key, on_commit, storage
):
    studio_configuration(course_key, names=(HOSTILE, "x" * 400))
    cert = issued(course_key, on_commit)
    page = client.get(f"/cert_manager/certificates/{cert.verify_uuid}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    text = pdf_text(client, cert)
    assert '<script>alert("x")</script> & Co' in text, "a PDF prints text, never markup"
    assert "x" * 400 not in text and "\u2026" in text, "a long name is cut to its column"


def test_a_studio_publish_changes_the_public_pages_validators(client, course, course_key, on_commit, storage):
    """A publish rebuilds the course overview (its ``modified`` moves): a cached page is not served past it."""
    from datetime import timedelta

    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    cert = issued(course_key, on_commit)
    url = f"/cert_manager/certificates/{cert.verify_uuid}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    studio_configuration(course_key)  # Studio saves the configuration, then the publish rebuilds the overview:
    later = CourseOverview.objects.get(id=course_key).modified + timedelta(seconds=5)
    CourseOverview.objects.filter(id=course_key).update(modified=later)
    page = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert page.status_code == 200 and page["ETag"] != etag
    assert "Ada Lovelace" in page.content.decode()
