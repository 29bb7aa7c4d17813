"""
The operator's check (``manage.py lms cert_manager_check``) inside the LMS-shaped host.

Each finding is checked against what the LMS then really does: a course the check says will not redirect renders
the LMS's invalid-certificate page at ``/certificates/<uuid>``, one it passes redirects to the plugin's page; a
missing filter step is also a system check warning. The queue nobody reads runs the command the way an operator
does, in a fresh LMS on its production settings (a Redis broker, lms_host/lms.yml's shape) with no worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import CommandError, call_command

from tests.services import require_redis

pytestmark = [pytest.mark.lms_host, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
COURSE_ID = "course-v1:HostX+CHECK+2026"
BARE_COURSE_ID = "course-v1:HostX+BARE+2026"
RENDER_STEP_TYPE = "org.openedx.learning.certificate.render.started.v1"
#: A Redis database no test's worker reads (lms_host/lms.yml: 12, tests/integration: 13, settings probes: 14).
NO_WORKER_VHOST = "15"


# --- the LMS's way: courses published in Studio, learners graded, through the stand-ins ---------------------


def publish(course_id: str, **certificate_settings):
    """A course overview as Studio publishes it; web certificates set up unless ``certificate_settings`` say not."""
    from opaque_keys.edx.keys import CourseKey

    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    values = {"cert_html_view_enabled": True, "has_any_active_web_certificate": True}
    values["certificates_display_behavior"] = "early_no_info"
    values.update(certificate_settings)
    key = CourseKey.from_string(course_id)
    CourseOverview.objects.create(
        id=key, org="HostX", display_name=course_id, start=datetime(2026, 1, 1, tzinfo=UTC), **values
    )
    return key


def certified_learner(username: str, course_key, django_capture_on_commit_callbacks):
    """A learner enrolled and passing in the course (LMS events), with the plugin's certificate and the LMS row."""
    from django.contrib.auth import get_user_model

    from common.djangoapps.student.models import CourseEnrollment, UserProfile
    from lms.djangoapps.certificates.models import GeneratedCertificate
    from lms.djangoapps.grades.course_grade_factory import CourseGradeFactory
    from lms.djangoapps.grades.models import PersistentCourseGrade
    from openedx.core.djangoapps.signals.signals import COURSE_GRADE_NOW_PASSED

    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.com")
    UserProfile.objects.create(user=user, name=username.title())
    with django_capture_on_commit_callbacks(execute=True):
        CourseEnrollment.enroll(user, course_key, mode="verified")
    with django_capture_on_commit_callbacks(execute=True):
        PersistentCourseGrade.update_or_create(
            user_id=user.id, course_id=course_key, percent_grade=0.9, letter_grade="Pass", passed=True
        )
        COURSE_GRADE_NOW_PASSED.send(sender=CourseGradeFactory, user=user, course_id=course_key)
    row = GeneratedCertificate.objects.get(user=user, course_id=course_key)
    assert row.status == "downloadable"
    return row


def rsa_key_set() -> str:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    return json.dumps({"keys": [json.loads(RSAAlgorithm.to_jwk(key))]})


@pytest.fixture
def clean_lms(settings):
    """The LMS as Tutor configures it: web certificates, a JWT key set, the instructor MFE, learner emails."""
    settings.CERTIFICATES_HTML_VIEW = True
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_PUBLIC_SIGNING_JWK_SET": rsa_key_set()}
    settings.INSTRUCTOR_MICROFRONTEND_URL = "http://apps.local/instructor-dashboard"
    settings.CERT_MANAGER_EMAILS_ENABLED = True
    return settings


def report(*args: str) -> dict:
    """``cert_manager_check --format json``'s report (a failing exit status is fine here)."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("cert_manager_check", "--format", "json", *args, stdout=out)
    except CommandError:
        pass
    return json.loads(out.getvalue())


def text_lines(*args: str) -> tuple[list[str], int]:
    """``cert_manager_check``'s lines and its exit status."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("cert_manager_check", *args, stdout=out)
        status = 0
    except CommandError as exc:
        status = exc.returncode
    return out.getvalue().splitlines(), status


# --- a clean LMS ---------------------------------------------------------------------------------------------


def test_a_clean_lms_reports_no_error_and_its_certificate_link_redirects(
    client, clean_lms, django_capture_on_commit_callbacks
):
    course_key = publish(COURSE_ID)
    row = certified_learner("frodo", course_key, django_capture_on_commit_callbacks)

    lines, status = text_lines()
    assert status == 0, lines
    assert not [line for line in lines if line.startswith(("ERROR", "WARNING"))], lines
    assert lines[-1] == "Errors: 0, warnings: 0."
    found = {f["code"]: f for f in report()["findings"]}
    assert set(found) == {
        "filters.ok",
        "templates.ok",
        "dashboard.mfe",
        "web_certificates.ok",
        "celery.eager",
        "email.ok",
        "jwt.ok",
        "idv.off",
    }
    assert "1 course the plugin manages" in found["web_certificates.ok"]["message"]
    assert "http://localhost:8000/cert_manager/instructor/<course_id>/" in found["dashboard.mfe"]["message"]
    assert not [m for m in checks.run_checks(tags=["cert_manager"]) if m.id.startswith("cert_manager.W10")]

    # what the check promised: the LMS's link reaches the plugin's certificate
    response = client.get(f"/certificates/{row.verify_uuid}")
    assert response.status_code == 302 and "/cert_manager/certificates/" in response["Location"]


