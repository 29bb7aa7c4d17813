"""Fingerprints: after a job every certificate is fresh; any change of what the engine reads makes it a candidate."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from cert_manager_plugin import engine, fingerprints, lms
from cert_manager_plugin.eligibility import CoursePolicy
from cert_manager_plugin.models import Certificate, CertificateRevision, LearnerRecord
from tests.factories import (
    COURSE_KEY,
    CertificateExceptionFactory,
    CertificateFactory,
    CertificateInvalidationFactory,
    LearnerRecordFactory,
)

pytestmark = pytest.mark.django_db


def _issue(grades=(0.9, 0.0, 1.0, 0.12345, 0.99995, None)) -> list[int]:
    """Learners with these grades (None: no grade yet), reconciled by a job: each holds a fingerprinted certificate."""
    ids = [
        LearnerRecordFactory(percent_grade=g, passed=g is not None and g >= 0.5, mode="verified").user_id
        for g in grades
    ]
    engine.reconcile_batch(COURSE_KEY, ids, engine.Intent.job())
    return ids


def test_a_job_leaves_every_certificate_fresh_and_a_job_skips_them(course):
    ids = _issue()
    assert Certificate.objects.exclude(fingerprint="").count() == len(ids)
    assert fingerprints.fresh_user_ids(COURSE_KEY) == set(ids)  # the database computes what Python stored

    from cert_manager_plugin import job_kinds

    assert job_kinds.job_candidates(COURSE_KEY, "generate_all", {}) == ([], len(ids))
    regenerate = job_kinds.job_candidates(COURSE_KEY, "regenerate", {"statuses": ["downloadable", "notpassing"]})
    assert regenerate == ([], len(ids))
    assert job_kinds.candidate_ids(COURSE_KEY, "generate_all", {}) == sorted(ids), "dry runs still see everyone"


def _rename(user_id):
    """The name the host prints changes: the account's (standalone) or the LMS profile's."""
    if lms.inside_lms():
        from common.djangoapps.student.models import UserProfile

        UserProfile.objects.update_or_create(user_id=user_id, defaults={"name": "Renamed Learner"})
    get_user_model().objects.filter(pk=user_id).update(first_name="Renamed")


def _exception_removed(user_id):
    from cert_manager_plugin.models import CertificateException

    CertificateException.objects.filter(user_id=user_id).delete()


def _invalidation_lifted(user_id):
    from cert_manager_plugin.models import CertificateInvalidation

    CertificateInvalidation.objects.filter(certificate__user_id=user_id).update(active=False)


MUTATIONS = {
    "grade": lambda u: LearnerRecord.objects.filter(user_id=u).update(percent_grade=0.91),
    "passed": lambda u: LearnerRecord.objects.filter(user_id=u).update(passed=False),
    "mode": lambda u: LearnerRecord.objects.filter(user_id=u).update(mode="audit"),
    "enrollment": lambda u: LearnerRecord.objects.filter(user_id=u).update(is_active=False),
    "record deleted": lambda u: LearnerRecord.objects.filter(user_id=u).delete(),
    "exception added": lambda u: CertificateExceptionFactory(user_id=u),
    "invalidation added": lambda u: CertificateInvalidationFactory(certificate=Certificate.objects.get(user_id=u)),
    "name": _rename,
    "name case only": lambda u: Certificate.objects.filter(user_id=u).update(
        name=Certificate.objects.get(user_id=u).name.upper()
    ),
    "certificate edited": lambda u: Certificate.objects.filter(user_id=u).update(status="notpassing"),
    "certificate grade edited": lambda u: Certificate.objects.filter(user_id=u).update(grade=0.5),
    "certificate deleted by force": lambda u: engine.reconcile_batch(COURSE_KEY, [u], engine.Intent.deletion()),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_any_change_of_an_input_makes_the_learner_a_candidate_again(course, mutation):
    ids = _issue((0.9, 0.8))
    changed, untouched = ids
    MUTATIONS[mutation](changed)

    assert fingerprints.fresh_user_ids(COURSE_KEY) == {untouched}
    from cert_manager_plugin import job_kinds

    assert job_kinds.job_candidates(COURSE_KEY, "generate_all", {}) == ([changed], 1)


@pytest.mark.parametrize("lists", ["exception removed", "invalidation lifted"])
def test_lifting_a_list_entry_makes_the_learner_a_candidate_again(course, lists):
    record = LearnerRecordFactory(percent_grade=0.1, passed=False)
    CertificateExceptionFactory(user=record.user)
    engine.reconcile_batch(COURSE_KEY, [record.user_id], engine.Intent.job())
    if lists == "invalidation lifted":
        CertificateInvalidationFactory(certificate=Certificate.objects.get(user_id=record.user_id))
        engine.reconcile_batch(COURSE_KEY, [record.user_id], engine.Intent.job())
        assert Certificate.objects.get(user_id=record.user_id).status == "unavailable"
    assert fingerprints.fresh_user_ids(COURSE_KEY) == {record.user_id}

    (_exception_removed if lists == "exception removed" else _invalidation_lifted)(record.user_id)

    assert fingerprints.fresh_user_ids(COURSE_KEY) == set()
    engine.reconcile_batch(COURSE_KEY, [record.user_id], engine.Intent.job())
    assert fingerprints.fresh_user_ids(COURSE_KEY) == {record.user_id}


def test_a_policy_change_makes_every_learner_a_candidate_again(course, monkeypatch):
    ids = _issue((0.9, 0.2))

    def changed(course_key):
        return CoursePolicy(revoke_on_grade_drop=False)

    monkeypatch.setattr(engine, "course_policy", changed)  # what the engine decides under
    monkeypatch.setattr(fingerprints, "course_policy", changed)  # what the database's fingerprint is computed from
    assert fingerprints.fresh_user_ids(COURSE_KEY) == set()

    engine.reconcile_batch(COURSE_KEY, ids, engine.Intent.job())
    assert fingerprints.fresh_user_ids(COURSE_KEY) == set(ids)


def test_a_certificate_already_right_gets_its_fingerprint_without_a_revision(course):
    record = LearnerRecordFactory(percent_grade=0.9)
    name = lms.backend().display_names([record.user_id])[record.user_id]  # the name the host prints
    legacy = CertificateFactory(user=record.user, grade=0.9, status="downloadable", name=name)
    assert legacy.fingerprint == "" and fingerprints.fresh_user_ids(COURSE_KEY) == set()

    result = engine.reconcile_batch(COURSE_KEY, [record.user_id], engine.Intent.job())

    legacy.refresh_from_db()
    assert (result.changed, result.skipped, legacy.revision) == (0, 1, 1)
    assert legacy.fingerprint and not CertificateRevision.objects.exists()
    assert fingerprints.fresh_user_ids(COURSE_KEY) == {record.user_id}


def test_dry_runs_and_deletions_store_no_fingerprint(course):
    record = LearnerRecordFactory(percent_grade=0.9)
    engine.reconcile_batch(COURSE_KEY, [record.user_id], engine.Intent.preview())
    assert not Certificate.objects.exists()
    engine.reconcile_batch(COURSE_KEY, [record.user_id], engine.Intent.job())
    engine.reconcile_batch(COURSE_KEY, [record.user_id], engine.Intent.deletion())
    assert Certificate.objects.get().fingerprint == ""


def test_postgresql_leaves_room_for_hot_updates_on_the_certificate_table(db):
    """Migration 0011: fillfactor 80 on the certificate table (PostgreSQL only; elsewhere there is no such setting)."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL storage parameter")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [Certificate._meta.db_table])
        (options,) = cursor.fetchone()
    assert "fillfactor=80" in (options or [])


