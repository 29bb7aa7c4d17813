"""Pages under /cert_manager/: web certificate, PDF, learner dashboard, instructor panel (roles)."""

import json
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cert_manager_plugin.models import (
    CertificateException,
    CertificateInvalidation,
    CertificateRevision,
    CertificateTemplate,
    CourseCertificateSettings,
)
from cert_manager_plugin.standalone_host.models import StandaloneCourse
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


def verify(cert) -> str:
    return reverse("cert_manager:certificate-verify", kwargs={"verify_uuid": cert.verify_uuid})


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


def test_revoked_certificate_says_so_but_never_why(client, course):
    cert = CertificateFactory(status="unavailable", source="invalidation")
    html = client.get(web(cert)).content.decode()
    assert "This certificate is no longer valid" in html and "No longer valid" in html
    assert "invalidated" not in html.lower()
    assert "Valid certificate" not in html and pdf(cert) not in html


@pytest.mark.parametrize("source", ["grade_event", "passing_status_event", "enrollment_event", "exception", "job"])
@pytest.mark.parametrize("status", ["notpassing", "unavailable", "audit_passing", "deleted"])
def test_a_once_valid_record_reads_the_same_on_every_public_page_whatever_the_cause(client, course, status, source):
    """No "It is no longer valid." twice, no "Revoked" against the panel's "Not earned", never the reason."""
    cert = CertificateFactory(status=status, source=source, grade=0.2)  # issued once: issued_date set
    for url in (web(cert), verify(cert)):
        html = client.get(url).content.decode()
        text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
        assert "This certificate is no longer valid" in text and "Status No longer valid" in text, url
        assert text.count("no longer valid") == 1, (url, text)
        for why in ("requirements", "Revoked", "revoked", "below passing", "Not earned", "enrollment", "exception"):
            assert why not in text, (url, why)
    body = client.get(f"/api/cert_manager/v1/verify/{cert.verify_uuid}").json()
    assert (body["valid"], body["revoked_reason"]) == (False, "It is no longer valid.")


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


@pytest.mark.parametrize("page", [web, verify, pdf])
def test_public_pages_answer_head_and_refuse_writes(client, course, page):
    """HEAD gives the GET's validators without a body (cert_manager_plugin.caching); a POST is still a 405."""
    cert = CertificateFactory()
    head = client.head(page(cert))
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == client.get(page(cert))["ETag"]
    assert client.post(page(cert)).status_code == 405


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


def test_learners_read_the_course_name_never_its_id(client, course):
    mine = CertificateFactory()
    client.force_login(mine.user)
    html = client.get(DASHBOARD).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert course.display_name in text and COURSE_ID not in text, text
    if django_apps.is_installed("cert_manager_plugin.standalone_host"):  # no name: the course number
        StandaloneCourse.objects.filter(course_key=COURSE_KEY).update(display_name="")
    if django_apps.is_installed("openedx.core.djangoapps.content.course_overviews"):  # inside the LMS host
        django_apps.get_model("course_overviews", "CourseOverview").objects.filter(id=COURSE_KEY).update(
            display_name=""
        )
    text = " ".join(re.sub(r"<[^>]+>", " ", client.get(DASHBOARD).content.decode()).split())
    assert COURSE_KEY.course in text and COURSE_ID not in text, text


def test_request_button_only_where_a_request_would_succeed(client, course):
    """The button shows only when the engine's own rules would issue the certificate; else the reason shows."""
    learner = UserFactory()
    LearnerRecordFactory(user=learner, passed=True, percent_grade=0.8)
    client.force_login(learner)
    html = client.get(DASHBOARD).content.decode()
    assert "Request certificate" not in html
    assert "you will get yours when they generate them" in html, "self-generation off: said so, no button"
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, self_generation_enabled=True)
    html = client.get(DASHBOARD).content.decode()
    assert "Request certificate" in html
    assert f"/api/cert_manager/v1/courses/{COURSE_ID}/me/certificate" in html
    assert "csrfmiddlewaretoken" in html
    assert "cert_manager/jsi18n/" in html, "the script's words come from the JavaScript catalog"


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"passed": False, "percent_grade": 0.2}, "You have not reached the passing grade yet."),
        ({"mode": "audit"}, "Your enrollment mode does not earn a certificate in this course."),
    ],
)
def test_a_learner_who_cannot_get_a_certificate_sees_why_instead_of_a_button(client, course, record, reason):
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, self_generation_enabled=True)
    learner = UserFactory()
    LearnerRecordFactory(user=learner, **record)
    client.force_login(learner)
    html = client.get(DASHBOARD).content.decode()
    assert "Request certificate" not in html
    assert reason in html


