"""Pages under /cert_manager/: web certificate, PDF, learner dashboard, instructor panel (roles)."""

import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from cert_manager_plugin.models import CertificateRevision, CourseCertificateSettings
from tests.factories import (
    COURSE_ID,
    COURSE_KEY,
    CertificateFactory,
    CourseRoleFactory,
    LearnerRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def web(cert) -> str:
    return reverse("cert_manager:certificate-web", kwargs={"verify_uuid": cert.verify_uuid})


def pdf(cert) -> str:
    return reverse("cert_manager:certificate-pdf", kwargs={"verify_uuid": cert.verify_uuid})


PANEL = reverse("cert_manager:instructor-panel", kwargs={"course_id": COURSE_ID})
DASHBOARD = reverse("cert_manager:learner-dashboard")


def test_url_names_and_paths():
    some = uuid.uuid4()
    assert (
        reverse("cert_manager:certificate-web", kwargs={"verify_uuid": some}) == f"/cert_manager/certificates/{some}/"
    )
    assert (
        reverse("cert_manager:certificate-pdf", kwargs={"verify_uuid": some})
        == f"/cert_manager/certificates/{some}.pdf"
    )
    assert DASHBOARD == "/cert_manager/dashboard/"
    assert PANEL == f"/cert_manager/instructor/{COURSE_ID}/"


# --- web certificate --------------------------------------------------------------------------------


def test_web_certificate_is_public_and_shows_the_facts(client, course):
    cert = CertificateFactory(name="Bilbo Baggins", grade=0.95)
    response = client.get(web(cert))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valid certificate" in html and "Bilbo Baggins" in html and "Certificates 101" in html
    assert "95%" in html and str(cert.verify_uuid) in html and "<svg" in html
    assert pdf(cert) in html


def test_grade_hidden_when_not_printed(client, course):
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, print_grade=False)
    cert = CertificateFactory(grade=0.87)
    assert "87%" not in client.get(web(cert)).content.decode()


def test_revoked_certificate_says_so(client, course):
    cert = CertificateFactory(status="unavailable", source="invalidation")
    html = client.get(web(cert)).content.decode()
    assert "This certificate has been revoked" in html
    assert "invalidated by the course team" in html
    assert "Valid certificate" not in html and pdf(cert) not in html


def test_revision_history_is_shown(client, course):
    cert = CertificateFactory(grade=0.95, revision=2)
    CertificateRevision.objects.create(
        certificate=cert,
        revision=1,
        status="downloadable",
        grade=0.85,
        name=cert.name,
        source="grade_event",
        valid_from=cert.created,
        superseded_at=cert.modified,
        superseded_by_source="grade_event",
    )
    html = client.get(web(cert)).content.decode()
    assert "This certificate was updated on" in html
    assert "Revision 1" in html and "85%" in html


def test_custom_template_html_is_used_and_escaped(client, course):
    from cert_manager_plugin.models import CertificateTemplate

    CertificateTemplate.objects.create(
        name="t", html="<h2 class='custom'>{{ learner_name }} did {{ course_name }}</h2>"
    )
    cert = CertificateFactory(name="<script>x</script>")
    html = client.get(web(cert)).content.decode()
    assert "class='custom'" in html and "did Certificates 101" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html


def test_unknown_uuid_is_404(client, course):
    assert client.get(f"/cert_manager/certificates/{uuid.uuid4()}/").status_code == 404
    assert client.get(f"/cert_manager/certificates/{uuid.uuid4()}.pdf").status_code == 404
    assert client.get("/cert_manager/certificates/not-a-uuid/").status_code == 404


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_is_public_for_downloadable_certificates(client, course):
    cert = CertificateFactory()
    response = client.get(pdf(cert))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


@pytest.mark.parametrize("status", ["notpassing", "unavailable", "audit_passing", "error"])
def test_pdf_is_404_unless_downloadable(client, course, status):
    assert client.get(pdf(CertificateFactory(status=status))).status_code == 404


# --- learner dashboard ------------------------------------------------------------------------------


def test_dashboard_needs_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)


def test_dashboard_lists_only_my_certificates(client, course):
    mine = CertificateFactory()
    other = CertificateFactory()
    client.force_login(mine.user)
    html = client.get(DASHBOARD).content.decode()
    assert web(mine) in html and pdf(mine) in html
    assert web(other) not in html


def test_request_button_only_where_self_generation_is_on(client, course):
    learner = UserFactory()
    LearnerRecordFactory(user=learner, passed=False, percent_grade=0.2)
    client.force_login(learner)
    assert "Request certificate" not in client.get(DASHBOARD).content.decode()
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, self_generation_enabled=True)
    html = client.get(DASHBOARD).content.decode()
    assert "Request certificate" in html
    assert f"/api/cert_manager/v1/courses/{COURSE_ID}/me/certificate" in html
    assert "csrfmiddlewaretoken" in html


# --- instructor panel: roles -------------------------------------------------------------------------


@pytest.fixture
def people(course):
    learner = UserFactory(username="learner")
    CertificateFactory(user=learner)
    staff = UserFactory(username="staff")
    CourseRoleFactory(user=staff, role="staff")
    instructor = UserFactory(username="instructor")
    CourseRoleFactory(user=instructor, role="instructor")
    return {
        "learner": learner,
        "other learner": UserFactory(username="other"),
        "course staff": staff,
        "instructor": instructor,
        "global staff": UserFactory(username="admin", is_staff=True),
    }


@pytest.mark.parametrize(
    ("who", "code", "manage"),
    [
        ("learner", 403, None),
        ("other learner", 403, None),
        ("course staff", 200, False),
        ("instructor", 200, True),
        ("global staff", 200, True),
    ],
)
def test_panel_access_by_role(client, people, who, code, manage):
    client.force_login(people[who])
    response = client.get(PANEL)
    assert response.status_code == code
    if code == 200:
        html = response.content.decode()
        assert "Certificates 101" in html and "instructor_panel.js" in html
        assert ('id="cm-generate-all"' in html) is manage
        assert ("read-only" in html) is (not manage)


def test_panel_anonymous_is_sent_to_login(client, course):
    response = client.get(PANEL)
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)


def test_panel_unknown_or_malformed_course(client, people):
    client.force_login(people["global staff"])
    assert client.get("/cert_manager/instructor/course-v1:NoX+None+2020/").status_code == 404
    assert client.get("/cert_manager/instructor/not a course/").status_code == 404


def test_panel_config_points_at_the_rest_api(client, people):
    client.force_login(people["instructor"])
    html = client.get(PANEL).content.decode()
    assert f'"api": "/api/cert_manager/v1/courses/{COURSE_ID}/"' in html
    assert '"canManage": true' in html