# --- a. a missing filter step -----------------------------------------------------------------------------------


def test_a_missing_filter_step_is_one_line_with_its_fix_and_a_system_check_warning(
    client, clean_lms, django_capture_on_commit_callbacks
):
    from cert_manager_plugin.settings.common import FILTER_STEPS

    course_key = publish(COURSE_ID)
    row = certified_learner("sam", course_key, django_capture_on_commit_callbacks)
    step = FILTER_STEPS[RENDER_STEP_TYPE]
    config = json.loads(json.dumps(clean_lms.OPEN_EDX_FILTERS_CONFIG))
    config[RENDER_STEP_TYPE]["pipeline"].remove(step)
    clean_lms.OPEN_EDX_FILTERS_CONFIG = config

    lines, status = text_lines()
    assert status == 1
    [line] = [line for line in lines if line.startswith("ERROR")]
    assert line.startswith("ERROR    filters: The step " + step)
    assert f'OPEN_EDX_FILTERS_CONFIG["{RENDER_STEP_TYPE}"]["pipeline"]' in line
    assert f' Fix: Add "{step}" to that pipeline' in line and "lms.yml replaces the whole dict" in line
    [warning] = [m for m in checks.run_checks(tags=["cert_manager"]) if m.id == "cert_manager.W101"]
    assert step in warning.msg and "lms.yml" in warning.hint

    # what the check said: the LMS's link now shows the LMS's own page
    response = client.get(f"/certificates/{row.verify_uuid}")
    assert response.status_code == 200 and b"/cert_manager/" not in response.content


# --- b. the templates directory -------------------------------------------------------------------------------


def test_a_templates_directory_dropped_from_the_mako_dirs_is_an_error(clean_lms):
    clean_lms.MAKO_TEMPLATE_DIRS_BASE = [ROOT / "lms_host" / "lms" / "templates"]
    found = [f for f in report()["findings"] if f["check"] == "templates"]
    assert [(f["level"], f["code"]) for f in found] == [("error", "templates.missing")]
    assert [m.id for m in checks.run_checks(tags=["cert_manager"]) if m.id.startswith("cert_manager.W10")] == [
        "cert_manager.W102"
    ]


# --- c. the dashboard instructors get ---------------------------------------------------------------------------


def test_the_legacy_dashboard_flag_says_where_the_panel_is(clean_lms):
    from waffle.testutils import override_flag

    with override_flag("instructor.legacy_instructor_dashboard", active=True):
        [found] = [f for f in report()["findings"] if f["check"] == "dashboard"]
    assert (found["level"], found["code"]) == ("info", "dashboard.legacy")
    assert "Certificates section" in found["message"]


# --- d. courses whose LMS link will not reach the plugin ------------------------------------------------------


def test_a_course_without_web_certificate_configuration_is_one_line_with_its_fix(
    client, clean_lms, django_capture_on_commit_callbacks
):
    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    publish(COURSE_ID)
    certified_learner("merry", publish(COURSE_ID.replace("CHECK", "OTHER")), django_capture_on_commit_callbacks)
    bare = publish(BARE_COURSE_ID, has_any_active_web_certificate=False)
    row = certified_learner("pippin", bare, django_capture_on_commit_callbacks)

    lines, status = text_lines()
    assert status == 1
    [line] = [line for line in lines if BARE_COURSE_ID in line]
    assert line.startswith("ERROR    web_certificates: Course " + BARE_COURSE_ID)
    assert "no active web certificate configuration" in line
    assert "Fix: In Studio, Settings → Certificates: create a certificate configuration and activate it." in line
    assert not [line for line in lines if "CHECK" in line or "OTHER" in line], "the set-up courses pass"
    assert client.get(f"/certificates/{row.verify_uuid}").status_code == 200, "the LMS's invalid page, as said"

    CourseOverview.objects.filter(id=bare).update(has_any_active_web_certificate=True)  # activated in Studio
    lines, status = text_lines()
    assert status == 0 and not [line for line in lines if BARE_COURSE_ID in line]
    assert client.get(f"/certificates/{row.verify_uuid}").status_code == 302