def test_held_until_course_end_says_when(client, course):
    course.end = timezone.now() + timedelta(days=30)
    course.save()
    CourseCertificateSettings.objects.create(
        course_key=COURSE_KEY, self_generation_enabled=True, issue_policy="after_course_end"
    )
    learner = UserFactory()
    LearnerRecordFactory(user=learner)
    client.force_login(learner)
    html = client.get(DASHBOARD).content.decode()
    assert "Request certificate" not in html
    assert "issued after the course ends, on" in html


def test_an_invalidated_learner_is_told_so(client, course):
    cert = CertificateFactory(status="unavailable", source="invalidation")
    LearnerRecordFactory(user=cert.user)
    CertificateInvalidation.objects.create(certificate=cert, notes="x")
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, self_generation_enabled=True)
    client.force_login(cert.user)
    html = client.get(DASHBOARD).content.decode()
    assert "Request certificate" not in html and "invalidated by the course team" in html
    assert web(cert) not in html and pdf(cert) not in html


def test_dashboard_verify_link_opens_the_public_verification_page(client, course):
    cert = CertificateFactory()
    client.force_login(cert.user)
    html = client.get(DASHBOARD).content.decode()
    assert verify(cert) in html and "/api/cert_manager/v1/verify/" not in html
    assert "Download PDF" in html and "View certificate" in html


# --- share actions (copy link, add to LinkedIn) --------------------------------------------------------


def share_block(html: str) -> str:
    """The share actions' markup of a page ("" when it has none)."""
    return html[html.index('<div class="cm-share">') :] if '<div class="cm-share">' in html else ""


def test_dashboard_offers_share_actions_for_valid_certificates_only(client, course, settings):
    settings.CERT_MANAGER_BASE_URL = "https://certs.example.com"
    settings.SOCIAL_SHARING_SETTINGS = {}
    valid = CertificateFactory()
    revoked = CertificateFactory(user=valid.user, course_key="course-v1:TestX+Other+2026", status="notpassing")
    client.force_login(valid.user)
    html = client.get(DASHBOARD).content.decode()

    assert html.count('class="cm-share"') == 1, "one card of two is valid"
    link = f"https://certs.example.com{verify(valid)}"
    assert f'data-url="{link}"' in html and f'value="{link}"' in html, "the absolute public verification link"
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&amp;" in html
    assert f"certId={valid.verify_uuid}" in html and verify(revoked) not in html
    assert 'role="status" aria-live="polite"' in share_block(html)
    assert "js/share.js" in html


def test_certificate_page_offers_share_actions_to_its_owner_only(client, course):
    cert = CertificateFactory()
    assert share_block(client.get(web(cert)).content.decode()) == "", "an anonymous visitor gets none"
    client.force_login(UserFactory())
    assert share_block(client.get(web(cert)).content.decode()) == "", "nor does anyone else signed in"
    client.force_login(cert.user)
    response = client.get(web(cert))
    block = share_block(response.content.decode())
    assert "Copy link" in block and "Add to LinkedIn" in block and verify(cert) in block
    assert "Cookie" in response["Vary"], "the owner's page is never cached for anyone else"


@pytest.mark.parametrize("status", ["notpassing", "unavailable", "deleted", "audit_passing"])
def test_an_owner_of_a_certificate_that_is_not_valid_gets_no_share_actions(client, course, status):
    cert = CertificateFactory(status=status)
    client.force_login(cert.user)
    assert share_block(client.get(web(cert)).content.decode()) == ""
    assert share_block(client.get(DASHBOARD).content.decode()) == ""


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
        assert ("cm-badge-ro" in html) is (not manage)
        assert ('id="cm-delete-all-open"' in html) is manage


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


def test_panel_markup_works_inside_another_page(client, people):
    """One body template for both places: its config, CSRF token, catalog script and dialog are inside .cm-panel."""
    client.force_login(people["instructor"])
    html = client.get(PANEL).content.decode()
    body = html[html.index('<div class="cm-panel" id="cm-panel"') :]
    for inner in ('id="cm-config"', "csrfmiddlewaretoken", "/cert_manager/jsi18n/", '<dialog class="cm-dialog"'):
        assert inner in body, inner
    config = json.loads(html.split('id="cm-config">', 1)[1].split("</script>", 1)[0])
    assert config["labels"]["statuses"]["downloadable"] == "Valid"
    assert config["exceptionStatusUrl"].endswith("/exception-status.json")
    assert "00000000-0000-0000-0000-000000000000" in config["certificateUrl"]


@pytest.mark.parametrize("who", ["instructor", "course staff"])
def test_panel_section_links_lead_to_every_section_the_role_sees(client, people, who):
    """The section navigation (a phone's way around the long panel) names each section shown, in order, no more."""
    client.force_login(people[who])
    html = client.get(PANEL).content.decode()
    nav = html[html.index('<nav class="cm-toc"') : html.index("</nav>")]
    links = re.findall(r'<a href="#(cm-[\w-]+)">', nav)
    sections = re.findall(r'<section class="cm-card[^"]*" id="(cm-[\w-]+)" aria-labelledby="\1-title"', html)
    assert links == sections and len(sections) == len(re.findall(r"<section ", html))
    assert ("cm-delete-all" in links) is (who == "instructor")
    for section in sections:  # each heading the links focus exists once
        assert html.count(f'id="{section}-title"') == 1


