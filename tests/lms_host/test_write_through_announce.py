"""
Inside the LMS-shaped host: what ``EdxPlatformBackend.announce_lms_changes`` sends for the rows write-through wrote
is what the stand-in's ``GeneratedCertificate.save()`` / ``_revoke_certificate`` builds, whether or not a Django
signal (which passes a ``User`` instance) has listeners, in one query (two with a Django listener) per batch.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.lms_host, pytest.mark.django_db]

COURSE_ID = "course-v1:HostX+ANNOUNCE+2026"
COURSE_NAME = "Announce"
EVENT_NAMES = ("CERTIFICATE_CHANGED", "CERTIFICATE_CREATED", "CERTIFICATE_REVOKED")
SIGNAL_NAMES = ("COURSE_CERT_CHANGED", "COURSE_CERT_AWARDED", "COURSE_CERT_REVOKED")


class Recorder:
    """What the openedx-events (and, when ``signals``, the LMS's Django signals) deliver, in order."""

    def __init__(self, *, signals: bool) -> None:
        from openedx_events.learning import signals as events

        from openedx.core.djangoapps.signals import signals as lms_signals

        self.heard: list[tuple[str, dict]] = []
        self.connected = [(name, getattr(events, name)) for name in EVENT_NAMES]
        if signals:
            self.connected += [(name, getattr(lms_signals, name)) for name in SIGNAL_NAMES]
        for name, signal in self.connected:
            signal.connect(self._record(name), weak=False, dispatch_uid=f"announce-test.{name}")

    def _record(self, name: str):
        """A receiver appending what ``name`` delivers."""

        def record(**kwargs) -> None:
            self.heard.append((name, kwargs))

        return record

    def close(self) -> None:
        """Disconnect every receiver."""
        for name, signal in self.connected:
            signal.disconnect(dispatch_uid=f"announce-test.{name}")


@pytest.fixture
def recorder_factory():
    """Recorders, disconnected after the test."""
    made: list[Recorder] = []

    def make(*, signals: bool) -> Recorder:
        recorder = Recorder(signals=signals)
        made.append(recorder)
        return recorder

    yield make
    for recorder in made:
        recorder.close()


def _learners(course_key, grades, *, active=True) -> list[int]:
    """Learners with a profile name and a record at each grade (no certificate yet)."""
    from django.contrib.auth import get_user_model

    from cert_manager_plugin.models import LearnerRecord
    from common.djangoapps.student.models import UserProfile

    ids = []
    for n, grade in enumerate(grades):
        user = get_user_model().objects.create_user(
            username=f"announce{n}", email=f"announce{n}@example.com", is_active=active if n else True
        )
        UserProfile.objects.create(user=user, name=f"Announced Learner {n}" if n != 1 else "")
        LearnerRecord.objects.create(
            user=user, course_key=course_key, mode="verified", is_active=True, percent_grade=grade, passed=grade >= 0.5
        )
        ids.append(user.pk)
    return ids


def _django_signals_unheard() -> bool:
    """Whether none of the LMS's certificate Django signals has a listener (the benchmark host's state)."""
    from lms.djangoapps.certificates.models import GeneratedCertificate
    from openedx.core.djangoapps.signals import signals as lms_signals

    return not any(getattr(lms_signals, name).has_listeners(GeneratedCertificate) for name in SIGNAL_NAMES)


def _what_save_builds(course_key, user_id):
    """The stand-in ``GeneratedCertificate._certificate_data()`` of the learner's row as stored now."""
    from lms.djangoapps.certificates.models import GeneratedCertificate

    return GeneratedCertificate.objects.get(course_id=course_key, user_id=user_id)._certificate_data()


def test_without_a_django_listener_the_events_carry_what_save_builds(
    course, course_key, recorder_factory, django_capture_on_commit_callbacks
):
    from cert_manager_plugin import engine
    from cert_manager_plugin.models import LearnerRecord

    assert _django_signals_unheard(), "the host connects no listener to COURSE_CERT_*"
    passing, nameless, failing = _learners(course_key, [0.9, 0.8, 0.2], active=False)
    recorder = recorder_factory(signals=False)
    with django_capture_on_commit_callbacks(execute=True):
        engine.reconcile_batch(course_key, [passing, nameless, failing], engine.Intent.job())
    assert [(name, kw["certificate"].user.id) for name, kw in recorder.heard] == [
        ("CERTIFICATE_CHANGED", passing),
        ("CERTIFICATE_CREATED", passing),
        ("CERTIFICATE_CHANGED", nameless),
        ("CERTIFICATE_CREATED", nameless),
        ("CERTIFICATE_CHANGED", failing),
    ]
    for _, kwargs in recorder.heard:
        user_id = kwargs["certificate"].user.id
        assert kwargs["certificate"] == _what_save_builds(course_key, user_id)
    assert {kw["certificate"].user.is_active for _, kw in recorder.heard} == {True, False}

    recorder.heard.clear()
    LearnerRecord.objects.filter(user_id=passing).update(percent_grade=0.1, passed=False)
    with django_capture_on_commit_callbacks(execute=True):
        engine.reconcile_batch(course_key, [passing], engine.Intent.job())
    assert [name for name, _ in recorder.heard] == ["CERTIFICATE_CHANGED", "CERTIFICATE_REVOKED"]
    revoked = _what_save_builds(course_key, passing)
    assert revoked.current_status == "notpassing"
    assert [kw["certificate"] for _, kw in recorder.heard] == [revoked, revoked]


def test_the_same_payloads_with_a_django_listener_which_gets_the_user_instance(course, course_key, recorder_factory):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cert_manager_plugin import lms
    from cert_manager_plugin.lms.base import LmsTransition

    ids = _learners(course_key, [0.9, 0.9])
    transitions = [
        LmsTransition(ids[0], None, "downloadable", "verified", "0.9", "Announced Learner 0", "https://x/a.pdf"),
        LmsTransition(ids[1], "downloadable", "notpassing", "verified", "0.1", "", ""),
        LmsTransition(10**9, None, "downloadable", "verified", "0.9", "Gone", ""),  # no such learner: skipped
    ]
    backend = lms.backend()
    events_only = recorder_factory(signals=False)
    with CaptureQueriesContext(connection) as one:
        assert backend.announce_lms_changes(course_key, transitions) == 2
    assert len(one) == 1, "the users joined to their profiles"
    events_only.close()

    both = recorder_factory(signals=True)
    with CaptureQueriesContext(connection) as two:
        assert backend.announce_lms_changes(course_key, transitions) == 2
    assert len(two) == 2, "the User instances, then the profile names"
    assert [name for name, _ in both.heard] == [
        "COURSE_CERT_CHANGED",
        "CERTIFICATE_CHANGED",
        "COURSE_CERT_AWARDED",
        "CERTIFICATE_CREATED",
        "COURSE_CERT_CHANGED",
        "CERTIFICATE_CHANGED",
        "COURSE_CERT_REVOKED",
        "CERTIFICATE_REVOKED",
    ]
    events = [(name, kw["certificate"]) for name, kw in both.heard if name.startswith("CERTIFICATE_")]
    assert events == [(name, kw["certificate"]) for name, kw in events_only.heard]
    learners = get_user_model().objects.in_bulk(ids)
    for name, kwargs in both.heard:
        if name.startswith("COURSE_CERT_"):
            user = kwargs["user"]
            assert isinstance(user, get_user_model()) and user == learners[user.pk]
            assert (kwargs["course_key"], kwargs["mode"]) == (course_key, "verified")
    pii = [kw["certificate"].user.pii for _, kw in events_only.heard]
    assert [(p.username, p.name) for p in pii] == [
        ("announce0", "Announced Learner 0"),
        ("announce0", "Announced Learner 0"),
        ("announce1", ""),
        ("announce1", ""),
    ]
