"""
Side effects of the lms_host stand-ins (they must behave like edx-platform's code they stand in for).

Run: PYTHONPATH=lms_host:. DJANGO_SETTINGS_MODULE=lms.envs.test python -m pytest tests/lms_host -q -p no:cacheprovider
Imports of host modules stay inside the tests: under other settings this module is collected and skipped.
"""

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.lms_host

COURSE_ID = "course-v1:HostX+HX101+2025"
UNKNOWN_COURSE_ID = "course-v1:HostX+Nope+2025"
CERT_UUID = "0123456789abcdef0123456789abcdef"


# Filter pipeline steps used through OPEN_EDX_FILTERS_CONFIG.
try:
    from openedx_filters import PipelineStep
except ImportError:  # pragma: no cover - openedx-filters is a runtime dependency
    PipelineStep = object


class AddFragmentSection(PipelineStep):
    """Append a section the way a plugin does (template_path_prefix + a web_fragments Fragment)."""

    def run_filter(self, context, template_name):
        from web_fragments.fragment import Fragment

        fragment = Fragment("<p id='host-fragment-body'>fragment body</p>")
        fragment.add_css(".host-fragment { color: red; }")
        fragment.add_javascript("window.hostFragmentLoaded = true;")
        context["sections"].append(
            {
                "fragment": fragment,
                "section_key": "host_fragment_section",
                "section_display_name": "Host Fragment",
                "course_id": str(context["course"].id),
                "template_path_prefix": "/instructor_dashboard/",
            }
        )
        return {"context": context, "template_name": template_name}


class RedirectDashboard(PipelineStep):
    def run_filter(self, context, template_name):
        from openedx_filters.learning.filters import InstructorDashboardRenderStarted

        raise InstructorDashboardRenderStarted.RedirectToPage("elsewhere", redirect_to="/elsewhere/")


class RedirectCertificate(PipelineStep):
    def run_filter(self, context, custom_template):
        from openedx_filters.learning.filters import CertificateRenderStarted

        assert context["certificate_id_number"] == CERT_UUID
        raise CertificateRenderStarted.RedirectToPage("elsewhere", redirect_to=f"/cert/{context['course_id']}/")


class PreventTabs(PipelineStep):
    def run_filter(self, tabs, user, course_key):
        from openedx_filters.learning.filters import InstructorDashboardTabsRequested

        raise InstructorDashboardTabsRequested.PreventTabsGeneration(
            "custom", tabs=[{"tab_id": "mine", "title": "Mine", "url": "/mine", "sort_order": 1}]
        )


class PreventCertificateCreation(PipelineStep):
    def run_filter(self, user, course_key, mode, status, grade, generation_mode):
        from openedx_filters.learning.filters import CertificateCreationRequested

        raise CertificateCreationRequested.PreventCertificateCreation("not here")


def _pipeline(filter_type, step):
    return {filter_type: {"fail_silently": False, "pipeline": [f"{__name__}.{step.__name__}"]}}


class Recorder:
    """Receiver that records the kwargs of every send (connected weakly=False, disconnected by the fixture)."""

    def __init__(self):
        self.calls = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)


@pytest.fixture
def record():
    connected = []

    def _record(signal):
        recorder = Recorder()
        signal.connect(recorder, weak=False)
        connected.append((signal, recorder))
        return recorder

    yield _record
    for signal, recorder in connected:
        signal.disconnect(recorder)


@pytest.fixture(autouse=True)
def no_filters(settings):
    """Test the stand-ins' own behaviour: no filter pipeline (the installed plugin configures some)."""
    settings.OPEN_EDX_FILTERS_CONFIG = {}


@pytest.fixture
def course_key():
    from opaque_keys.edx.keys import CourseKey

    return CourseKey.from_string(COURSE_ID)


@pytest.fixture
def course(db, course_key):
    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    return CourseOverview.objects.create(
        id=course_key,
        org="HostX",
        display_name="Host Course",
        display_number_with_default="HX101",
        display_org_with_default="HostX",
        start=datetime(2025, 1, 1, tzinfo=UTC),
        cert_html_view_enabled=True,
    )


def _user(username, **extra):
    from django.contrib.auth import get_user_model

    from common.djangoapps.student.models import UserProfile

    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.com", **extra)
    UserProfile.objects.create(user=user, name=f"{username.title()} Profile")
    return user