def test_panel_inputs_have_labels_not_placeholders(client, people):
    client.force_login(people["instructor"])
    html = client.get(PANEL).content.decode()
    assert "placeholder=" not in html
    for control in re.findall(r'<(?:input|select)[^>]*id="([^"]+)"', html):
        if control == "cm-config":
            continue
        assert f'for="{control}"' in html, f"#{control} has no <label>"


STATIC = Path(__file__).resolve().parents[1] / "cert_manager_plugin" / "static" / "cert_manager_plugin"


def test_css_never_styles_the_host_page():
    """Inside the LMS the stylesheet must not restyle anything but the plugin's own .cm-* elements."""
    css = (STATIC / "css" / "cert_manager.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = []
    for block in re.findall(r"([^{}]+)\{[^{}]*\}", re.sub(r"@(media|container)[^{]*\{", "", css)):
        selectors += [s.strip() for s in block.split(",") if s.strip()]
    assert selectors
    unscoped = [s for s in selectors if not s.startswith(".cm-")]
    assert not unscoped, unscoped


def test_panel_script_needs_nothing_outside_the_panel():
    js = (STATIC / "js" / "instructor_panel.js").read_text()
    assert "document.body" not in js and 'getElementById("cm-config")' not in js
    assert 'root.querySelector("#cm-config")' in js


# --- web certificate of a certificate that is not valid (issue 8, item 3) -------------------------------------

ACHIEVEMENT = ("has successfully completed", "Certificate of Achievement", "This is to certify that", "Grade")


def invalid_statuses():
    from cert_manager_plugin.data import CertificateStatus

    return [s.value for s in CertificateStatus if s != CertificateStatus.DOWNLOADABLE]


@pytest.mark.parametrize("status", invalid_statuses())
def test_a_certificate_that_is_not_valid_shows_no_grade_and_no_achievement(client, course, status):
    cert = CertificateFactory(status=status, grade=0.37, source="grade_event")
    CertificateRevision.objects.create(
        certificate=cert,
        revision=1,
        status="downloadable",
        grade=0.91,
        name=cert.name,
        source="grade_event",
        valid_from=cert.created - timedelta(days=10),
        superseded_at=cert.created,
        superseded_by_source="grade_event",
    )
    CertificateRevision.objects.create(
        certificate=cert,
        revision=2,
        status="notpassing",
        grade=0.42,
        name=cert.name,
        source="grade_event",
        valid_from=cert.created,
        superseded_at=cert.modified,
        superseded_by_source="grade_event",
    )
    cert.revision = 3
    cert.save()
    for url in (web(cert), verify(cert)):
        html = client.get(url).content.decode()
        for words in ACHIEVEMENT:
            assert words not in html, (url, words)
        for grade in ("37%", "91%", "42%", "37 %", "91 %"):
            assert grade not in html, (url, grade)
        assert 'id="certificate-history"' in html and "Revision 1: valid from" in html, "the valid revision, dated"
        # every state, numbered consecutively; a state that was not valid says only so (issue 14, item 5)
        assert "Revision 2: no longer valid from" in html
        assert "Revision 3, the current one: no longer valid since" in html
        assert pdf(cert) not in html


def test_a_custom_template_is_not_rendered_for_a_certificate_that_is_not_valid(client, course):
    CertificateTemplate.objects.create(
        name="t", html="<h2 class='custom'>{{ learner_name }} passed with {{ grade }}</h2>"
    )
    cert = CertificateFactory(status="unavailable", source="invalidation", grade=0.91)
    html = client.get(web(cert)).content.decode()
    assert "class='custom'" not in html and "passed with" not in html
    assert "This certificate is no longer valid" in html and "No longer valid" in html


def test_a_never_issued_certificate_says_not_issued_without_the_reason(client, course):
    cert = CertificateFactory(status="notpassing", issued_date=None, grade=0.2)
    html = client.get(web(cert)).content.decode()
    assert "No valid certificate" in html and "Not issued" in html
    assert "below passing" not in html and "20%" not in html


def test_verify_page_is_public_and_says_whether_the_certificate_is_valid(client, course):
    cert = CertificateFactory(name="Bilbo Baggins", grade=0.95)
    response = client.get(verify(cert))
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    assert "This certificate is valid." in html and "Bilbo Baggins" in html and "Certificates 101" in html
    assert web(cert) in html and str(cert.verify_uuid) in html
    assert cert.user.email not in html and cert.user.username not in html
    assert client.get(f"/cert_manager/certificates/{uuid.uuid4()}/verify/").status_code == 404


def test_web_certificate_offers_the_pdf_first_and_the_verification_page(client, course):
    cert = CertificateFactory()
    html = client.get(web(cert)).content.decode()
    assert html.index(pdf(cert)) < html.index('class="cm-certificate"'), "Download PDF before the certificate body"
    assert verify(cert) in html


# --- the panel's exception-status helper ---------------------------------------------------------------------

STATUS_URL = reverse("cert_manager:instructor-exception-status", kwargs={"course_id": COURSE_ID})


def test_exception_status_says_why_an_exception_cannot_produce_a_certificate(client, people):
    instructor = people["instructor"]
    audit = LearnerRecordFactory(user=UserFactory(username="audi"), mode="audit", passed=False).user
    pending = LearnerRecordFactory(user=UserFactory(username="pend"), passed=False, percent_grade=0.1).user
    gone = LearnerRecordFactory(user=UserFactory(username="gone"), is_active=False).user
    issued = CertificateFactory(user=UserFactory(username="done")).user
    for user in (audit, pending, gone, issued):
        CertificateException.objects.create(user=user, course_key=COURSE_KEY, granted_by=instructor)
    client.force_login(instructor)
    learners = client.get(STATUS_URL).json()["learners"]
    assert learners["audi"]["state"] == "blocked" and learners["audi"]["reason"] == "mode_not_eligible"
    assert "Enrolled as Audit" in learners["audi"]["message"] and "eligible modes" in learners["audi"]["message"]
    assert learners["pend"] == {
        "state": "pending",
        "reason": "pending",
        "message": "Not generated yet: use “Generate exception certificates”.",
    }
    assert learners["gone"]["state"] == "blocked" and learners["gone"]["reason"] == "not_enrolled"
    assert learners["done"]["state"] == "issued"


@pytest.mark.parametrize(("who", "code"), [("learner", 403), ("other learner", 403), ("course staff", 200)])
def test_exception_status_is_for_the_course_team(client, people, who, code):
    client.force_login(people[who])
    assert client.get(STATUS_URL).status_code == code


def test_exception_status_queries_do_not_grow_with_the_list(client, people, django_assert_max_num_queries):
    for n in range(30):
        user = LearnerRecordFactory(user=UserFactory(username=f"x{n}"), mode="audit").user
        CertificateException.objects.create(user=user, course_key=COURSE_KEY)
    client.force_login(people["instructor"])
    with django_assert_max_num_queries(14):
        assert len(client.get(STATUS_URL).json()["learners"]) == 30


@pytest.mark.parametrize("print_grade", [True, False])
def test_verify_page_shows_the_grade_when_the_course_prints_grades_like_the_verify_api(client, course, print_grade):
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, print_grade=print_grade)
    cert = CertificateFactory(grade=0.87)
    for url in (web(cert), verify(cert)):
        assert ("87%" in client.get(url).content.decode()) is print_grade, url
    body = client.get(f"/api/cert_manager/v1/verify/{cert.verify_uuid}").json()
    assert body["grade"] == (0.87 if print_grade else None)