def test_a_course_whose_certificates_show_after_its_end_is_an_info_line_until_then(
    client, clean_lms, django_capture_on_commit_callbacks
):
    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    end = datetime.now(UTC) + timedelta(days=30)
    course_key = publish(COURSE_ID, certificates_display_behavior="end", end=end)
    row = certified_learner("rosie", course_key, django_capture_on_commit_callbacks)

    [found] = [f for f in report()["findings"] if f["course_id"] == COURSE_ID]
    assert found["level"] == "info" and f"after the course ends ({end.isoformat()})" in found["message"]
    assert client.get(f"/certificates/{row.verify_uuid}").status_code == 200

    CourseOverview.objects.filter(id=course_key).update(end=datetime.now(UTC) - timedelta(days=1))
    assert not [f for f in report()["findings"] if f["course_id"] == COURSE_ID]
    assert client.get(f"/certificates/{row.verify_uuid}").status_code == 302


@pytest.mark.parametrize(
    ("fields", "viewable"),
    [
        ({"certificates_display_behavior": "early_no_info"}, True),
        ({"certificates_display_behavior": "end"}, False),
        ({"certificates_display_behavior": "end", "end": datetime(2020, 1, 1, tzinfo=UTC)}, True),
        ({"certificates_display_behavior": "end", "self_paced": True}, True),
        ({"certificates_display_behavior": "end", "certificates_show_before_end": True}, True),
        ({"certificates_display_behavior": "end_with_date"}, False),
        (
            {
                "certificates_display_behavior": "end_with_date",
                "certificate_available_date": datetime(2099, 1, 1, tzinfo=UTC),
            },
            False,
        ),
        (
            {
                "certificates_display_behavior": "end_with_date",
                "certificate_available_date": datetime(2020, 1, 1, tzinfo=UTC),
            },
            True,
        ),
        ({"certificates_display_behavior": None}, False),
    ],
)
def test_the_lms_gates_of_its_web_certificate_view_are_edx_platforms(fields, viewable):
    from lms.djangoapps.certificates.api import certificates_viewable_for_course, get_active_web_certificate
    from openedx.core.lib.courses import get_course_by_id

    key = publish(COURSE_ID, **fields)
    course = get_course_by_id(key)
    assert certificates_viewable_for_course(course) is viewable
    active = get_active_web_certificate(course)
    assert active["is_active"] is True and active["version"] == 1
    assert get_active_web_certificate(publish(BARE_COURSE_ID, has_any_active_web_certificate=False)) is None
    assert get_active_web_certificate(object()) is None, "edx-platform: no certificates field, no configuration"


# --- h. ID verification ---------------------------------------------------------------------------------------


def test_the_idv_requirement_is_a_warning(clean_lms):
    clean_lms.ENABLE_CERTIFICATES_IDV_REQUIREMENT = True
    [found] = [f for f in report()["findings"] if f["check"] == "idv"]
    assert (found["level"], found["code"]) == ("warning", "idv.on")
    assert report("--fail-level", "warning")["failed"] is True


# --- e. a queue nobody reads: the command in a fresh LMS on its production settings --------------------------------

LMS_YML = textwrap.dedent(
    f"""
    CELERY_BROKER_TRANSPORT: redis
    CELERY_BROKER_HOSTNAME: "127.0.0.1:6379"
    CELERY_BROKER_VHOST: "{NO_WORKER_VHOST}"
    CELERY_BROKER_USER: ""
    CELERY_BROKER_PASSWORD: ""
    ALLOWED_HOSTS: ["localhost"]
    SECRET_KEY: lms-host-operator-check
    LMS_ROOT_URL: "http://localhost:8000"
    CACHES:
      default:
        BACKEND: django.core.cache.backends.locmem.LocMemCache
    """
)


def run_in_production_lms(tmp_path: Path, yaml_extra: str = "") -> subprocess.CompletedProcess:
    cfg = tmp_path / "lms.yml"
    cfg.write_text(LMS_YML + yaml_extra)
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'lms_host'}{os.pathsep}{ROOT}", "LMS_CFG": str(cfg)}
    env["DJANGO_SETTINGS_MODULE"] = "lms.envs.production"
    env.pop("CERT_MANAGER_DB", None)  # SQLite: the Celery check reads no table
    env["CERT_MANAGER_SQLITE_PATH"] = str(tmp_path / "lms.sqlite3")
    return subprocess.run(
        [sys.executable, "-m", "django", "cert_manager_check", "--timeout", "1"],
        check=False,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("yaml_extra", "queue"),
    [
        ("", "edx.lms.core.default"),
        ("CERT_MANAGER_CELERY_QUEUE: edx.lms.core.certificates\n", "edx.lms.core.certificates"),
    ],
)
def test_a_queue_nobody_reads_is_one_line_with_its_fix(tmp_path, yaml_extra, queue):
    require_redis()
    started = time.monotonic()
    out = run_in_production_lms(tmp_path, yaml_extra)
    assert time.monotonic() - started < 60, "time-bounded"
    assert out.returncode == 1, out.stderr[-3000:]
    [line] = [line for line in out.stdout.splitlines() if line.startswith("ERROR")]
    assert line.startswith("ERROR    celery: No Celery worker answered on redis://")
    assert f"the plugin's tasks go to {queue}," in line
    assert f"Fix: Start a worker on it: celery --app=lms.celery worker -Q {queue}." in line
    assert "1 finding at level error or worse" in out.stderr
