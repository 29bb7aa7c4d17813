"""Tables: PII annotations, unique constraints, verify ids."""

from __future__ import annotations

import uuid

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from cert_manager_plugin.models import Certificate, CertificateRevision
from tests.factories import (
    COURSE_KEY,
    CertificateExceptionFactory,
    CertificateFactory,
    CourseRoleFactory,
    LearnerRecordFactory,
    UserFactory,
)

MODELS = list(apps.get_app_config("cert_manager_plugin").get_models())


def test_the_app_has_its_tables():
    names = {m.__name__ for m in MODELS}
    assert {
        "Certificate",
        "CertificateRevision",
        "CertificateException",
        "CertificateInvalidation",
        "GenerationJob",
        "CourseCertificateSettings",
        "LearnerRecord",
    } <= names


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_docstring_carries_a_pii_annotation(model):
    doc = model.__doc__ or ""
    assert ".. no_pii:" in doc or ".. pii:" in doc, f"{model.__name__} lacks an Open edX PII annotation"
    if ".. pii:" in doc:
        assert ".. pii_types:" in doc and ".. pii_retirement:" in doc, model.__name__


def _duplicate(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


@pytest.mark.django_db
def test_one_certificate_per_user_and_course(learner):
    CertificateFactory(user=learner)
    _duplicate(CertificateFactory, user=learner)
    CertificateFactory(user=learner, course_key=COURSE_KEY.replace(run="2027"))  # another run is fine
    assert Certificate.objects.filter(user=learner).count() == 2


@pytest.mark.django_db
def test_one_exception_per_user_and_course(learner):
    CertificateExceptionFactory(user=learner)
    _duplicate(CertificateExceptionFactory, user=learner)


@pytest.mark.django_db
def test_one_learner_record_per_user_and_course(learner):
    LearnerRecordFactory(user=learner)
    _duplicate(LearnerRecordFactory, user=learner)


@pytest.mark.django_db
def test_one_role_per_user_course_and_role(learner):
    CourseRoleFactory(user=learner, role="staff")
    CourseRoleFactory(user=learner, role="instructor")
    _duplicate(CourseRoleFactory, user=learner, role="staff")


@pytest.mark.django_db
def test_verify_uuid_is_random_unique_and_stable():
    a, b = CertificateFactory(), CertificateFactory()
    assert isinstance(a.verify_uuid, uuid.UUID) and a.verify_uuid.version == 4
    assert a.verify_uuid != b.verify_uuid
    before = a.verify_uuid
    a.status, a.grade = "notpassing", 0.1
    a.save()
    a.refresh_from_db()
    assert a.verify_uuid == before
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=b.pk).update(verify_uuid=before)


@pytest.mark.django_db
def test_verify_uuid_survives_reconciles(course, learner):
    from cert_manager_plugin import api

    record = LearnerRecordFactory(user=learner, percent_grade=0.85)
    api.reconcile_learner(learner.pk, COURSE_KEY, source="grade_event")
    first = Certificate.objects.get(user=learner).verify_uuid
    for grade, passed in ((0.95, True), (0.2, False), (0.9, True)):
        record.percent_grade, record.passed = grade, passed
        record.save()
        api.reconcile_learner(learner.pk, COURSE_KEY, source="grade_event")
        assert Certificate.objects.get(user=learner).verify_uuid == first


@pytest.mark.django_db
def test_certificate_str_names_learner_and_course():
    user = UserFactory()
    cert = CertificateFactory(user=user)
    assert str(user.pk) in str(cert) and str(COURSE_KEY) in str(cert)


@pytest.mark.django_db
def test_a_learner_record_reads_as_the_eligibility_rules_state():
    from cert_manager_plugin.eligibility import LearnerState
    from tests.factories import LearnerRecordFactory

    record = LearnerRecordFactory(mode="verified", is_active=False, percent_grade=0.72, passed=True)
    assert record.learner_state() == LearnerState(
        mode="verified", enrollment_active=False, percent_grade=0.72, passed=True
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "column"), [(Certificate, "user_id"), (CertificateRevision, "certificate_id")])
def test_a_foreign_key_a_unique_constraint_leads_with_has_no_index_of_its_own(model, column):
    """Migration 0014: the unique constraint (that column first) serves its lookups; no second index to write."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    own = [n for n, c in constraints.items() if c["index"] and not c["unique"] and c["columns"] == [column]]
    leading = [n for n, c in constraints.items() if c["unique"] and (c["columns"] or [None])[0] == column]
    assert not own, f"a redundant index on {column}: {own}"
    assert leading, f"no unique index leads with {column}"