# --- a learner's story on the public pages (issue 14, item 5) ----------------------------------------------

#: Words that would tell the public why a certificate changed or stopped being valid.
CAUSE_WORDS = (
    "nvalidat", "elete", "Grade change", "grade drop", "below passing", "Not earned", "Revoked", "revoked",
    "notpassing", "unavailable", "grade_event", "course team", "Course team", "requirements",
)  # fmt: skip


def history_items(html: str) -> list[tuple[int, str]]:
    """(number, text) of each item of the public history, in page order."""
    section = html.split('id="certificate-history"', 1)[1].split("</section>", 1)[0]
    found = re.findall(r'<li data-number="(\d+)"[^>]*>(.*?)</li>', section, flags=re.S)
    return [(int(number), " ".join(re.sub(r"<[^>]+>", " ", text).split())) for number, text in found]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("print_grade", [True, False])
def test_verify_page_tells_the_85_95_40_95_story_in_order_with_times_and_no_cause(client, course, print_grade):
    from cert_manager_plugin import api
    from cert_manager_plugin.models import Certificate
    from tests import lms_events

    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, print_grade=print_grade)
    learner = UserFactory(username="bilbo", first_name="Bilbo", last_name="Baggins")
    lms_events.enroll(learner, COURSE_KEY, "verified")
    for percent, passed in ((0.85, True), (0.95, True), (0.40, False), (0.95, True)):
        lms_events.grade(learner.pk, COURSE_KEY, percent, passed=passed)
    cert = Certificate.objects.get(user=learner)
    states = [*CertificateRevision.objects.filter(certificate=cert).order_by("-revision")]
    expected = [cert.revision, *(r.revision for r in states)]
    assert expected == [4, 3, 2, 1], "the engine wrote four states"
    for url in (verify(cert), web(cert)):
        html = client.get(url).content.decode()
        items = history_items(html)
        assert [number for number, _ in items] == expected, "consecutive, newest first"
        current, dropped, second, first = (text for _, text in items)
        assert current.startswith("Revision 4, the current one: valid since")
        assert dropped.startswith("Revision 3: no longer valid from") and "%" not in dropped
        assert second.startswith("Revision 2: valid from") and first.startswith("Revision 1: valid from")
        for text in (current, dropped, second, first):
            # English DATETIME_FORMAT's "P": "1:05 p.m.", and on the hour "1 p.m.", "noon", "midnight"
            assert re.search(r"\d{1,2}(:\d{2})? [ap]\.m\.|noon|midnight", text), ("a time of day, not a date", text)
        grades = [("95%" in current), ("95%" in second), ("85%" in first)]
        assert grades == [print_grade] * 3, (url, items)
        assert "40%" not in html
        text = " ".join(re.sub(r"<[^>]+>", " ", html).split())  # what a reader sees
        for why in CAUSE_WORDS:
            assert why not in text, (url, why)
    api.invalidate_certificate(COURSE_KEY, "bilbo", notes="copied the exam")
    for url in (verify(cert), web(cert)):
        html = client.get(url).content.decode()
        items = history_items(html)
        assert [number for number, _ in items] == [5, 4, 3, 2, 1]
        assert items[0][1].startswith("Revision 5, the current one: no longer valid since")
        assert "%" not in " ".join(text for _, text in items), "a certificate that is not valid shows no grade"
        text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
        for why in (*CAUSE_WORDS, "copied the exam"):
            assert why not in text, (url, why)