@pytest.mark.parametrize(
    ("record_grade", "certificate_grade", "fresh"),
    [
        (0.91234, None, True),  # rounds to the 0.9123 the certificate shows
        (0.912349999, None, True),
        (0.91236, None, False),  # rounds to 0.9124
        (0.9124, None, False),
        (0.91225, None, None),  # ties (as decimals): fresh only where Python's round agrees
        (0.91235, None, None),
        (0.91245, None, None),
        (None, 0.91231, False),  # the certificate's grade edited to more places than a job writes
        (None, 0.9122, False),
    ],
)
def test_a_grade_is_fresh_only_when_it_rounds_to_the_certificates(course, record_grade, certificate_grade, fresh):
    (user_id,) = _issue((0.9123,))
    if record_grade is not None:
        LearnerRecord.objects.filter(user_id=user_id).update(percent_grade=record_grade)
    if certificate_grade is not None:
        Certificate.objects.filter(user_id=user_id).update(grade=certificate_grade)
    stored = Certificate.objects.get(user_id=user_id).grade
    shown = round(record_grade if record_grade is not None else 0.9123, 4)

    is_fresh = fingerprints.fresh_user_ids(COURSE_KEY) == {user_id}
    assert fresh is None or is_fresh == fresh
    assert not is_fresh or stored == shown, "fresh only where the engine would leave the certificate as it is"


@pytest.mark.parametrize("limit", [1000, 0])
def test_the_lists_are_looked_up_per_certificate_only_in_a_course_that_has_entries(course, monkeypatch, limit):
    """``_course_lists``: another course's entries leave the flags literal; past the limit each is looked up."""
    monkeypatch.setattr(fingerprints, "LISTED_LIMIT", limit)
    ids = _issue((0.9, 0.8))
    elsewhere = CertificateFactory(course_key="course-v1:Other+O1+2026")
    CertificateInvalidationFactory(certificate=elsewhere)
    CertificateExceptionFactory(user_id=elsewhere.user_id, course_key=elsewhere.course_key)
    assert fingerprints._course_lists(COURSE_KEY) == (False, limit == 0)
    assert fingerprints.fresh_user_ids(COURSE_KEY) == set(ids)

    CertificateInvalidationFactory(certificate=Certificate.objects.get(course_key=COURSE_KEY, user_id=ids[0]))
    assert fingerprints._course_lists(COURSE_KEY) == (False, True)
    assert fingerprints.fresh_user_ids(COURSE_KEY) == {ids[1]}