@pytest.fixture
def learner(db):
    return _user("learner")


@pytest.fixture
def global_staff(db):
    return _user("staffer", is_staff=True)


@pytest.fixture
def certs_enabled(db):
    from lms.djangoapps.certificates.models import CertificateGenerationConfiguration

    return CertificateGenerationConfiguration.objects.create(enabled=True)


def test_celery_app_is_eager_under_test_settings():
    from lms.celery import APP

    assert APP.main == "proj"
    assert APP.conf.task_always_eager is True
    assert APP.conf.task_default_queue == "edx.lms.core.default"


def test_enroll_sends_enrollment_changed_then_created(record, learner, course, course_key):
    from openedx_events.learning.signals import COURSE_ENROLLMENT_CHANGED, COURSE_ENROLLMENT_CREATED

    from common.djangoapps.student.models import CourseEnrollment

    order = []
    created = record(COURSE_ENROLLMENT_CREATED)
    changed = record(COURSE_ENROLLMENT_CHANGED)
    COURSE_ENROLLMENT_CREATED.connect(lambda **kw: order.append("created"), weak=False, dispatch_uid="o1")
    COURSE_ENROLLMENT_CHANGED.connect(lambda **kw: order.append("changed"), weak=False, dispatch_uid="o2")
    try:
        enrollment = CourseEnrollment.enroll(learner, course_key, mode="verified")
    finally:
        COURSE_ENROLLMENT_CREATED.disconnect(dispatch_uid="o1")
        COURSE_ENROLLMENT_CHANGED.disconnect(dispatch_uid="o2")

    assert order == ["changed", "created"]
    assert len(created.calls) == 1
    assert len(changed.calls) == 1
    payload = created.calls[0]["enrollment"]
    assert payload.user.id == learner.id
    assert payload.user.is_active is True
    assert payload.user.pii.username == "learner"
    assert payload.user.pii.email == "learner@example.com"
    assert payload.user.pii.name == "Learner Profile"
    assert payload.course.course_key == course_key
    assert payload.course.display_name == "Host Course"
    assert payload.mode == "verified"
    assert payload.is_active is True
    assert payload.creation_date == enrollment.created
    assert created.calls[0]["metadata"].event_type == "org.openedx.learning.course.enrollment.created.v1"
    assert CourseEnrollment.is_enrolled(learner, course_key)
    assert CourseEnrollment.enrollment_mode_for_user(learner, course_key) == ("verified", True)
    assert enrollment.course_id == course_key


def test_unenroll_and_mode_change_events(record, learner, course, course_key):
    from openedx_events.learning.signals import COURSE_ENROLLMENT_CHANGED, COURSE_UNENROLLMENT_COMPLETED

    from common.djangoapps.student.models import CourseEnrollment

    enrollment = CourseEnrollment.enroll(learner, course_key, mode="audit")
    changed = record(COURSE_ENROLLMENT_CHANGED)
    unenrolled = record(COURSE_UNENROLLMENT_COMPLETED)

    enrollment.update_enrollment(mode="verified")
    assert [call["enrollment"].mode for call in changed.calls] == ["verified"]
    assert unenrolled.calls == []

    CourseEnrollment.unenroll(learner, course_key)
    assert len(changed.calls) == 2
    assert len(unenrolled.calls) == 1
    assert unenrolled.calls[0]["enrollment"].is_active is False
    assert not CourseEnrollment.is_enrolled(learner, course_key)


def test_persistent_grade_update_or_create_sends_summary_changed(record, learner, course_key):
    from openedx_events.learning.signals import PERSISTENT_GRADE_SUMMARY_CHANGED

    from lms.djangoapps.grades.models import PersistentCourseGrade

    changed = record(PERSISTENT_GRADE_SUMMARY_CHANGED)
    params = {
        "course_edited_timestamp": datetime(2025, 2, 1, tzinfo=UTC),
        "course_version": "v1",
        "grading_policy_hash": "hash",
    }
    grade = PersistentCourseGrade.update_or_create(
        user_id=learner.id, course_id=course_key, percent_grade=0.9, letter_grade="Pass", passed=True, **params
    )
    assert grade.passed_timestamp is not None
    first_passed = grade.passed_timestamp

    grade = PersistentCourseGrade.update_or_create(
        user_id=learner.id, course_id=course_key, percent_grade=0.1, letter_grade="", passed=False, **params
    )
    # edx-platform never clears passed_timestamp, and sends the event on every call.
    assert grade.passed_timestamp == first_passed
    assert len(changed.calls) == 2
    payload = changed.calls[0]["grade"]
    assert payload.user_id == learner.id
    assert payload.course.course_key == course_key
    assert payload.percent_grade == 0.9
    assert payload.letter_grade == "Pass"
    assert payload.passed_timestamp == first_passed
    assert changed.calls[1]["grade"].percent_grade == 0.1


