"""Who a preview prints: the sample learner, or a real learner of the course with their own data."""

from __future__ import annotations

import pytest

from cert_manager_plugin import errors, lms
from cert_manager_plugin.designs.preview import SAMPLE_GRADE, SAMPLE_VERIFY_UUID, preview_learner
from tests.factories import COURSE_KEY, CertificateFactory, LearnerRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_sample_learner(course):
    sample = preview_learner(COURSE_KEY, None)
    assert (sample.name, sample.grade, sample.mode, sample.sample) == ("Sample Learner", SAMPLE_GRADE, "verified", True)
    assert str(SAMPLE_VERIFY_UUID) in sample.verify_url
    assert preview_learner(COURSE_KEY, "", "honor").mode == "honor"


def test_a_learner_without_a_certificate_previews_with_their_record(course):
    user = UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
    LearnerRecordFactory(user=user, percent_grade=0.66, mode="honor")
    learner = preview_learner(COURSE_KEY, "ada")
    printed = lms.backend().display_names([user.pk]).get(user.pk) or "ada"  # the name the host prints
    assert (learner.name, learner.grade, learner.mode, learner.sample) == (printed, 0.66, "honor", False)
    assert str(SAMPLE_VERIFY_UUID) in learner.verify_url
    assert preview_learner(COURSE_KEY, "ada", "verified").mode == "verified", "the mode asked for wins"


def test_a_learner_with_a_certificate_previews_with_it(course):
    user = UserFactory(username="ada")
    LearnerRecordFactory(user=user, percent_grade=0.5, mode="honor")
    cert = CertificateFactory(user=user, grade=0.93, mode="verified")
    learner = preview_learner(COURSE_KEY, "ada")
    assert (learner.grade, learner.mode, learner.issued) == (0.93, "verified", cert.issued_date)
    assert str(cert.verify_uuid) in learner.verify_url


def test_someone_outside_the_course_is_not_found(course):
    UserFactory(username="stranger")
    for username in ("stranger", "nobody"):
        with pytest.raises(errors.UserNotFound):
            preview_learner(COURSE_KEY, username)
