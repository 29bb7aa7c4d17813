"""
Inside the LMS-shaped host: a bulk job skips a learner only while the LMS's ``GeneratedCertificate`` row still shows
our certificate (``fingerprints.fresh_user_ids`` with ``lms.write_through.fresh_sql``), on each database the host
runs on.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.lms_host, pytest.mark.django_db]

COURSE_ID = "course-v1:HostX+FRESH+2026"
COURSE_NAME = "Fresh"


def _learners(course_key, grades) -> list[int]:
    """Learners with a profile name and a record at each grade, reconciled by a job (no LMS signal involved)."""
    from django.contrib.auth import get_user_model

    from cert_manager_plugin import engine
    from cert_manager_plugin.models import LearnerRecord
    from common.djangoapps.student.models import UserProfile

    ids = []
    for n, grade in enumerate(grades):
        user = get_user_model().objects.create_user(username=f"fresh{n}", email=f"fresh{n}@example.com")
        UserProfile.objects.create(user=user, name=f"Fresh Learner {n}")
        LearnerRecord.objects.create(
            user=user, course_key=course_key, mode="verified", is_active=True, percent_grade=grade, passed=grade >= 0.5
        )
        ids.append(user.pk)
    engine.reconcile_batch(course_key, ids, engine.Intent.job())
    return ids


def _lms_rows(course_key):
    from lms.djangoapps.certificates.models import GeneratedCertificate

    return GeneratedCertificate.objects.filter(course_id=course_key)


CHANGES_BEHIND_OUR_BACK = {
    "status": {"status": "notpassing"},
    "grade": {"grade": "0.1"},
    "mode": {"mode": "honor"},
    "name": {"name": "Someone Else"},
    "name case": {"name": "FRESH LEARNER 0"},
    "verify id": {"verify_uuid": ""},
}


@pytest.mark.parametrize("change", list(CHANGES_BEHIND_OUR_BACK))
def test_a_row_the_lms_changed_behind_our_back_is_reconciled_again(course, course_key, change):
    from cert_manager_plugin import engine, fingerprints, job_kinds

    changed, untouched, failing = _learners(course_key, [0.9, 0.8, 0.2])
    assert fingerprints.fresh_user_ids(course_key) == {changed, untouched, failing}
    assert job_kinds.job_candidates(course_key, "generate_all", {}) == ([], 3)

    _lms_rows(course_key).filter(user_id=changed).update(**CHANGES_BEHIND_OUR_BACK[change])  # no save(), no signal

    assert fingerprints.fresh_user_ids(course_key) == {untouched, failing}
    assert job_kinds.job_candidates(course_key, "generate_all", {}) == ([changed], 2)
    engine.reconcile_batch(course_key, [changed], engine.Intent.job())
    assert fingerprints.fresh_user_ids(course_key) == {changed, untouched, failing}


def test_a_deleted_lms_row_and_a_new_profile_name_are_reconciled_again(course, course_key):
    from cert_manager_plugin import engine, fingerprints
    from common.djangoapps.student.models import UserProfile

    deleted, renamed, untouched = _learners(course_key, [0.9, 0.9, 0.9])
    _lms_rows(course_key).filter(user_id=deleted).delete()
    UserProfile.objects.filter(user_id=renamed).update(name="New Name")

    assert fingerprints.fresh_user_ids(course_key) == {untouched}
    engine.reconcile_batch(course_key, [deleted, renamed], engine.Intent.job())
    assert _lms_rows(course_key).get(user_id=renamed).name == "New Name"
    assert fingerprints.fresh_user_ids(course_key) == {deleted, renamed, untouched}


def test_names_compare_as_display_names_prints_them(course, course_key):
    """No profile name: the username is printed (and fresh); a retired account prints nothing (not fresh)."""
    from django.contrib.auth import get_user_model

    from cert_manager_plugin import engine, fingerprints
    from common.djangoapps.student.models import UserProfile

    nameless, retiring, untouched = _learners(course_key, [0.9, 0.9, 0.9])
    UserProfile.objects.filter(user_id=nameless).update(name="")
    engine.reconcile_batch(course_key, [nameless], engine.Intent.job())
    assert fingerprints.fresh_user_ids(course_key) == {nameless, retiring, untouched}

    get_user_model().objects.filter(pk=retiring).update(username="retired__user_0123abcd")
    assert fingerprints.fresh_user_ids(course_key) == {nameless, untouched}
    engine.reconcile_batch(course_key, [retiring], engine.Intent.job())
    assert _lms_rows(course_key).get(user_id=retiring).name == ""
    assert fingerprints.fresh_user_ids(course_key) == {nameless, retiring, untouched}