def _certificate(user, course_key, status="downloadable", **extra):
    from lms.djangoapps.certificates.models import GeneratedCertificate

    return GeneratedCertificate(
        user=user,
        course_id=course_key,
        status=status,
        mode="verified",
        grade="0.9",
        name="Learner Profile",
        verify_uuid=CERT_UUID,
        **extra,
    )


def test_downloadable_certificate_save_sends_changed_and_awarded(record, learner, course_key):
    from openedx_events.learning.signals import CERTIFICATE_CHANGED, CERTIFICATE_CREATED, CERTIFICATE_REVOKED

    from openedx.core.djangoapps.signals.signals import COURSE_CERT_AWARDED, COURSE_CERT_CHANGED, COURSE_CERT_REVOKED

    recorders = {
        name: record(signal)
        for name, signal in {
            "COURSE_CERT_CHANGED": COURSE_CERT_CHANGED,
            "COURSE_CERT_AWARDED": COURSE_CERT_AWARDED,
            "COURSE_CERT_REVOKED": COURSE_CERT_REVOKED,
            "CERTIFICATE_CHANGED": CERTIFICATE_CHANGED,
            "CERTIFICATE_CREATED": CERTIFICATE_CREATED,
            "CERTIFICATE_REVOKED": CERTIFICATE_REVOKED,
        }.items()
    }
    cert = _certificate(learner, course_key)
    cert.save()

    def mine(name):
        calls = recorders[name].calls
        if name.startswith("COURSE_CERT"):
            return [c for c in calls if c["user"] == learner and c["course_key"] == course_key]
        return [c for c in calls if c["certificate"].user.id == learner.id]

    counts = {name: len(mine(name)) for name in recorders}
    assert counts == {
        "COURSE_CERT_CHANGED": 1,
        "COURSE_CERT_AWARDED": 1,
        "COURSE_CERT_REVOKED": 0,
        "CERTIFICATE_CHANGED": 1,
        "CERTIFICATE_CREATED": 1,
        "CERTIFICATE_REVOKED": 0,
    }
    awarded = mine("COURSE_CERT_AWARDED")[0]
    assert awarded["sender"].__name__ == "GeneratedCertificate"
    assert (awarded["mode"], awarded["status"]) == ("verified", "downloadable")
    data = mine("CERTIFICATE_CREATED")[0]["certificate"]
    assert data.user.pii.name == "Learner Profile"
    assert data.course.course_key == course_key
    assert (data.mode, data.grade, data.current_status, data.name) == ("verified", "0.9", "downloadable", cert.name)


def test_non_passing_save_sends_only_changed(record, learner, course_key):
    from openedx_events.learning.signals import CERTIFICATE_CHANGED, CERTIFICATE_CREATED

    from openedx.core.djangoapps.signals.signals import COURSE_CERT_AWARDED, COURSE_CERT_CHANGED

    changed, awarded = record(COURSE_CERT_CHANGED), record(COURSE_CERT_AWARDED)
    event_changed, event_created = record(CERTIFICATE_CHANGED), record(CERTIFICATE_CREATED)
    _certificate(learner, course_key, status="notpassing").save()
    assert [len(r.calls) for r in (changed, awarded, event_changed, event_created)] == [1, 0, 1, 0]


