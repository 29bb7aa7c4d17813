"""The openedx-events receivers, driven by real ``send_event`` calls (the plugin is connected via its entry point)."""

from __future__ import annotations

import ast
import inspect
import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from openedx_events.learning.data import (
    CourseData,
    CourseEnrollmentData,
    CoursePassingStatusData,
    PersistentCourseGradeData,
)
from openedx_events.learning.signals import (
    COURSE_ENROLLMENT_CHANGED,
    COURSE_ENROLLMENT_CREATED,
    COURSE_PASSING_STATUS_UPDATED,
    COURSE_UNENROLLMENT_COMPLETED,
    PERSISTENT_GRADE_SUMMARY_CHANGED,
)

from cert_manager_plugin import receivers
from cert_manager_plugin.models import Certificate, LearnerRecord
from tests import lms_events
from tests.factories import COURSE_KEY, UserFactory

pytestmark = pytest.mark.django_db


def no_errors(responses) -> None:
    """send_event is robust (it collects receiver exceptions): none of ours may have raised."""
    ours = [(r, resp) for r, resp in responses if getattr(r, "__module__", "") == receivers.__name__]
    assert ours, "the plugin's receiver is connected to this signal"
    assert not [resp for _, resp in ours if isinstance(resp, BaseException)]


def record(user) -> LearnerRecord:
    return LearnerRecord.objects.get(user=user, course_key=COURSE_KEY)


T0 = timezone.now().replace(microsecond=0)


def test_enrollment_created(learner):
    no_errors(lms_events.enroll(learner, COURSE_KEY, "honor", at=T0))
    r = record(learner)
    assert (r.mode, r.is_active, r.enrollment_at) == ("honor", True, T0)


def test_enrollment_changed_mode_and_deactivation(learner):
    lms_events.enroll(learner, COURSE_KEY, "audit", at=T0)
    no_errors(lms_events.change_enrollment(learner, COURSE_KEY, "verified", at=T0 + timedelta(seconds=1)))
    assert (record(learner).mode, record(learner).is_active) == ("verified", True)
    lms_events.change_enrollment(learner, COURSE_KEY, "verified", is_active=False, at=T0 + timedelta(seconds=2))
    assert record(learner).is_active is False


def test_unenrollment_makes_the_record_inactive_whatever_the_payload_says(learner):
    lms_events.enroll(learner, COURSE_KEY, "verified", at=T0)
    payload = lms_events.enrollment(learner, COURSE_KEY, "verified", is_active=True)
    no_errors(COURSE_UNENROLLMENT_COMPLETED.send_event(enrollment=payload, time=T0 + timedelta(seconds=1)))
    r = record(learner)
    assert (r.is_active, r.mode, r.enrollment_at) == (False, "verified", T0 + timedelta(seconds=1))


def test_grade_summary_changed(learner):
    lms_events.enroll(learner, COURSE_KEY, at=T0)
    no_errors(lms_events.grade(learner.pk, COURSE_KEY, 0.85, passed=True, at=T0 + timedelta(seconds=1)))
    r = record(learner)
    assert (r.percent_grade, r.passed, r.passed_timestamp, r.grade_at) == (
        0.85,
        True,
        T0 + timedelta(seconds=1),
        T0 + timedelta(seconds=1),
    )
    lms_events.grade(learner.pk, COURSE_KEY, 0.4, passed=False, at=T0 + timedelta(seconds=2))
    r = record(learner)
    assert (r.percent_grade, r.passed, r.passed_timestamp) == (0.4, False, None)


def test_passing_status_updated(learner):
    lms_events.enroll(learner, COURSE_KEY, at=T0)
    no_errors(lms_events.passing_status(learner, COURSE_KEY, True, at=T0 + timedelta(seconds=1)))
    assert record(learner).passed is True
    lms_events.passing_status(learner, COURSE_KEY, False, at=T0 + timedelta(seconds=2))
    assert record(learner).passed is False


def test_a_grade_event_before_any_enrollment_creates_an_inactive_record(learner):
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True, at=T0)
    r = record(learner)
    assert (r.is_active, r.percent_grade, r.passed) == (False, 0.9, True)
    lms_events.enroll(learner, COURSE_KEY, "verified", at=T0 - timedelta(seconds=5))
    r = record(learner)
    assert (r.is_active, r.percent_grade) == (True, 0.9), "an enrollment older than the grade still applies"


# --- older events never overwrite newer state ------------------------------------------------------


def test_older_enrollment_event_is_ignored(learner):
    lms_events.change_enrollment(learner, COURSE_KEY, "verified", at=T0)
    lms_events.unenroll(learner, COURSE_KEY, at=T0 - timedelta(minutes=1))
    lms_events.enroll(learner, COURSE_KEY, "audit", at=T0 - timedelta(minutes=2))
    r = record(learner)
    assert (r.mode, r.is_active, r.enrollment_at) == ("verified", True, T0)