# --- verifiable credentials: "Download credential" and the credential check page (issue 16) ---------------

CHECK = "/cert_manager/credentials/verify/"


def credential_url(cert) -> str:
    return reverse("cert_manager:certificate-credential", kwargs={"verify_uuid": cert.verify_uuid})


@pytest.fixture
def signing(settings):
    """A demo signing key and an absolute base URL (the issuer's did:web host)."""
    from cert_manager_plugin.credentials import keys

    settings.CERT_MANAGER_VC_DEMO_KEY = True
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.com"
    keys.forget_loaded_keys()
    return settings


def test_the_owner_downloads_their_credential_as_a_json_file(client, course, signing):
    cert = CertificateFactory()
    client.force_login(cert.user)
    response = client.get(credential_url(cert))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="credential-{cert.verify_uuid}-r{cert.revision}.json"'
    )
    assert response["Content-Type"].startswith("application/json")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"] and document["proof"]["proofValue"]
    assert cert.user.email not in response.content.decode()


def test_nobody_else_downloads_a_credential(client, course, signing):
    cert = CertificateFactory()
    anonymous = client.get(credential_url(cert))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client.force_login(UserFactory())
    assert client.get(credential_url(cert)).status_code == 404
    assert client.get(f"/cert_manager/certificates/{uuid.uuid4()}/credential.json").status_code == 404
    revoked = CertificateFactory(status="notpassing", course_key="course-v1:TestX+Other+2026")
    client.force_login(revoked.user)
    assert client.get(credential_url(revoked)).status_code == 404


def test_without_a_signing_key_the_download_says_so(client, course, settings):
    settings.CERT_MANAGER_VC_DEMO_KEY = False
    cert = CertificateFactory()
    client.force_login(cert.user)
    response = client.get(credential_url(cert))
    assert response.status_code == 503 and b"no signing key" in response.content
    assert "Download credential" not in client.get(DASHBOARD).content.decode(), "no link to a 503"
    assert "certificate-credential-link" not in client.get(web(cert)).content.decode()


def test_download_credential_sits_by_the_pdf_link_for_the_owner_only(client, course, signing):
    cert = CertificateFactory()
    assert credential_url(cert) not in client.get(web(cert)).content.decode(), "not on the public page"
    client.force_login(cert.user)
    page = client.get(web(cert)).content.decode()
    assert f'id="certificate-credential-link" href="{credential_url(cert)}" download' in page
    assert page.index("certificate-pdf-link") < page.index("certificate-credential-link")
    dashboard = client.get(DASHBOARD).content.decode()
    assert credential_url(cert) in dashboard and "Download credential" in dashboard
    invalid = CertificateFactory(user=cert.user, course_key="course-v1:TestX+Other+2026", status="notpassing")
    assert credential_url(invalid) not in client.get(DASHBOARD).content.decode()