def test_invalidate_sends_revoked(record, learner, course, course_key):
    from openedx_events.learning.signals import CERTIFICATE_CHANGED, CERTIFICATE_REVOKED

    from common.djangoapps.student.models import CourseEnrollment
    from openedx.core.djangoapps.signals.signals import COURSE_CERT_CHANGED, COURSE_CERT_REVOKED

    CourseEnrollment.enroll(learner, course_key, mode="verified")
    cert = _certificate(learner, course_key)
    cert.save()
    changed, revoked = record(COURSE_CERT_CHANGED), record(COURSE_CERT_REVOKED)
    event_changed, event_revoked = record(CERTIFICATE_CHANGED), record(CERTIFICATE_REVOKED)

    cert.invalidate(source="test")

    cert.refresh_from_db()
    assert (cert.status, cert.grade, cert.download_url) == ("unavailable", "", "")
    assert [len(r.calls) for r in (changed, revoked, event_changed, event_revoked)] == [1, 1, 1, 1]
    assert revoked.calls[0]["status"] == "unavailable"
    assert revoked.calls[0]["mode"] == "verified"
    assert event_revoked.calls[0]["certificate"].current_status == "unavailable"


def test_certificate_history_rows(learner, course_key):
    cert = _certificate(learner, course_key)
    cert.save()
    cert.mark_notpassing(mode="verified", grade=0.2)
    history = list(cert.history.order_by("history_id").values_list("history_type", "status", "grade"))
    assert history == [("+", "downloadable", "0.9"), ("~", "notpassing", "0.2")]


def test_passed_statuses():
    from lms.djangoapps.certificates.data import CertificateStatuses

    assert CertificateStatuses.PASSED_STATUSES == ("downloadable", "generating")
    assert CertificateStatuses.is_passing_status("generating")
    assert not CertificateStatuses.is_passing_status("unverified")


def test_generation_filter_prevents_creation(settings, learner, course, course_key):
    from lms.djangoapps.certificates.generation_handler import (
        CertificateGenerationNotAllowed,
        _generate_certificate_task,
    )

    settings.OPEN_EDX_FILTERS_CONFIG = _pipeline(
        "org.openedx.learning.certificate.creation.requested.v1", PreventCertificateCreation
    )
    with pytest.raises(CertificateGenerationNotAllowed):
        _generate_certificate_task(user=learner, course_key=course_key, enrollment_mode="verified", course_grade=None)


def test_generate_certificate_task_creates_downloadable_certificate(settings, learner, course, course_key):
    from common.djangoapps.student.models import CourseEnrollment
    from lms.djangoapps.certificates.generation_handler import generate_certificate_task
    from lms.djangoapps.certificates.models import GeneratedCertificate
    from lms.djangoapps.grades.models import PersistentCourseGrade

    settings.CERTIFICATES_HTML_VIEW = True
    CourseEnrollment.enroll(learner, course_key, mode="verified")
    PersistentCourseGrade.update_or_create(
        user_id=learner.id, course_id=course_key, percent_grade=0.8, letter_grade="Pass", passed=True
    )

    assert generate_certificate_task(learner, course_key) is True

    cert = GeneratedCertificate.objects.get(user=learner, course_id=course_key)
    assert cert.status == "downloadable"
    assert cert.mode == "verified"
    assert len(cert.verify_uuid) == 32


def test_certificate_web_view(settings, client, learner, course, course_key):
    settings.CERTIFICATES_HTML_VIEW = True
    _certificate(learner, course_key).save()

    response = client.get(f"/certificates/{CERT_UUID}")
    assert response.status_code == 200
    assert b"LMS certificate" in response.content

    settings.OPEN_EDX_FILTERS_CONFIG = _pipeline(
        "org.openedx.learning.certificate.render.started.v1", RedirectCertificate
    )
    response = client.get(f"/certificates/{CERT_UUID}")
    assert response.status_code == 302
    assert response["Location"] == f"/cert/{COURSE_ID}/"

    assert client.get("/certificates/" + "f" * 32).status_code == 404


def test_instructor_dashboard_redirects_to_mfe_by_default(settings, client, global_staff, course):
    settings.INSTRUCTOR_MICROFRONTEND_URL = "http://apps.local/instructor-dashboard"
    client.force_login(global_staff)
    response = client.get(f"/courses/{COURSE_ID}/instructor")
    assert response.status_code == 302
    assert response["Location"] == f"http://apps.local/instructor-dashboard/{COURSE_ID}"


def test_instructor_dashboard_renders_builtin_certificates_section(client, global_staff, course, certs_enabled):
    from waffle.testutils import override_flag

    client.force_login(global_staff)
    with override_flag("instructor.legacy_instructor_dashboard", active=True):
        response = client.get(f"/courses/{COURSE_ID}/instructor")

    assert response.status_code == 200
    sections = response.context["sections"]
    assert [s["section_key"] for s in sections] == ["course_info", "membership", "certificates"]
    assert [s["section_display_name"] for s in sections] == ["Course Info", "Membership", "Certificates"]
    assert response.context["course"].id == course.id
    html = response.content.decode()
    assert 'data-section="certificates"' in html
    assert '<section id="certificates" class="idash-section"' in html
    assert "lms-builtin-certificates" in html