def test_older_grade_event_is_ignored(learner):
    lms_events.enroll(learner, COURSE_KEY, at=T0)
    lms_events.grade(learner.pk, COURSE_KEY, 0.95, passed=True, at=T0 + timedelta(minutes=2))
    lms_events.grade(learner.pk, COURSE_KEY, 0.30, passed=False, at=T0 + timedelta(minutes=1))
    r = record(learner)
    assert (r.percent_grade, r.passed, r.grade_at) == (0.95, True, T0 + timedelta(minutes=2))


def test_older_passing_status_event_is_ignored_but_does_not_block_the_grade(learner):
    lms_events.enroll(learner, COURSE_KEY, at=T0)
    lms_events.passing_status(learner, COURSE_KEY, False, at=T0 + timedelta(minutes=3))
    lms_events.passing_status(learner, COURSE_KEY, True, at=T0 + timedelta(minutes=1))
    assert record(learner).passed is False
    # a grade event newer than the last grade but older than the passing status: grade yes, passed no
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True, at=T0 + timedelta(minutes=2))
    r = record(learner)
    assert (r.percent_grade, r.passed) == (0.9, False)
    # a newer grade event sets passed again
    lms_events.grade(learner.pk, COURSE_KEY, 0.91, passed=True, at=T0 + timedelta(minutes=4))
    assert record(learner).passed is True


def test_enrollment_grade_and_passing_clocks_are_independent(learner):
    lms_events.grade(learner.pk, COURSE_KEY, 0.7, passed=True, at=T0 + timedelta(hours=1))
    lms_events.passing_status(learner, COURSE_KEY, True, at=T0 + timedelta(hours=2))
    lms_events.enroll(learner, COURSE_KEY, "masters", at=T0)  # oldest of all, but the first enrollment event
    r = record(learner)
    assert (r.mode, r.is_active, r.percent_grade, r.passed) == ("masters", True, 0.7, True)


# --- bad input is logged and ignored, never raised into the sender ---------------------------------


def _send_all_with(user_id: int, course_key, user=None):
    """Every one of the five events with the given user id and course key (bypassing lms_events' key parsing)."""
    user = user or UserFactory.build(pk=user_id)
    course = CourseData(course_key=course_key, display_name="x")
    enrollment = CourseEnrollmentData(
        user=lms_events.user_data(user), course=course, mode="verified", is_active=True, creation_date=T0
    )
    return [
        COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment, time=T0),
        COURSE_ENROLLMENT_CHANGED.send_event(enrollment=enrollment, time=T0),
        COURSE_UNENROLLMENT_COMPLETED.send_event(enrollment=enrollment, time=T0),
        PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
            grade=PersistentCourseGradeData(
                user_id=user_id,
                course=course,
                course_edited_timestamp=T0,
                course_version="v1",
                grading_policy_hash="h",
                percent_grade=0.9,
                letter_grade="Pass",
                passed_timestamp=T0,
            ),
            time=T0,
        ),
        COURSE_PASSING_STATUS_UPDATED.send_event(
            course_passing_status=CoursePassingStatusData(
                is_passing=True, course=course, user=lms_events.user_data(user)
            ),
            time=T0,
        ),
    ]


def test_unknown_user_is_logged_and_ignored(caplog, learner):
    with caplog.at_level(logging.WARNING, logger=receivers.__name__):
        for responses in _send_all_with(learner.pk + 999, COURSE_KEY):
            no_errors(responses)
    assert not LearnerRecord.objects.exists()
    warnings = [r.getMessage() for r in caplog.records if r.name == receivers.__name__]
    assert len(warnings) == 5
    assert all("unknown user id" in w for w in warnings)


@pytest.mark.parametrize("bad_key", [None, "not-a-course-key", "course-v1:broken"], ids=repr)
def test_malformed_course_key_is_logged_and_ignored(caplog, learner, bad_key):
    with caplog.at_level(logging.WARNING, logger=receivers.__name__):
        for responses in _send_all_with(learner.pk, bad_key, user=learner):
            no_errors(responses)
    assert not LearnerRecord.objects.exists()
    warnings = [r.getMessage() for r in caplog.records if r.name == receivers.__name__]
    assert len(warnings) == 5
    assert all("malformed course key" in w for w in warnings)


def test_a_payload_that_breaks_the_receiver_is_logged_not_raised(caplog, learner):
    with caplog.at_level(logging.ERROR, logger=receivers.__name__):
        no_errors(
            PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
                grade=PersistentCourseGradeData(
                    user_id=learner.pk,
                    course=CourseData(course_key=COURSE_KEY),
                    course_edited_timestamp=T0,
                    course_version="v1",
                    grading_policy_hash="h",
                    percent_grade=None,  # not a number
                    letter_grade="",
                    passed_timestamp=None,
                ),
                time=T0,
            )
        )
    assert not LearnerRecord.objects.exists()
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records if r.name == receivers.__name__)


def test_receivers_do_not_reconcile_before_commit(learner):
    """The reconcile runs after the surrounding transaction commits (never inside the LMS's transaction)."""
    lms_events.enroll(learner, COURSE_KEY, at=T0)
    lms_events.grade(learner.pk, COURSE_KEY, 0.9, passed=True, at=T0 + timedelta(seconds=1))
    assert not Certificate.objects.exists()