def test_the_learners_pages_say_when_the_credential_expires_and_that_it_has(client, course, signing):
    """A course expiry prints beside "Download credential": until when, or that a verifier now reads it as expired."""
    from cert_manager_plugin import api
    from cert_manager_plugin.credentials.models import CourseCredentialSettings

    fresh = CertificateFactory(issued_date=timezone.now() - timedelta(days=10))
    old = CertificateFactory(
        user=fresh.user, course_key="course-v1:TestX+Old+2025", issued_date=timezone.now() - timedelta(days=400)
    )
    never = CertificateFactory(user=fresh.user, course_key="course-v1:TestX+Never+2025")
    client.force_login(fresh.user)
    assert "cm-credential-until" not in client.get(DASHBOARD).content.decode(), "no expiry set: nothing said"
    CourseCredentialSettings.objects.create(course_key=fresh.course_key, valid_for_days=365)
    CourseCredentialSettings.objects.create(course_key=old.course_key, valid_for_days=365)
    dashboard = client.get(DASHBOARD).content.decode()
    assert dashboard.count('data-expired="false"') == 1 and dashboard.count('data-expired="true"') == 1
    assert "Its credential is valid until" in dashboard and "Its credential expired on" in dashboard
    cards = {card.split('"', 1)[0]: card for card in dashboard.split('data-course-id="')[1:]}
    assert "valid until" in cards[str(fresh.course_key)] and "expired on" in cards[str(old.course_key)]
    assert "cm-credential-until" not in cards[str(never.course_key)]
    page = client.get(web(old)).content.decode()
    assert 'data-expired="true"' in page and "a verifier now reads it as expired" in page
    assert "cm-credential-until" not in client.get(web(never)).content.decode()
    client.logout()
    assert "cm-credential-until" not in client.get(web(old)).content.decode(), "the owner's page only"
    with CaptureQueriesContext(connection) as queries:
        dates = api.credential_expiry_dates(
            [(fresh.course_key, fresh.issued_date), (old.course_key, old.issued_date), (never.course_key, None)]
        )
    assert len(queries) == 1
    assert dates == [fresh.issued_date + timedelta(days=365), old.issued_date + timedelta(days=365), None]


def test_the_verify_page_links_to_the_credential_check(client, course):
    cert = CertificateFactory()
    html = client.get(verify(cert)).content.decode()
    assert f'id="verify-credential-link" href="{CHECK}"' in html


def check(client, text: str | None = None, **data):
    """POST a credential to the check page (pasted text, or a file in ``data``)."""
    if text is not None:
        data["credential"] = text
    return client.post(CHECK, data)


def result(response) -> str:
    """The check page's answer, as a reader sees it."""
    import html

    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def test_the_check_page_is_a_csrf_protected_form_that_is_never_cached(course):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    page = strict.get(CHECK)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html and 'enctype="multipart/form-data"' in html
    assert 'name="credential"' in html and 'dir="ltr"' in html and 'name="credential_file"' in html
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    assert strict.post(CHECK, {"credential": "{}"}).status_code == 403, "no token, no answer"


def test_the_check_page_answers_valid_and_invalid_signature(client, course, signing):
    cert = CertificateFactory()
    client.force_login(cert.user)
    text = client.get(credential_url(cert)).content.decode()
    client.logout()
    valid = check(client, text)
    assert valid.status_code == 200
    assert "This credential is valid." in result(valid) and "Signature: verified" in result(valid)
    assert 'data-state="valid"' in valid.content.decode()
    tampered = json.loads(text)
    tampered["name"] = "Another course"
    answer = result(check(client, json.dumps(tampered)))
    assert "This credential's signature is not valid." in answer and "Signature: not verified." in answer


def test_the_check_page_reads_an_uploaded_file(client, course, signing):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cert = CertificateFactory()
    client.force_login(cert.user)
    body = client.get(credential_url(cert)).content
    upload = SimpleUploadedFile("credential.json", b"\xef\xbb\xbf" + body, "application/json")
    assert "This credential is valid." in result(check(client, credential_file=upload))


def test_the_check_page_states_every_status_in_plain_words(client, course, signing):
    from cert_manager_plugin import api
    from cert_manager_plugin.credentials import api as credentials_api
    from tests.credentials_support import certificate_of, learner_at, regrade

    record = learner_at(0.8)
    first = credentials_api.credential_for(certificate_of(record).pk)
    regrade(record, 0.3, passed=False)
    assert "This credential is suspended." in result(check(client, json.dumps(first)))
    assert "below passing" in result(check(client, json.dumps(first)))
    regrade(record, 0.9, passed=True)
    second = credentials_api.credential_for(certificate_of(record).pk)
    assert "superseded by a newer version" in result(check(client, json.dumps(first)))
    assert "This credential is valid." in result(check(client, json.dumps(second)))
    api.invalidate_certificate(COURSE_KEY, record.user.username, notes="copied")
    assert "This credential has been revoked." in result(check(client, json.dumps(second)))

    expiring = learner_at(0.8, email="sam@example.com")
    credentials_api.set_valid_for_days(COURSE_KEY, 1)
    cert = certificate_of(expiring)
    type(cert).objects.filter(pk=cert.pk).update(issued_date=timezone.now() - timedelta(days=3))
    old = credentials_api.credential_for(cert.pk)
    assert "This credential has expired." in result(check(client, json.dumps(old)))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Paste a credential or choose its file."),
        ("{not json", "This is not valid JSON (line 1, column 2)"),
        ("[1, 2]", "A credential is a JSON object"),
        ("[" * 30_000 + "]" * 30_000, "This is not valid JSON"),
        ("x" * (70 * 1024), "The credential is too large"),
    ],
    ids=["empty", "bad-json", "not-an-object", "too-deep", "too-large"],
)
def test_the_check_page_explains_what_it_cannot_read(client, course, text, words):
    response = check(client, text)
    assert response.status_code in (400, 413)
    assert words in result(response) and 'role="alert"' in response.content.decode()