def test_instructor_dashboard_hides_certificates_without_configuration(client, global_staff, course):
    from waffle.testutils import override_flag

    client.force_login(global_staff)
    with override_flag("instructor.legacy_instructor_dashboard", active=True):
        response = client.get(f"/courses/{COURSE_ID}/instructor")
    assert [s["section_key"] for s in response.context["sections"]] == ["course_info", "membership"]


def test_instructor_dashboard_is_404_for_learners(client, learner, course):
    client.force_login(learner)
    assert client.get(f"/courses/{COURSE_ID}/instructor").status_code == 404


def test_instructor_dashboard_course_staff_sees_no_certificates_section(client, learner, course, certs_enabled):
    from waffle.testutils import override_flag

    from common.djangoapps.student.roles import CourseStaffRole

    CourseStaffRole(course.id).add_users(learner)
    assert CourseStaffRole(course.id).has_user(learner)
    client.force_login(learner)
    with override_flag("instructor.legacy_instructor_dashboard", active=True):
        response = client.get(f"/courses/{COURSE_ID}/instructor")
    assert response.status_code == 200
    assert [s["section_key"] for s in response.context["sections"]] == ["course_info", "membership"]


def test_instructor_dashboard_renders_filter_fragment_section(
    monkeypatch, settings, client, global_staff, course, certs_enabled
):
    from pathlib import Path

    from waffle.testutils import override_flag

    from common.djangoapps.edxmako import LOOKUP
    from common.djangoapps.edxmako.paths import add_lookup

    # as EdxMakoConfig.ready builds it after a plugin's hook appended to MAKO_TEMPLATE_DIRS_BASE (a fresh lookup:
    # mako caches the templates it found)
    monkeypatch.delitem(LOOKUP, "main")
    for directory in [*settings.MAKO_TEMPLATE_DIRS_BASE, Path(__file__).parent / "templates"]:
        add_lookup("main", directory)
    settings.OPEN_EDX_FILTERS_CONFIG = _pipeline(
        "org.openedx.learning.instructor.dashboard.render.started.v1", AddFragmentSection
    )
    client.force_login(global_staff)
    with override_flag("instructor.legacy_instructor_dashboard", active=True):
        response = client.get(f"/courses/{COURSE_ID}/instructor")

    assert response.status_code == 200
    html = response.content.decode()
    head, body = html.split("</head>", 1)
    assert ".host-fragment { color: red; }" in head
    assert 'data-section="host_fragment_section">Host Fragment</button>' in body
    assert '<section id="host_fragment_section" class="idash-section"' in body
    assert "<p id='host-fragment-body'>fragment body</p>" in body
    assert body.index("fragment body") < body.index("window.hostFragmentLoaded = true;")


def test_a_section_template_outside_the_mako_lookup_breaks_the_dashboard(settings, client, global_staff, course):
    """As edxmako: an app's templates directory is not on the lookup, so the include (and the page) fails."""
    from mako.exceptions import TopLevelLookupException
    from waffle.testutils import override_flag

    settings.OPEN_EDX_FILTERS_CONFIG = _pipeline(
        "org.openedx.learning.instructor.dashboard.render.started.v1", AddFragmentSection
    )
    client.force_login(global_staff)
    client.raise_request_exception = True
    with override_flag("instructor.legacy_instructor_dashboard", active=True), pytest.raises(TopLevelLookupException):
        client.get(f"/courses/{COURSE_ID}/instructor")


def test_instructor_dashboard_filter_redirect(settings, client, global_staff, course):
    from waffle.testutils import override_flag

    settings.OPEN_EDX_FILTERS_CONFIG = _pipeline(
        "org.openedx.learning.instructor.dashboard.render.started.v1", RedirectDashboard
    )
    client.force_login(global_staff)
    with override_flag("instructor.legacy_instructor_dashboard", active=True):
        response = client.get(f"/courses/{COURSE_ID}/instructor")
    assert response.status_code == 302
    assert response["Location"] == "/elsewhere/"


