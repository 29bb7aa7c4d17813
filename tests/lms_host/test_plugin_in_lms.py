"""
The plugin inside the LMS-shaped host, as an operator gets it: only ``pip install`` and the LMS's own settings files.

Everything here goes through edx-platform's stand-ins (lms_host/): enrollments through ``CourseEnrollment.enroll``,
grades through what ``CourseGradeFactory.update`` does after computing (``PersistentCourseGrade.update_or_create``,
then ``COURSE_GRADE_NOW_PASSED``/``_FAILED``), course roles through ``CourseInstructorRole``/``CourseStaffRole``, the
legacy instructor dashboard, the MFE's tabs API, the LMS's certificate link and its generator, with the real
openedx-events and openedx-filters, and the LMS's eager Celery app.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.lms_host, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
COURSE_ID = "course-v1:HostX+CERT+2026"
COURSE_NAME = "Certificates in the LMS"
OPERATOR_STEP = "operator_plugin.steps.Something"


# --- the LMS's way of doing things, through its stand-ins ----------------------------------------------------


def make_user(username: str, **extra):
    from django.contrib.auth import get_user_model

    from common.djangoapps.student.models import UserProfile

    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.com", **extra)
    UserProfile.objects.create(user=user, name=f"{username.title()} Baggins")
    return user


def enroll(user, course_key, mode="verified"):
    from common.djangoapps.student.models import CourseEnrollment

    return CourseEnrollment.enroll(user, course_key, mode=mode)


def grade_update(user, course_key, percent: float, cutoff: float = 0.5):
    """What CourseGradeFactory.update does once it has computed a grade (see lms_host's course_grade_factory)."""
    from lms.djangoapps.grades.course_grade_factory import CourseGradeFactory
    from lms.djangoapps.grades.models import PersistentCourseGrade
    from openedx.core.djangoapps.signals.signals import COURSE_GRADE_NOW_FAILED, COURSE_GRADE_NOW_PASSED

    passed = percent >= cutoff
    PersistentCourseGrade.update_or_create(
        user_id=user.id,
        course_id=course_key,
        course_version="v1",
        course_edited_timestamp=datetime(2026, 1, 1, tzinfo=UTC),
        grading_policy_hash="policy",
        percent_grade=percent,
        letter_grade="Pass" if passed else "",
        passed=passed,
    )
    grade = CourseGradeFactory().read(user, course_key=course_key)
    if passed:
        COURSE_GRADE_NOW_PASSED.send(sender=CourseGradeFactory, user=user, course_id=course_key)
    else:
        COURSE_GRADE_NOW_FAILED.send(sender=CourseGradeFactory, user=user, course_id=course_key, grade=grade)


def lms_certificate(user, course_key):
    from lms.djangoapps.certificates.models import GeneratedCertificate

    return GeneratedCertificate.objects.get(user=user, course_id=course_key)


def ours(user, course_key):
    from cert_manager_plugin.models import Certificate

    return Certificate.objects.get(user=user, course_key=course_key)


class Heard:
    """Counts what listeners hear: the LMS's Django signals and the openedx-events (programs, Credentials, bus)."""

    def __init__(self):
        from openedx_events.learning import signals as events

        from openedx.core.djangoapps.signals import signals as lms_signals

        self.signals = {
            "COURSE_CERT_AWARDED": lms_signals.COURSE_CERT_AWARDED,
            "COURSE_CERT_CHANGED": lms_signals.COURSE_CERT_CHANGED,
            "COURSE_CERT_REVOKED": lms_signals.COURSE_CERT_REVOKED,
            "CERTIFICATE_CREATED": events.CERTIFICATE_CREATED,
            "CERTIFICATE_CHANGED": events.CERTIFICATE_CHANGED,
            "CERTIFICATE_REVOKED": events.CERTIFICATE_REVOKED,
        }
        self.calls: dict[str, list[dict]] = {name: [] for name in self.signals}
        for name, signal in self.signals.items():
            signal.connect(self._recorder(name), weak=False, dispatch_uid=f"heard.{name}")

    def _recorder(self, name):
        def record(**kwargs):
            self.calls[name].append(kwargs)

        return record

    def counts(self) -> dict[str, int]:
        return {name: len(calls) for name, calls in self.calls.items() if calls}

    def reset(self) -> None:
        for calls in self.calls.values():
            calls.clear()

    def close(self) -> None:
        for name, signal in self.signals.items():
            signal.disconnect(dispatch_uid=f"heard.{name}")


@pytest.fixture
def heard():
    listener = Heard()
    yield listener
    listener.close()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the code schedules after commit (the LMS's requests commit; tests run in one transaction)."""

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


# --- settings: only the LMS's own files ---------------------------------------------------------------------


def test_inside_the_lms_the_plugin_uses_edx_platform_with_no_setting_named(settings):
    from django.apps import apps

    from cert_manager_plugin import lms
    from cert_manager_plugin.settings.common import FILTER_STEPS

    assert apps.is_installed("cert_manager_plugin"), "through the lms.djangoapp entry point"
    assert settings.CERT_MANAGER_LMS_BACKEND == "auto"
    assert lms.backend_name() == "edx_platform" and lms.inside_lms()
    for filter_type, step in FILTER_STEPS.items():
        assert step in settings.OPEN_EDX_FILTERS_CONFIG[filter_type]["pipeline"]
    host_files = [
        ROOT / "lms_host" / "lms" / "envs" / f"{name}.py" for name in ("common", "production", "devstack", "test")
    ]
    for path in host_files:
        text = path.read_text()
        assert "cert_manager" not in text.lower().replace("cert_manager_db", "").replace("cert_manager_sqlite", ""), (
            f"{path.name} names the plugin"
        )


SETTINGS_PROBE = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.conf import settings
    from celery import current_app
    from cert_manager_plugin import lms
    config = settings.OPEN_EDX_FILTERS_CONFIG
    print(json.dumps({
        "backend": lms.backend_name(),
        "batch_size": settings.CERT_MANAGER_BATCH_SIZE,
        "queue": settings.CERT_MANAGER_CELERY_QUEUE,
        "eager": bool(current_app.conf.task_always_eager),
        "filters": {k: v for k, v in config.items()},
    }))
    """
)


def _settings_in_a_fresh_lms(module: str, tmp_path: Path, yaml_text: str = "") -> dict:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'lms_host'}{os.pathsep}{ROOT}", "DJANGO_SETTINGS_MODULE": module}
    env.pop("CERT_MANAGER_DB", None)  # SQLite: only settings are read
    env["CERT_MANAGER_SQLITE_PATH"] = str(tmp_path / "probe.sqlite3")
    if yaml_text:
        cfg = tmp_path / "lms.yml"
        cfg.write_text(yaml_text)
        env["LMS_CFG"] = str(cfg)
    out = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        check=False,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


OPERATOR_YAML = textwrap.dedent(
    f"""
    CERT_MANAGER_BATCH_SIZE: 250
    CERT_MANAGER_CELERY_QUEUE: edx.lms.core.certificates
    OPEN_EDX_FILTERS_CONFIG:
      org.openedx.learning.instructor.dashboard.render.started.v1:
        fail_silently: false
        pipeline: [{OPERATOR_STEP}]
      org.openedx.learning.course.enrollment.started.v1:
        pipeline: [{OPERATOR_STEP}]
    CELERY_BROKER_TRANSPORT: redis
    CELERY_BROKER_HOSTNAME: 127.0.0.1:6379
    CELERY_BROKER_VHOST: "14"
    """
)


@pytest.mark.parametrize("module", ["lms.envs.test", "lms.envs.production", "lms.envs.devstack"])
def test_every_lms_settings_module_gets_the_edx_platform_adapter_and_the_filter_steps(module, tmp_path):
    """common→test, common→production, common→production→devstack, each in a fresh interpreter, as the LMS runs."""
    from cert_manager_plugin.settings.common import FILTER_STEPS

    yaml_text = OPERATOR_YAML if module != "lms.envs.test" else ""
    got = _settings_in_a_fresh_lms(module, tmp_path, yaml_text)
    assert got["backend"] == "edx_platform"
    for filter_type, step in FILTER_STEPS.items():
        assert step in got["filters"][filter_type]["pipeline"], (module, filter_type)
    if yaml_text:  # the operator's YAML replaced OPEN_EDX_FILTERS_CONFIG after COMMON: their steps and options stay
        dashboard = got["filters"]["org.openedx.learning.instructor.dashboard.render.started.v1"]
        assert dashboard["pipeline"] == [
            OPERATOR_STEP,
            FILTER_STEPS["org.openedx.learning.instructor.dashboard.render.started.v1"],
        ]
        assert dashboard["fail_silently"] is False
        assert got["filters"]["org.openedx.learning.course.enrollment.started.v1"]["pipeline"] == [OPERATOR_STEP]
        assert (got["batch_size"], got["queue"]) == (250, "edx.lms.core.certificates")
    else:
        assert got["batch_size"] == 1000
    # the LMS's test and devstack settings run Celery eagerly; production sends to its broker
    assert got["eager"] is (module != "lms.envs.production")


# --- the temporary score, inside the LMS ---------------------------------------------------------------------


#: What ``GeneratedCertificate.save()`` of a passing row sends (openedx-platform 2579a6d6, models.py).
SAVED_PASSING = {"COURSE_CERT_CHANGED": 1, "CERTIFICATE_CHANGED": 1, "COURSE_CERT_AWARDED": 1, "CERTIFICATE_CREATED": 1}


def test_85_95_40_our_certificate_and_the_lms_record_agree_at_every_step(course, course_key, heard, on_commit):
    learner = make_user("bilbo")
    on_commit(enroll, learner, course_key)

    on_commit(grade_update, learner, course_key, 0.85)
    cert, row = ours(learner, course_key), lms_certificate(learner, course_key)
    assert (cert.status, cert.grade, cert.revision) == ("downloadable", 0.85, 1)
    assert (row.status, row.grade, row.mode, row.name) == ("downloadable", "0.85", "verified", "Bilbo Baggins")
    assert row.verify_uuid == cert.verify_uuid.hex and len(row.verify_uuid) == 32
    assert row.download_url.endswith(f"/cert_manager/certificates/{cert.verify_uuid}.pdf")
    assert heard.counts() == SAVED_PASSING, "what save() of a passing row sends"
    [award] = heard.calls["COURSE_CERT_AWARDED"]
    assert (award["user"], award["course_key"], award["mode"], award["status"]) == (
        learner,
        course_key,
        "verified",
        "downloadable",
    )
    heard.reset()

    on_commit(grade_update, learner, course_key, 0.95)
    cert, row = ours(learner, course_key), lms_certificate(learner, course_key)
    assert (cert.status, cert.grade, cert.revision) == ("downloadable", 0.95, 2)
    assert (row.status, row.grade, row.verify_uuid) == ("downloadable", "0.95", cert.verify_uuid.hex)
    assert heard.counts() == SAVED_PASSING, "save() of a passing row awards again: programs rely on it"
    heard.reset()

    on_commit(grade_update, learner, course_key, 0.40)
    cert, row = ours(learner, course_key), lms_certificate(learner, course_key)
    assert (cert.status, cert.grade, cert.revision) == ("notpassing", 0.4, 3)
    assert (row.status, row.grade, row.download_url) == ("notpassing", "0.4", "")
    assert row.verify_uuid == cert.verify_uuid.hex, "the same certificate, revoked"
    assert heard.counts() == {
        "COURSE_CERT_CHANGED": 1,
        "CERTIFICATE_CHANGED": 1,
        "COURSE_CERT_REVOKED": 1,
        "CERTIFICATE_REVOKED": 1,
    }, "what mark_notpassing() (_revoke_certificate) sends"
    # the LMS's history of its row has every state, as save() would have recorded it
    assert list(row.history.order_by("history_id").values_list("history_type", "status", "grade")) == [
        ("+", "downloadable", "0.85"),
        ("~", "downloadable", "0.95"),
        ("~", "notpassing", "0.4"),
    ]


def test_a_learners_story_reads_the_same_in_the_panels_history_and_on_the_verify_page(
    client, course, course_key, on_commit
):
    """Issue 14, item 5 inside the LMS: LMS roles and profile names, the LMS's grade path, the LMS's URLs."""
    import re

    from cert_manager_plugin import labels
    from cert_manager_plugin.models import CertificateRevision
    from common.djangoapps.student.roles import CourseInstructorRole

    learner = make_user("bilbo")
    on_commit(enroll, learner, course_key)
    for percent in (0.85, 0.95, 0.40, 0.95):
        on_commit(grade_update, learner, course_key, percent)
    cert = ours(learner, course_key)
    rows = [(r.revision, r.status, r.grade, r.source) for r in CertificateRevision.objects.filter(certificate=cert)]
    expected = [(cert.revision, cert.status, cert.grade, cert.source), *rows]
    assert [row[0] for row in expected] == [4, 3, 2, 1]

    teacher = make_user("teacher")
    CourseInstructorRole(course_key).add_users(teacher)
    client.force_login(teacher)
    body = client.get(f"/api/cert_manager/v1/courses/{COURSE_ID}/learners/bilbo/history").json()
    assert (body["username"], body["name"]) == ("bilbo", "Bilbo Baggins"), "the LMS profile's name"
    assert [(s["number"], s["status"], s["grade"], s["source"]) for s in body["states"]] == expected
    assert [s["cause"] for s in body["states"]] == [labels.label(labels.SOURCE_LABELS, row[3]) for row in expected]
    client.force_login(learner)
    assert client.get(f"/api/cert_manager/v1/courses/{COURSE_ID}/learners/bilbo/history").status_code == 404

    html = client.get(f"/cert_manager/certificates/{cert.verify_uuid}/verify/").content.decode()
    assert [int(n) for n in re.findall(r'<li data-number="(\d+)"', html)] == [4, 3, 2, 1]
    assert "Revision 3: no longer valid from" in html and "40%" not in html
    assert "grade 95%" in html and "grade 85%" in html, "the course prints grades (the default)"


def test_the_lms_failing_grade_handler_no_longer_revokes_what_the_plugin_keeps(course, course_key, heard, on_commit):
    """An exception (the plugin's allowlist, which the LMS does not know) keeps the certificate through a drop."""
    from cert_manager_plugin import api

    learner = make_user("merry")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    on_commit(api.grant_exception, course_key, learner.username, notes="approved")
    heard.reset()
    on_commit(grade_update, learner, course_key, 0.2)
    assert ours(learner, course_key).status == "downloadable"
    row = lms_certificate(learner, course_key)
    assert (row.status, row.grade) == ("downloadable", "0.2")
    assert "COURSE_CERT_REVOKED" not in heard.counts() and "CERTIFICATE_REVOKED" not in heard.counts()


def test_a_change_the_lms_makes_to_its_row_is_put_back(course, course_key, heard, on_commit):
    """A write the plugin repairs (generation_handler's mark_notpassing): the next reconcile puts its row back."""
    learner = make_user("pippin")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    heard.reset()
    row = lms_certificate(learner, course_key)
    on_commit(row.mark_notpassing, mode="verified", grade=0.9, source="certificate_generation")  # save() + signals
    assert lms_certificate(learner, course_key).status == "downloadable", "repaired after that commit"
    # the LMS announced its revocation itself (save()); the repair is announced as the save() that makes it
    assert heard.counts()["COURSE_CERT_REVOKED"] == 1 and heard.counts()["COURSE_CERT_AWARDED"] == 1
    assert heard.counts()["CERTIFICATE_CREATED"] == 1


def test_download_fields_the_lms_set_are_replaced_by_ours_on_the_next_change(course, course_key, on_commit):
    """A row whose verify id and link are already ours gets only its new grade; any other download field is redone."""
    from lms.djangoapps.certificates.models import GeneratedCertificate

    learner = make_user("sam")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    ours_link = lms_certificate(learner, course_key).download_url
    on_commit(grade_update, learner, course_key, 0.92)
    row = lms_certificate(learner, course_key)
    assert (row.grade, row.download_url, row.download_uuid) == ("0.92", ours_link, "")
    GeneratedCertificate.objects.filter(pk=row.pk).update(
        download_uuid="f" * 32, download_url="https://old.example/c.pdf"
    )
    on_commit(grade_update, learner, course_key, 0.95)
    row = lms_certificate(learner, course_key)
    assert (row.grade, row.download_url, row.download_uuid) == ("0.95", ours_link, "")
    assert row.verify_uuid == ours(learner, course_key).verify_uuid.hex


# --- jobs: eager on the LMS's Celery app, set-based write-through -----------------------------------------


def test_a_job_runs_eagerly_on_the_lms_celery_app_and_writes_the_lms_rows(course, course_key, on_commit, settings):
    from celery import current_app

    from cert_manager_plugin import api
    from lms.djangoapps.certificates.models import GeneratedCertificate

    assert current_app.main == "proj" and current_app.conf.task_always_eager, "the LMS's own Celery app"
    learners = [make_user(f"l{n}") for n in range(5)]
    for n, learner in enumerate(learners):
        on_commit(enroll, learner, course_key, mode="audit" if n == 4 else "verified")
        on_commit(grade_update, learner, course_key, 0.3 if n == 3 else 0.8)
    GeneratedCertificate.objects.all().delete()  # as if the plugin were installed after these grades
    from cert_manager_plugin.models import Certificate

    Certificate.objects.all().delete()
    instructor = make_user("teacher")
    job = on_commit(api.submit_job, course_key, "generate_all", requested_by=instructor)
    job = api.get_job(course_key, job.id)  # as it reads after the eager run
    assert (job.state, job.total, job.changed) == ("succeeded", 5, 5)
    rows = dict(GeneratedCertificate.objects.values_list("user__username", "status"))
    assert rows == {
        "l0": "downloadable",
        "l1": "downloadable",
        "l2": "downloadable",
        "l3": "notpassing",
        "l4": "audit_passing",
    }


def _write_through_queries(course_key, n: int) -> int:
    from cert_manager_plugin import engine
    from cert_manager_plugin.models import LearnerRecord

    users = [make_user(f"q{n}x{i}") for i in range(n)]
    LearnerRecord.objects.bulk_create(
        [
            LearnerRecord(
                user=u, course_key=course_key, mode="verified", is_active=True, percent_grade=0.9, passed=True
            )
            for u in users
        ]
    )
    with CaptureQueriesContext(connection) as ctx:
        engine.reconcile_batch(course_key, [u.pk for u in users], engine.Intent(source="job"))
    return len(ctx.captured_queries)


def test_write_through_costs_the_same_queries_for_10_and_300_learners(course, course_key):
    from opaque_keys.edx.keys import CourseKey

    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    other = CourseKey.from_string("course-v1:HostX+CERT2+2026")
    CourseOverview.objects.create(id=other, org="HostX", display_name="Other")
    assert _write_through_queries(course_key, 10) == _write_through_queries(other, 300)


# --- the LMS's pages -------------------------------------------------------------------------------------------


@pytest.fixture
def legacy_dashboard():
    from waffle.testutils import override_flag

    with override_flag("instructor.legacy_instructor_dashboard", active=True):
        yield


@pytest.fixture
def certificates_enabled():
    from lms.djangoapps.certificates.models import CertificateGenerationConfiguration

    return CertificateGenerationConfiguration.objects.create(enabled=True)


@pytest.mark.parametrize(("role", "can_manage"), [("instructor", True), ("staff", False), ("global staff", True)])
def test_the_legacy_dashboard_shows_our_certificates_section_instead_of_the_lms_one(
    client, course, course_key, legacy_dashboard, certificates_enabled, role, can_manage
):
    from common.djangoapps.student.roles import CourseInstructorRole, CourseStaffRole

    user = make_user("teamer", is_staff=role == "global staff")
    if role == "instructor":
        CourseInstructorRole(course_key).add_users(user)
    elif role == "staff":
        CourseStaffRole(course_key).add_users(user)
    client.force_login(user)
    response = client.get(f"/courses/{COURSE_ID}/instructor")
    assert response.status_code == 200
    keys = [s["section_key"] for s in response.context["sections"]]
    assert keys.count("cert_manager") == 1 and "certificates" not in keys, keys
    html = response.content.decode()
    assert html.count('data-section="cert_manager"') == 1
    assert 'id="cm-panel"' in html and 'id="cm-config"' in html, "the panel's markup, rendered by the LMS (Mako)"
    assert "cert_manager_plugin/js/instructor_panel.js" in html and "cert_manager_plugin/css/cert_manager.css" in html
    config = json.loads(html.split('id="cm-config">', 1)[1].split("</script>", 1)[0])
    assert config["canManage"] is can_manage
    assert "lms-builtin-certificates" not in html


def test_the_mfe_gets_one_certificates_tab_pointing_at_the_panel(client, course, course_key, certificates_enabled):
    user = make_user("boss", is_staff=True)
    client.force_login(user)
    tabs = client.get(f"/api/instructor/v2/courses/{COURSE_ID}").json()["tabs"]
    ids = [t["tab_id"] for t in tabs]
    assert ids.count("cert_manager") == 1 and "certificates" not in ids
    [tab] = [t for t in tabs if t["tab_id"] == "cert_manager"]
    assert tab["title"] == "Certificates" and tab["sort_order"] == 80, "in the place of the LMS's tab"
    assert tab["url"] == f"http://localhost:8000/cert_manager/instructor/{COURSE_ID}/"
    assert client.get(tab["url"].removeprefix("http://localhost:8000")).status_code == 200


def test_the_lms_certificate_link_shows_our_certificate(client, course, course_key, on_commit, settings):
    settings.CERTIFICATES_HTML_VIEW = True  # web certificates on, as Tutor configures the LMS
    learner = make_user("frodo")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    row = lms_certificate(learner, course_key)
    response = client.get(f"/certificates/{row.verify_uuid}")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cert_manager/certificates/{ours(learner, course_key).verify_uuid}/")
    assert client.get(response["Location"].removeprefix("http://localhost:8000")).status_code == 200


def test_the_lms_generator_is_stopped_for_managed_courses(course, course_key, settings):
    from waffle.testutils import override_switch

    from lms.djangoapps.certificates.generation_handler import (
        CertificateGenerationNotAllowed,
        generate_certificate_task,
    )
    from lms.djangoapps.certificates.models import GeneratedCertificate
    from lms.djangoapps.grades.models import PersistentCourseGrade

    settings.CERTIFICATES_HTML_VIEW = True
    learner = make_user("sam")
    enroll(learner, course_key, mode="honor")  # no ID verification needed: generation would go ahead
    PersistentCourseGrade.update_or_create(
        user_id=learner.id, course_id=course_key, percent_grade=0.9, letter_grade="Pass", passed=True
    )
    with pytest.raises(CertificateGenerationNotAllowed, match="issued by the certificate manager"):
        generate_certificate_task(learner, course_key)
    assert not GeneratedCertificate.objects.filter(user=learner).exists()
    with override_switch("certificates.auto_certificate_generation", active=True):  # its grade-passed handler too
        grade_update(learner, course_key, 0.9)
    assert (
        not GeneratedCertificate.objects.filter(user=learner, status="downloadable")
        .exclude(verify_uuid__in=[c.verify_uuid.hex for c in _our_certificates()])
        .exists()
    )


def _our_certificates():
    from cert_manager_plugin.models import Certificate

    return list(Certificate.objects.all())


# --- installing into a running LMS keeps what learners hold --------------------------------------------------


def test_backfill_keeps_every_certificate_learners_hold(course, course_key, on_commit, settings):
    from django.core.management import call_command

    from cert_manager_plugin import api
    from cert_manager_plugin.models import Certificate, CertificateException, CertificateInvalidation
    from lms.djangoapps.certificates.models import CertificateAllowlist, GeneratedCertificate
    from lms.djangoapps.certificates.models import CertificateInvalidation as LmsInvalidation

    holder, cheat, friend, failing = (make_user(n) for n in ("holder", "cheat", "friend", "failing"))
    for user in (holder, cheat, friend, failing):
        enroll(user, course_key)
    from lms.djangoapps.grades.models import PersistentCourseGrade

    for user, percent in ((holder, 0.9), (cheat, 0.9), (friend, 0.1), (failing, 0.2)):
        PersistentCourseGrade.update_or_create(
            user_id=user.id,
            course_id=course_key,
            percent_grade=percent,
            letter_grade="Pass" if percent > 0.5 else "",
            passed=percent > 0.5,
        )
    # the LMS's own certificates, from before the plugin was installed (written as the LMS writes them)
    Certificate.objects.all().delete()
    GeneratedCertificate.objects.all().delete()
    held = GeneratedCertificate.objects.create(
        user=holder,
        course_id=course_key,
        status="downloadable",
        mode="verified",
        grade="0.9",
        name="Holder B",
        verify_uuid="a" * 32,
    )
    revoked = GeneratedCertificate.objects.create(
        user=cheat, course_id=course_key, status="unavailable", mode="verified", grade="0.9", verify_uuid="b" * 32
    )
    LmsInvalidation.objects.create(
        generated_certificate=revoked, invalidated_by=make_user("admin", is_staff=True), notes="plagiarism", active=True
    )
    CertificateAllowlist.objects.create(user=friend, course_id=course_key, allowlist=True, notes="medical leave")

    call_command("backfill_learner_records", COURSE_ID)

    mine = {c.user_id: c for c in Certificate.objects.filter(course_key=course_key)}
    assert mine[holder.id].verify_uuid.hex == held.verify_uuid and mine[holder.id].status == "downloadable"
    assert mine[cheat.id].verify_uuid.hex == revoked.verify_uuid
    assert CertificateInvalidation.objects.filter(certificate=mine[cheat.id], active=True, notes="plagiarism").exists()
    assert CertificateException.objects.filter(user=friend, course_key=course_key, notes="medical leave").exists()

    on_commit(api.submit_job, course_key, "generate_all")
    statuses = dict(Certificate.objects.filter(course_key=course_key).values_list("user_id", "status"))
    assert statuses[cheat.id] == "unavailable", "no job re-issues an invalidated certificate"
    assert statuses[friend.id] == "downloadable", "the LMS's allowlist became ours"
    assert statuses[holder.id] == "downloadable"
    assert lms_certificate(holder, course_key).verify_uuid == held.verify_uuid, "shared links keep working"


# --- retirement through the LMS's signals -----------------------------------------------------------------------


def test_retiring_a_learner_in_the_lms_scrubs_the_name_and_keeps_the_link(client, course, course_key, on_commit):
    from openedx.core.djangoapps.user_api.accounts.views import AccountRetirementView

    learner = make_user("gollum")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    cert = ours(learner, course_key)
    assert cert.name == "Gollum Baggins"
    AccountRetirementView.retire_user(learner, retired_username="retired__user_abc", retired_email="r@retired.invalid")
    cert.refresh_from_db()
    assert (cert.name, cert.status) == ("", "downloadable")
    body = client.get(f"/api/cert_manager/v1/verify/{cert.verify_uuid}").json()
    assert "Gollum" not in json.dumps(body) and body["status"] == "downloadable"


# --- learner emails through edx-ace, with the LMS's opt-out policy ------------------------------------------------


def test_learners_are_emailed_through_ace_and_an_opt_out_is_respected(
    course, course_key, on_commit, settings, mailoutbox
):
    from lms.djangoapps.bulk_email.models import Optout

    settings.CERT_MANAGER_EMAILS_ENABLED = True
    settings.DEFAULT_FROM_EMAIL = "certificates@lms.example.com"
    keen, quiet = make_user("keen"), make_user("quiet")
    Optout.objects.create(user=quiet, course_id=course_key)
    for learner in (keen, quiet):
        on_commit(enroll, learner, course_key)
        on_commit(grade_update, learner, course_key, 0.9)
    assert [m.to for m in mailoutbox] == [["keen@example.com"]], "the opted-out learner gets nothing"
    [mail] = mailoutbox
    body = mail.body + "".join(content for content, _ in getattr(mail, "alternatives", []))
    assert "Keen Baggins" in body and "Certificates in the LMS" in body
    assert f"/cert_manager/certificates/{ours(keen, course_key).verify_uuid}" in body


# --- issue 14 extras inside the LMS: section links in the legacy dashboard, learner share actions -------------


def test_the_panels_section_links_fit_in_the_legacy_dashboard(
    client, course, course_key, legacy_dashboard, certificates_enabled
):
    """The LMS page holds the panel's section links and "Back to top" targets, every id on the page once."""
    import re

    from common.djangoapps.student.roles import CourseInstructorRole

    user = make_user("teamer")
    CourseInstructorRole(course_key).add_users(user)
    client.force_login(user)
    html = client.get(f"/courses/{COURSE_ID}/instructor").content.decode()
    panel = html[html.index('id="cm-panel"') :]
    links = re.findall(r'<a href="#(cm-[\w-]+)">', panel[: panel.index("</nav>")])
    sections = re.findall(r'<section class="cm-card[^"]*" id="(cm-[\w-]+)"', panel)
    assert links and links == sections, "a link to every section of the panel, in order"
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


class _LinkedInConfiguration:
    """The LMS's ``LinkedInAddToProfileConfiguration`` as ``current()`` gives it (user.py, edx-platform 01d40bd4)."""

    company_identifier = "4242"

    @classmethod
    def current(cls):
        return cls()

    def is_enabled(self):
        return True

    def add_to_profile_url(self, course_name, cert_mode, cert_url, certificate=None):
        from urllib.parse import urlencode

        params = {"name": f"LMS {cert_mode} {course_name}", "certUrl": cert_url, "organizationId": "4242"}
        params.update({"certId": certificate.verify_uuid, "issueYear": certificate.created_date.year})
        return f"https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&{urlencode(params)}"


def test_learner_share_actions_use_the_lms_linkedin_configuration_when_it_has_one(
    client, course, course_key, on_commit, monkeypatch
):
    from cert_manager_plugin import lms
    from common.djangoapps.student import models as student_models

    learner = make_user("frodo")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    cert = ours(learner, course_key)
    client.force_login(learner)

    assert lms.backend().linkedin_configuration() is None, "this LMS has no such model: the plugin's setting decides"
    html = client.get("/cert_manager/dashboard/").content.decode()
    assert "cm-copy-link" in html and f"/cert_manager/certificates/{cert.verify_uuid}/verify/" in html
    assert "organizationName=" in html and f"certId={cert.verify_uuid}" in html

    monkeypatch.setattr(student_models, "LinkedInAddToProfileConfiguration", _LinkedInConfiguration, raising=False)
    html = client.get("/cert_manager/dashboard/").content.decode()
    assert "name=LMS+verified+Certificates+in+the+LMS" in html and "organizationId=4242" in html
    assert f"certId={cert.verify_uuid}" in html
    web = client.get(f"/cert_manager/certificates/{cert.verify_uuid}/").content.decode()
    assert "organizationId=4242" in web, "the owner's certificate page too"
    client.logout()
    assert "cm-copy-link" not in client.get(f"/cert_manager/certificates/{cert.verify_uuid}/").content.decode()