def test_the_check_page_refuses_a_huge_body_before_reading_it(client, course):
    response = client.post(CHECK, {"credential": "x" * (200 * 1024)})
    assert response.status_code == 413 and "The credential is too large" in result(response)


def test_the_check_page_stores_nothing(client, course, signing):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cert = CertificateFactory()
    client.force_login(cert.user)
    text = client.get(credential_url(cert)).content.decode()
    client.logout()
    with CaptureQueriesContext(connection) as queries:
        check(client, text)
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


def test_the_check_page_is_right_to_left_in_arabic(client, course):
    from django.utils import translation

    with translation.override("ar"):  # the demo host's test settings; the LMS's middleware reads the header
        html = client.get(CHECK, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in html and 'id="credential-text" name="credential" rows="12" dir="ltr"' in html


# --- instructor panel: verifiable credentials (issue 16) ------------------------------------------------------


def panel_config(html: str) -> dict:
    return json.loads(html.split('id="cm-config">', 1)[1].split("</script>", 1)[0])


@pytest.mark.parametrize(("who", "manage"), [("instructor", True), ("course staff", False)])
def test_panel_shows_the_credential_expiry_when_credentials_are_signed(client, people, signing, who, manage):
    client.force_login(people[who])
    html = client.get(PANEL).content.decode()
    config = panel_config(html)
    assert config["credentialsOn"] is True
    assert config["labels"]["credentialStates"]["suspended"] == "Suspended: grade below passing"
    field = re.search(r'<input id="cm-credential-days"[^>]*>', html).group(0)
    assert 'for="cm-credential-days"' in html and "Credentials valid for (days)" in html
    assert ("readonly" in field) is (not manage), "course staff read it, instructors change it"
    assert ('id="cm-credentials-save"' in html) is manage
    assert 'aria-describedby="cm-credential-days-error cm-credential-days-help"' in field
    assert 'id="cm-feedback-credentials" role="status" aria-live="polite"' in html
    assert '<th scope="col">Credential</th>' in html and 'colspan="7"' in html
    assert 'id="cm-credentials-off"' not in html


def test_panel_says_credentials_are_off_without_a_signing_key(client, people, settings):
    settings.CERT_MANAGER_VC_DEMO_KEY = False
    settings.CERT_MANAGER_VC_KEY_FILE = None
    client.force_login(people["instructor"])
    html = client.get(PANEL).content.decode()
    assert panel_config(html)["credentialsOn"] is False
    off = re.search(r'<p class="cm-note" id="cm-credentials-off">(.*?)</p>', html, re.S).group(1)
    assert "no signing key is configured" in off
    assert "<code>docs/operators/credentials.rst</code>" in off and "<code>CERT_MANAGER_VC_KEY_FILE</code>" in off
    assert 'id="cm-credential-days"' not in html and '<th scope="col">Credential</th>' not in html
    assert 'colspan="6"' in html


@pytest.fixture(autouse=True)
def _fresh_check_rate():
    """Each test starts with no credential checks counted (the rate's counters live in the default cache)."""
    from django.core.cache import cache

    cache.clear()


def carried(data: bytes) -> dict[str, list[bytes]]:
    """The files a PDF carries, by name."""
    import io

    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data)).attachments