def test_mfe_course_metadata_lists_builtin_tabs(client, global_staff, course, certs_enabled):
    from django.urls import reverse

    url = reverse("instructor_api_v2:course_metadata", kwargs={"course_id": COURSE_ID})
    assert url == f"/api/instructor/v2/courses/{COURSE_ID}"
    client.force_login(global_staff)
    response = client.get(url)
    assert response.status_code == 200
    tabs = response.json()["tabs"]
    assert [tab["tab_id"] for tab in tabs] == [
        "course_info",
        "enrollments",
        "course_team",
        "grading",
        "data_downloads",
        "certificates",
        "cohorts",
    ]
    certificates = next(tab for tab in tabs if tab["tab_id"] == "certificates")
    assert certificates == {
        "tab_id": "certificates",
        "title": "Certificates",
        "url": f"/{COURSE_ID}/certificates",
        "sort_order": 80,
    }


def test_mfe_tabs_filter_prevent_tabs_generation(settings, client, global_staff, course):
    settings.OPEN_EDX_FILTERS_CONFIG = _pipeline(
        "org.openedx.learning.instructor.dashboard.tabs.requested.v1", PreventTabs
    )
    client.force_login(global_staff)
    response = client.get(f"/api/instructor/v2/courses/{COURSE_ID}")
    assert [tab["tab_id"] for tab in response.json()["tabs"]] == ["mine"]


def test_mfe_course_metadata_requires_dashboard_permission(client, learner, course):
    client.force_login(learner)
    assert client.get(f"/api/instructor/v2/courses/{COURSE_ID}").status_code == 403


def test_get_course_overview_or_none(course, course_key):
    from opaque_keys.edx.keys import CourseKey

    from openedx.core.djangoapps.content.course_overviews.api import get_course_overview_or_none

    assert get_course_overview_or_none(course_key) == course
    assert get_course_overview_or_none(CourseKey.from_string(UNKNOWN_COURSE_ID)) is None


def test_get_user_by_username_or_email(learner):
    from django.contrib.auth import get_user_model

    from common.djangoapps.student.models import get_user_by_username_or_email

    User = get_user_model()
    assert get_user_by_username_or_email(" learner ") == learner
    assert get_user_by_username_or_email("learner@example.com") == learner
    with pytest.raises(User.DoesNotExist):
        get_user_by_username_or_email("nobody")
    # One user's username is another user's email.
    User.objects.create_user(username="learner@example.com", email="other@example.com")
    with pytest.raises(User.MultipleObjectsReturned):
        get_user_by_username_or_email("learner@example.com")


def test_get_user_by_username_or_email_hides_retiring_users(learner):
    from django.contrib.auth import get_user_model

    from common.djangoapps.student.models import get_user_by_username_or_email
    from openedx.core.djangoapps.user_api.models import UserRetirementRequest

    UserRetirementRequest.create_retirement_request(learner)
    with pytest.raises(get_user_model().DoesNotExist):
        get_user_by_username_or_email("learner")


def test_retirement_views_send_signals(record, learner):
    from openedx.core.djangoapps.user_api.accounts.signals import (
        USER_RETIRE_LMS_CRITICAL,
        USER_RETIRE_LMS_MISC,
        USER_RETIRE_MAILINGS,
    )
    from openedx.core.djangoapps.user_api.accounts.views import AccountRetirementView, LMSAccountRetirementView

    mailings, critical, misc = (
        record(USER_RETIRE_MAILINGS),
        record(USER_RETIRE_LMS_CRITICAL),
        record(USER_RETIRE_LMS_MISC),
    )
    LMSAccountRetirementView.retire_user(learner, "learner@example.com", "retired@retired.invalid")
    AccountRetirementView.retire_user(learner, "retired_user_x", "retired@retired.invalid")

    assert mailings.calls[0]["sender"] is LMSAccountRetirementView
    assert {k: mailings.calls[0][k] for k in ("email", "new_email", "user")} == {
        "email": "learner@example.com",
        "new_email": "retired@retired.invalid",
        "user": learner,
    }
    assert misc.calls[0]["user"] == learner
    assert critical.calls[0]["sender"] is AccountRetirementView
    assert {k: critical.calls[0][k] for k in ("user", "retired_username", "retired_email")} == {
        "user": learner,
        "retired_username": "retired_user_x",
        "retired_email": "retired@retired.invalid",
    }