def test_receivers_stay_thin():
    """Each receiver is a few lines that hand over to ``api``; no ORM in this module."""
    source = inspect.getsource(receivers)
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("on_"):
            assert node.end_lineno - node.lineno <= 20, node.name
    imported = {(n.module or "") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not [m for m in imported if m.endswith("models") or m.startswith("django.db")], imported


# --- the LMS's Django signals: user retirement -------------------------------------------------------------

RETIREMENT_MODULE = "openedx.core.djangoapps.user_api.accounts.signals"


@pytest.fixture
def fake_retirement_signals(monkeypatch):
    """edx-platform's retirement signals module, faked with real Django signals at its real import path."""
    import sys
    import types

    from django.dispatch import Signal

    module = types.ModuleType(RETIREMENT_MODULE)
    module.USER_RETIRE_MAILINGS = Signal()
    module.USER_RETIRE_LMS_CRITICAL = Signal()
    module.USER_RETIRE_LMS_MISC = Signal()
    parts = RETIREMENT_MODULE.split(".")
    for depth in range(1, len(parts)):
        monkeypatch.setitem(sys.modules, ".".join(parts[:depth]), types.ModuleType(".".join(parts[:depth])))
    monkeypatch.setitem(sys.modules, RETIREMENT_MODULE, module)
    yield module
    for signal in (module.USER_RETIRE_LMS_CRITICAL, module.USER_RETIRE_LMS_MISC):
        signal.disconnect(dispatch_uid=receivers.RETIREMENT_DISPATCH_UID)


def test_retirement_receiver_is_connected_inside_the_lms(monkeypatch, fake_retirement_signals, learner):
    from cert_manager_plugin import lms
    from tests.factories import CertificateFactory

    cert = CertificateFactory(user=learner, name="Bilbo Baggins")  # made standalone, before "entering" the LMS
    monkeypatch.setattr(type(lms.backend()), "owns_retirement", True)
    signals = receivers.connect_lms_signals()
    assert signals == [fake_retirement_signals.USER_RETIRE_LMS_CRITICAL, fake_retirement_signals.USER_RETIRE_LMS_MISC]
    receivers.connect_lms_signals()  # ready() twice (tests, autoreload): still one receiver per signal
    for signal in signals:
        assert len(signal.receivers) == 1
    assert not fake_retirement_signals.USER_RETIRE_MAILINGS.receivers

    # As AccountRetirementView.post sends it (before the user row gets its retired username).
    responses = fake_retirement_signals.USER_RETIRE_LMS_CRITICAL.send(
        sender=object, user=learner, retired_username="retired__user_x", retired_email="retired__user_x@retired"
    )
    assert [r for r, _ in responses] == [receivers.on_user_retired]
    cert.refresh_from_db()
    assert cert.name == ""
    cert.name = "Bilbo Baggins"
    cert.save()
    fake_retirement_signals.USER_RETIRE_LMS_MISC.send(sender=object, user=learner)  # LMSAccountRetirementView
    cert.refresh_from_db()
    assert cert.name == ""


def test_a_failed_retirement_fails_the_lms_retirement_step(monkeypatch, fake_retirement_signals, learner):
    """The LMS sends these with send(): our failure must reach its retirement driver (which retries), not vanish."""
    from cert_manager_plugin import api, lms

    monkeypatch.setattr(type(lms.backend()), "owns_retirement", True)
    receivers.connect_lms_signals()

    def broken(user_id):
        raise RuntimeError("database is down")

    monkeypatch.setattr(api, "retire_user", broken)
    with pytest.raises(RuntimeError, match="database is down"):
        fake_retirement_signals.USER_RETIRE_LMS_CRITICAL.send(sender=object, user=learner)
    fake_retirement_signals.USER_RETIRE_LMS_MISC.send(sender=object, user=None)  # no user: a warning, no error


def test_nothing_is_connected_outside_the_lms(fake_retirement_signals, learner):
    """Standalone (the demo host, these tests): no retirement signal is even imported, so none is connected."""
    from cert_manager_plugin import lms, wiring

    assert lms.inside_lms() is False and not lms.backend().owns_retirement
    assert wiring.retirement_signals() == []
    assert receivers.connect_lms_signals() == []
    assert not fake_retirement_signals.USER_RETIRE_LMS_CRITICAL.receivers
    assert not fake_retirement_signals.USER_RETIRE_LMS_MISC.receivers


def test_inside_an_lms_without_the_signals_module_nothing_breaks(monkeypatch, caplog):
    import sys

    from cert_manager_plugin import lms

    monkeypatch.setattr(type(lms.backend()), "owns_retirement", True)
    monkeypatch.setitem(sys.modules, RETIREMENT_MODULE, None)  # import fails, as on a host without it
    with caplog.at_level(logging.WARNING, logger=lms.__name__):
        assert receivers.connect_lms_signals() == []
    assert RETIREMENT_MODULE in caplog.text