def upload(name: str, data: bytes, content_type: str = "application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type)


def test_the_owners_pdf_carries_the_credential_and_the_check_page_reads_it(client, course, signing):
    cert = CertificateFactory()
    public = client.get(pdf(cert))
    assert public.status_code == 200 and carried(public.content) == {}, "anyone with the link: no credential"
    client.force_login(cert.user)
    own = client.get(pdf(cert))
    assert own.status_code == 200 and "private" in own["Cache-Control"] and own["ETag"] != public["ETag"]
    (data,) = carried(own.content)["credential.json"]
    assert json.loads(data)["proof"]["proofValue"] and cert.user.email not in data.decode()
    client.logout()
    answer = check(client, credential_file=upload("certificate.pdf", own.content))
    assert answer.status_code == 200 and "This credential is valid." in result(answer)
    assert "Signature: verified" in result(answer)
    from cert_manager_plugin import api

    api.invalidate_certificate(COURSE_KEY, cert.user.username, notes="copied")
    assert "This credential has been revoked." in result(check(client, credential_file=upload("c.pdf", own.content)))


def test_without_a_signing_key_the_owners_pdf_is_the_public_one(client, course, settings):
    settings.CERT_MANAGER_VC_DEMO_KEY = False
    cert = CertificateFactory()
    client.force_login(cert.user)
    response = client.get(pdf(cert))
    assert response.status_code == 200 and carried(response.content) == {}


def tiny_pdf(*objects: bytes) -> bytes:
    """A PDF of ``objects`` (numbered from 1; the first is the catalog) with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def carrying(stream: bytes, *, kids: bool = False) -> bytes:
    """A one-page PDF carrying ``stream`` (object 5's body) as credential.json; ``kids``: a name tree in a loop."""
    tree = b"<< /Kids [6 0 R] >>" if kids else b"<< /Names [(credential.json) 4 0 R] >>"
    return tiny_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 6 0 R >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Type /Filespec /F (credential.json) /UF (credential.json) /EF << /F 5 0 R >> >>",
        stream,
        tree,
    )


def flate_stream(data: bytes) -> bytes:
    import zlib

    packed = zlib.compress(data, 9)
    return b"<< /Type /EmbeddedFile /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (len(packed), packed)


def test_a_pdf_made_elsewhere_carrying_a_credential_is_read_too(client, course, signing):
    cert = CertificateFactory()
    client.force_login(cert.user)
    body = client.get(credential_url(cert)).content
    client.logout()
    answer = check(client, credential_file=upload("made-elsewhere.pdf", carrying(flate_stream(body))))
    assert "This credential is valid." in result(answer)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("x.pdf", b"hello, not a PDF", "This file is not a PDF."),
        ("x.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40, "This PDF is damaged"),
        ("x.pdf", carrying(flate_stream(b"\0" * 50_000_000)), "The credential in this PDF is too large"),
        ("x.pdf", carrying(b"<< /Filter /FlateDecode /Length 5 >>\nstream\nnope!\nendstream"), "is damaged"),
        ("x.pdf", carrying(b"<< /Filter /DCTDecode /Length 2 >>\nstream\nab\nendstream"), "cannot read"),
        ("x.pdf", carrying(flate_stream(b"{}"), kids=True), "This PDF carries no credential."),
        (
            "x.pdf",
            tiny_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"),
            "no credential",
        ),
        ("x.pdf", carrying(flate_stream(b"\xff\xfe{")), "not a text (UTF-8) file"),
        ("x.pdf", carrying(flate_stream(b"[1]")), "A credential is a JSON object"),
    ],
    ids=[
        "not-a-pdf",
        "broken",
        "inflates-to-50-MB",
        "bad-flate",
        "other-filter",
        "looping-tree",
        "none",
        "binary",
        "not-an-object",
    ],
)
def test_the_check_page_explains_what_it_cannot_read_in_a_pdf(client, course, name, data, words):
    response = check(client, credential_file=upload(name, data))
    assert response.status_code in (400, 413)
    assert words in result(response) and 'role="alert"' in response.content.decode()


def test_a_pasted_text_over_djangos_own_limit_gets_the_pages_answer(client, course):
    response = check(client, "x" * (3 * 1024 * 1024))
    assert response.status_code == 413 and "The credential is too large" in result(response)


def test_the_check_page_refuses_a_pdf_over_its_limit(client, course):
    from cert_manager_plugin.dashboard import views

    data = b"%PDF-1.7\n" + b"0" * (views.PDF_MAX_BYTES + 1)
    response = check(client, credential_file=upload("big.pdf", data))
    assert response.status_code == 413 and "The PDF is too large: the limit is 5 MB." in result(response)
    huge = check(client, credential_file=upload("huge.pdf", data + b"0" * views.FORM_OVERHEAD))
    assert huge.status_code == 413 and "The upload is too large" in result(huge), "refused before it is read"
    within = b"%PDF-1.7\n" + b"0" * (views.PDF_MAX_BYTES - 100)
    answer = check(client, credential_file=upload("big.pdf", within))
    assert answer.status_code == 400 and "This PDF is damaged" in result(answer)


def test_the_check_page_limits_each_clients_rate(client, course, settings):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rate"}}
    cache.clear()  # (the LMS host's tests use a DummyCache, which counts nothing)
    settings.CERT_MANAGER_VC_CHECK_RATE = "2/m"
    assert check(client, "{}").status_code == 200
    assert check(client, "[1]").status_code == 400
    refused = check(client, "[1]")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Too many checks from your address" in result(refused) and 'role="alert"' in refused.content.decode()
    assert client.get(CHECK).status_code == 200, "reading the page is not counted"
    other = client.post(CHECK, {"credential": "[1]"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 400, "another address has its own count"
    settings.CERT_MANAGER_VC_CHECK_RATE = ""
    assert check(client, "[1]").status_code == 400, "an empty rate: no limit"
