"""Single-learner writes: exceptions, invalidations, deletes, settings, self-requests, learner records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import formats, timezone, translation

from cert_manager_plugin import api, errors, reconcile, selectors, services
from cert_manager_plugin.models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CertificateRevision,
    CourseCertificateSettings,
    GenerationJob,
    LearnerRecord,
)
from tests.factories import (
    COURSE_ID,
    COURSE_KEY,
    CertificateExceptionFactory,
    CertificateFactory,
    CertificateInvalidationFactory,
    LearnerRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return UserFactory(username="gandalf", is_staff=True)


def enrolled(user=None, *, passed=True, grade=0.9, mode="verified", **kw) -> LearnerRecord:
    return LearnerRecordFactory(user=user or UserFactory(), passed=passed, percent_grade=grade, mode=mode, **kw)


def cert_of(user) -> Certificate:
    return Certificate.objects.get(user=user, course_key=COURSE_KEY)


# --- parse_course_key / resolve_user ---------------------------------------------------------------


def test_parse_course_key_accepts_strings_and_keys():
    assert api.parse_course_key(COURSE_ID) == COURSE_KEY
    assert api.parse_course_key(COURSE_KEY) is COURSE_KEY


@pytest.mark.parametrize("bad", ["", "not a course", None, "course-v1:only+two", 42])
def test_parse_course_key_rejects_malformed(bad):
    with pytest.raises(errors.InvalidCourseKey) as exc:
        api.parse_course_key(bad)
    assert exc.value.code == "invalid_course_key"
    assert exc.value.http_status == 400


# --- exceptions ------------------------------------------------------------------------------------


def test_grant_exception_by_username_records_who_and_notes(course, learner, staff):
    enrolled(learner, passed=False, grade=0.2)
    entry = services.grant_exception(COURSE_KEY, "bilbo", notes="medical leave", granted_by=staff)
    assert (entry.user, entry.course_key, entry.notes, entry.granted_by) == (
        learner,
        COURSE_KEY,
        "medical leave",
        staff,
    )
    assert CertificateException.objects.count() == 1


@pytest.mark.parametrize("identifier", ["bilbo@example.com", "BILBO@Example.COM", "  bilbo@example.com  "])
def test_grant_exception_by_email_in_any_case(course, learner, identifier):
    enrolled(learner)
    assert services.grant_exception(COURSE_KEY, identifier).user == learner


def test_grant_exception_unknown_user(course):
    with pytest.raises(errors.UserNotFound) as exc:
        api.grant_exception(COURSE_KEY, "nobody")
    assert (exc.value.code, exc.value.http_status) == ("user_not_found", 404)
    assert not CertificateException.objects.exists()


def test_grant_exception_needs_an_active_enrollment(course, learner):
    with pytest.raises(errors.NotEnrolled):
        api.grant_exception(COURSE_KEY, "bilbo")
    enrolled(learner, is_active=False)
    with pytest.raises(errors.NotEnrolled) as exc:
        api.grant_exception(COURSE_KEY, "bilbo")
    assert exc.value.http_status == 409
    assert not CertificateException.objects.exists()


def test_grant_exception_refuses_an_invalidated_learner(course, learner):
    enrolled(learner)
    CertificateInvalidationFactory(certificate=CertificateFactory(user=learner))
    with pytest.raises(errors.LearnerInvalidated) as exc:
        api.grant_exception(COURSE_KEY, "bilbo")
    assert (exc.value.code, exc.value.http_status) == ("invalidated", 409)
    assert not CertificateException.objects.exists()


def test_grant_exception_allows_a_learner_whose_invalidation_was_lifted(course, learner):
    enrolled(learner)
    CertificateInvalidationFactory(certificate=CertificateFactory(user=learner), active=False)
    assert services.grant_exception(COURSE_KEY, "bilbo").pk


def test_grant_exception_twice_is_already_listed(course, learner):
    enrolled(learner)
    api.grant_exception(COURSE_KEY, "bilbo", notes="first")
    with pytest.raises(errors.AlreadyListed) as exc:
        api.grant_exception(COURSE_KEY, "BILBO@example.com", notes="second")
    assert (exc.value.code, exc.value.http_status) == ("already_listed", 409)
    assert list(CertificateException.objects.values_list("notes", flat=True)) == ["first"]


def test_remove_exception_revokes_a_certificate_held_only_by_exception(course, learner, staff):
    enrolled(learner, passed=False, grade=0.3)
    CertificateExceptionFactory(user=learner)
    api.reconcile_learner(learner.pk, COURSE_KEY, source="exception")
    assert cert_of(learner).status == "downloadable"

    result = api.remove_exception(COURSE_KEY, "bilbo", removed_by=staff)
    assert result.changed == 1
    cert = cert_of(learner)
    assert (cert.status, cert.grade, cert.source) == ("notpassing", 0.3, "exception")
    [rev] = CertificateRevision.objects.filter(certificate=cert)
    assert (rev.status, rev.superseded_by_source, rev.superseded_by) == ("downloadable", "exception", staff)
    assert not CertificateException.objects.exists()


def test_remove_exception_revokes_even_when_the_course_keeps_certificates_on_grade_drop(course, learner):
    """Keep-on-grade-drop protects learners who passed; it does not turn an exception into a permanent grant."""
    api.update_course_settings(COURSE_KEY, {"revoke_on_grade_drop": False})
    enrolled(learner, passed=False, grade=0.3)
    CertificateExceptionFactory(user=learner)
    api.reconcile_learner(learner.pk, COURSE_KEY, source="exception")
    api.remove_exception(COURSE_KEY, "bilbo")
    assert cert_of(learner).status == "notpassing"


def test_remove_exception_keeps_the_certificate_of_a_passing_learner(course, learner):
    enrolled(learner, passed=True, grade=0.8)
    CertificateExceptionFactory(user=learner)
    api.reconcile_learner(learner.pk, COURSE_KEY, source="exception")
    result = api.remove_exception(COURSE_KEY, "bilbo")
    assert result.changed == 0
    cert = cert_of(learner)
    assert (cert.status, cert.revision) == ("downloadable", 1)


def test_remove_exception_not_listed(course, learner):
    with pytest.raises(errors.NotFound):
        api.remove_exception(COURSE_KEY, "bilbo")
    with pytest.raises(errors.UserNotFound):
        api.remove_exception(COURSE_KEY, "nobody")


# --- invalidations ---------------------------------------------------------------------------------


def test_invalidate_without_certificate(course, learner):
    enrolled(learner)
    with pytest.raises(errors.CertificateNotFound) as exc:
        api.invalidate_certificate(COURSE_KEY, "bilbo")
    assert exc.value.http_status == 404


def test_invalidate_refuses_an_allowlisted_learner(course, learner):
    enrolled(learner)
    CertificateFactory(user=learner)
    CertificateExceptionFactory(user=learner)
    with pytest.raises(errors.LearnerAllowlisted) as exc:
        api.invalidate_certificate(COURSE_KEY, "bilbo")
    assert (exc.value.code, exc.value.http_status) == ("allowlisted", 409)
    assert not CertificateInvalidation.objects.exists()


def test_invalidate_makes_the_certificate_unavailable_with_a_revision(course, learner, staff):
    enrolled(learner, grade=0.9)
    api.reconcile_learner(learner.pk, COURSE_KEY, source="job")
    uuid = cert_of(learner).verify_uuid

    inv = services.invalidate_certificate(COURSE_KEY, "bilbo@example.com", notes="plagiarism", invalidated_by=staff)
    assert (inv.active, inv.notes, inv.invalidated_by) == (True, "plagiarism", staff)
    cert = cert_of(learner)
    assert (cert.status, cert.source, cert.revision, cert.verify_uuid) == ("unavailable", "invalidation", 2, uuid)
    [rev] = CertificateRevision.objects.filter(certificate=cert)
    assert (rev.status, rev.superseded_by_source, rev.superseded_by) == ("downloadable", "invalidation", staff)


def test_invalidate_twice(course, learner):
    enrolled(learner)
    CertificateFactory(user=learner)
    api.invalidate_certificate(COURSE_KEY, "bilbo")
    with pytest.raises(errors.AlreadyInvalidated) as exc:
        api.invalidate_certificate(COURSE_KEY, "bilbo")
    assert exc.value.http_status == 409
    assert CertificateInvalidation.objects.count() == 1


def test_revalidate_restores_the_decided_status_and_keeps_the_invalidation(course, learner, staff):
    enrolled(learner, grade=0.9)
    api.reconcile_learner(learner.pk, COURSE_KEY, source="job")
    inv = services.invalidate_certificate(COURSE_KEY, "bilbo")
    LearnerRecord.objects.filter(user=learner).update(percent_grade=0.95)

    result = api.revalidate_certificate(COURSE_KEY, inv.pk, revalidated_by=staff)
    assert result.changed == 1
    cert = cert_of(learner)
    assert (cert.status, cert.grade, cert.source, cert.revision) == ("downloadable", 0.95, "revalidation", 3)
    inv.refresh_from_db()
    assert (inv.active, inv.revalidated_by) == (False, staff)
    assert inv.revalidated_at is not None
    assert list(selectors.revisions(cert).values_list("status", "superseded_by_source")) == [
        ("unavailable", "revalidation"),
        ("downloadable", "invalidation"),
    ]
    # the learner can be invalidated again: only active invalidations count
    api.invalidate_certificate(COURSE_KEY, "bilbo")
    assert CertificateInvalidation.objects.filter(active=True).count() == 1


def test_revalidate_of_a_failing_learner_gives_notpassing(course, learner):
    enrolled(learner, passed=True)
    api.reconcile_learner(learner.pk, COURSE_KEY, source="job")
    inv = services.invalidate_certificate(COURSE_KEY, "bilbo")
    LearnerRecord.objects.filter(user=learner).update(passed=False, percent_grade=0.2)
    api.revalidate_certificate(COURSE_KEY, inv.pk)
    assert cert_of(learner).status == "notpassing"


def test_revalidate_unknown_or_lifted_or_other_course(course, learner):
    inv = CertificateInvalidationFactory(certificate=CertificateFactory(user=learner))
    with pytest.raises(errors.NotFound):
        api.revalidate_certificate(COURSE_KEY, inv.pk + 1000)
    with pytest.raises(errors.NotFound):
        api.revalidate_certificate(api.parse_course_key("course-v1:Other+X+1"), inv.pk)
    api.revalidate_certificate(COURSE_KEY, inv.pk)
    with pytest.raises(errors.NotFound):
        api.revalidate_certificate(COURSE_KEY, inv.pk)


# --- deletes ---------------------------------------------------------------------------------------


# --- regenerate one learner -----------------------------------------------------------------------------


def test_regenerate_one_learner_says_what_would_change_then_makes_a_new_revision(course, learner, staff):
    """85% → 95%: the dry run writes nothing; the run bumps the revision, keeps the verify id, stays valid."""
    enrolled(learner, grade=0.95)
    cert = CertificateFactory(user=learner, grade=0.85, revision=2, source="job")
    stored = (cert.status, cert.grade, cert.revision, cert.verify_uuid, cert.modified)

    preview = api.regenerate_certificate(COURSE_KEY, "bilbo", requested_by=staff, dry_run=True)

    assert (preview.before.pk, preview.after) == (cert.pk, None)
    change = preview.change
    assert (change.before, change.after, change.grade_before, change.grade_after) == (
        "downloadable",
        "downloadable",
        0.85,
        0.95,
    )
    assert change.name == api.display_names([learner.pk])[learner.pk]  # "Bilbo Baggins", the LMS's own inside it
    cert.refresh_from_db()
    assert (cert.status, cert.grade, cert.revision, cert.verify_uuid, cert.modified) == stored, "nothing written"
    assert not CertificateRevision.objects.exists()

    done = api.regenerate_certificate(COURSE_KEY, "bilbo", requested_by=staff)

    cert.refresh_from_db()
    assert (cert.status, cert.grade, cert.revision, cert.verify_uuid) == ("downloadable", 0.95, 3, stored[3])
    assert cert.source == "instructor"
    [revision] = CertificateRevision.objects.filter(certificate=cert)
    assert (revision.revision, revision.grade, revision.superseded_by_source, revision.superseded_by_id) == (
        2,
        0.85,
        "instructor",
        staff.pk,
    ), "the history says the course team did it, and who"
    assert (done.change.grade_before, done.change.grade_after, done.after.revision) == (0.85, 0.95, 3)
    assert not GenerationJob.objects.exists(), "one learner's reconcile is no bulk job"


def test_regenerate_one_learner_whose_certificate_is_right_changes_nothing(course, learner):
    enrolled(learner, grade=0.9)
    cert = CertificateFactory(user=learner, grade=0.9, name=api.display_names([learner.pk])[learner.pk])

    assert api.regenerate_certificate(COURSE_KEY, "bilbo", dry_run=True).change is None
    done = api.regenerate_certificate(COURSE_KEY, "bilbo")

    assert done.change is None
    cert.refresh_from_db()
    assert cert.revision == 1
    assert not CertificateRevision.objects.exists()


def test_regenerate_one_learner_without_a_certificate_is_refused(course, learner):
    enrolled(learner)
    with pytest.raises(errors.CertificateNotFound):
        api.regenerate_certificate(COURSE_KEY, "bilbo")
    assert not Certificate.objects.exists()


def test_delete_one_keeps_its_history_and_its_invalidation(course, learner):
    other = CertificateFactory()
    cert = CertificateFactory(user=learner, revision=2)
    CertificateRevision.objects.create(
        certificate=cert,
        revision=1,
        status="notpassing",
        source="job",
        valid_from=timezone.now(),
        superseded_at=timezone.now(),
        superseded_by_source="job",
    )
    CertificateInvalidationFactory(certificate=cert, active=True)
    teacher = UserFactory(username="teacher")
    api.delete_certificate(COURSE_KEY, "bilbo", deleted_by=teacher)
    cert.refresh_from_db()
    assert (cert.status, cert.revision, cert.source) == ("deleted", 3, "deletion")
    other.refresh_from_db()
    assert other.status == "downloadable"
    history = list(
        CertificateRevision.objects.filter(certificate=cert).values_list(
            "revision", "status", "superseded_by_source", "superseded_by"
        )
    )
    assert history == [(2, "downloadable", "deletion", teacher.pk), (1, "notpassing", "job", None)]
    assert CertificateInvalidation.objects.get(certificate=cert).active, "deleting never lifts an invalidation"
    entry = GenerationJob.objects.get(kind="delete")
    assert (entry.state, entry.requested_by, entry.changed, entry.params) == (
        "succeeded",
        teacher,
        1,
        {"scope": "one", "user_id": learner.pk},
    )
    with pytest.raises(errors.CertificateNotFound):
        api.delete_certificate(COURSE_KEY, "bilbo")


def test_an_invalidated_learner_whose_certificate_was_deleted_gets_none_back_from_any_job(
    course, learner, django_capture_on_commit_callbacks
):
    LearnerRecordFactory(user=learner, percent_grade=0.95, passed=True)
    cert = CertificateFactory(user=learner)
    api.invalidate_certificate(COURSE_KEY, "bilbo", notes="plagiarism")
    api.delete_certificate(COURSE_KEY, "bilbo")
    for kind, kwargs in (("generate_all", {}), ("regenerate", {"statuses": ["received", "not_received", "error"]})):
        with django_capture_on_commit_callbacks(execute=True):
            api.submit_job(COURSE_KEY, kind, **kwargs)
        cert.refresh_from_db()
        assert cert.status == "deleted", kind
    api.delete_all_certificates(COURSE_KEY, confirm=COURSE_ID)
    with django_capture_on_commit_callbacks(execute=True):
        api.submit_job(COURSE_KEY, "generate_all")
    cert.refresh_from_db()
    assert cert.status == "deleted", "still nothing until re-validated"
    invalidation = CertificateInvalidation.objects.get(certificate=cert)
    api.revalidate_certificate(COURSE_KEY, invalidation.pk)
    cert.refresh_from_db()
    assert cert.status == "downloadable", "re-validating brings it back, same verify id"


def test_a_deleted_certificate_is_issued_again_by_a_job_not_by_a_grade_event(
    course, learner, django_capture_on_commit_callbacks
):
    from tests import lms_events

    LearnerRecordFactory(user=learner, percent_grade=0.95, passed=True)
    cert = CertificateFactory(user=learner, status="notpassing", grade=0.4)
    api.delete_certificate(COURSE_KEY, "bilbo")
    verify = cert.verify_uuid
    with django_capture_on_commit_callbacks(execute=True):
        lms_events.grade(learner.pk, COURSE_KEY, 0.3, passed=False)
    cert.refresh_from_db()
    assert cert.status == "deleted", "a failing grade event creates no notpassing row for a deleted certificate"
    with django_capture_on_commit_callbacks(execute=True):
        api.submit_job(COURSE_KEY, "generate_all")
    cert.refresh_from_db()
    assert (cert.status, cert.verify_uuid) == ("notpassing", verify)


def test_a_plain_deletion_comes_back_on_the_learners_request_with_the_same_link(
    course, learner, django_capture_on_commit_callbacks
):
    api.update_course_settings(COURSE_KEY, {"self_generation_enabled": True})
    LearnerRecordFactory(user=learner, percent_grade=0.95, passed=True)
    cert = CertificateFactory(user=learner)
    api.delete_certificate(COURSE_KEY, "bilbo")
    assert cert_of(learner).status == "deleted"
    assert services.request_certificate(COURSE_KEY, learner).status == "downloadable"
    assert (cert_of(learner).verify_uuid, cert_of(learner).revision) == (cert.verify_uuid, 3)


def test_delete_and_invalidate_keeps_it_from_coming_back(course, learner, django_capture_on_commit_callbacks):
    from tests import lms_events

    teacher = UserFactory(username="teacher")
    api.update_course_settings(COURSE_KEY, {"self_generation_enabled": True})
    LearnerRecordFactory(user=learner, percent_grade=0.95, passed=True)
    cert = CertificateFactory(user=learner)
    api.delete_and_invalidate(COURSE_KEY, "bilbo", notes="", deleted_by=teacher)
    assert cert_of(learner).status == "deleted", "deleted, as a plain deletion"
    invalidation = CertificateInvalidation.objects.get(certificate=cert, active=True)
    assert (invalidation.notes, invalidation.invalidated_by) == ("", teacher)
    assert GenerationJob.objects.filter(kind="delete", params={"scope": "one", "user_id": learner.pk}).count() == 1

    with pytest.raises(errors.SelfGenerationRefused) as exc:
        services.request_certificate(COURSE_KEY, learner)
    assert exc.value.details["reason"] == "unavailable" and "invalidated" in exc.value.message
    with django_capture_on_commit_callbacks(execute=True):
        api.submit_job(COURSE_KEY, "generate_all")
    with django_capture_on_commit_callbacks(execute=True):
        lms_events.grade(learner.pk, COURSE_KEY, 0.99, passed=True)
    assert cert_of(learner).status == "deleted", "no request, job or grade brings it back"
    api.revalidate_certificate(COURSE_KEY, invalidation.pk)
    assert (cert_of(learner).status, cert_of(learner).verify_uuid) == ("downloadable", cert.verify_uuid)


def test_delete_and_invalidate_of_an_allowlisted_learner_deletes_nothing(course, learner):
    LearnerRecordFactory(user=learner, percent_grade=0.95, passed=True)
    CertificateExceptionFactory(user=learner)
    CertificateFactory(user=learner)
    with pytest.raises(errors.LearnerAllowlisted):
        api.delete_and_invalidate(COURSE_KEY, "bilbo", notes="cheating")
    assert cert_of(learner).status == "downloadable"
    assert not CertificateInvalidation.objects.exists()
    assert not GenerationJob.objects.exists()
    assert not CertificateRevision.objects.exists()


def test_delete_and_invalidate_of_an_invalidated_learner_only_deletes(course, learner):
    LearnerRecordFactory(user=learner, percent_grade=0.95, passed=True)
    cert = CertificateFactory(user=learner)
    api.invalidate_certificate(COURSE_KEY, "bilbo", notes="first")
    api.delete_and_invalidate(COURSE_KEY, "bilbo", notes="second")
    assert cert_of(learner).status == "deleted"
    assert list(CertificateInvalidation.objects.filter(certificate=cert).values_list("notes", "active")) == [
        ("first", True)
    ]


@pytest.mark.parametrize("confirm", [None, "", "yes", COURSE_ID.upper(), "course-v1:TestX+CM101+2027"])
def test_delete_all_needs_the_course_id_as_confirmation(course, confirm):
    CertificateFactory.create_batch(3)
    with pytest.raises(errors.ConfirmationRequired) as exc:
        api.delete_all_certificates(COURSE_KEY, confirm=confirm)
    assert exc.value.details == {"expected": COURSE_ID}
    assert Certificate.objects.count() == 3


def test_delete_all_deletes_only_that_course_and_is_in_the_history(course):
    certs = CertificateFactory.create_batch(3)
    CertificateInvalidationFactory(certificate=certs[0])
    elsewhere = CertificateFactory(course_key=api.parse_course_key("course-v1:Other+X+1"))
    teacher = UserFactory(username="teacher")
    assert api.delete_all_certificates(COURSE_KEY, confirm=COURSE_ID, deleted_by=teacher) == 3
    assert set(Certificate.objects.filter(course_key=COURSE_KEY).values_list("status", flat=True)) == {"deleted"}
    elsewhere.refresh_from_db()
    assert elsewhere.status == "downloadable"
    assert CertificateInvalidation.objects.filter(active=True).count() == 1
    assert CertificateRevision.objects.filter(superseded_by_source="deletion").count() == 3
    entry = GenerationJob.objects.get(kind="delete")
    assert (entry.state, entry.requested_by, entry.changed, entry.params, entry.active_course_key) == (
        "succeeded",
        teacher,
        3,
        {"scope": "all"},
        None,
    )
    assert api.delete_all_certificates(COURSE_KEY, confirm=COURSE_ID) == 0, "nothing left to delete"


def test_delete_all_waits_for_no_job(course):
    CertificateFactory()
    GenerationJob.objects.create(
        course_key=COURSE_KEY, kind="generate_all", state="running", active_course_key=COURSE_ID
    )
    with pytest.raises(errors.JobAlreadyRunning):
        api.delete_all_certificates(COURSE_KEY, confirm=COURSE_ID)
    assert Certificate.objects.get().status == "downloadable"


# --- settings --------------------------------------------------------------------------------------


def test_settings_defaults_without_a_row(course):
    s = services.get_course_settings(COURSE_KEY)
    assert s.pk is None
    assert (s.self_generation_enabled, s.issue_policy, s.revoke_on_grade_drop) == (False, "on_pass", True)
    assert "audit" not in s.eligible_modes


def test_settings_update_records_who(course, staff):
    changes = {"eligible_modes": ["verified", "audit", "verified"], "issue_policy": "after_course_end"}
    row = api.update_course_settings(COURSE_KEY, changes, updated_by=staff)
    assert changes["eligible_modes"] == ["verified", "audit", "verified"], "the caller's dict is not modified"
    row = CourseCertificateSettings.objects.get(course_key=COURSE_KEY)
    assert (row.eligible_modes, row.issue_policy, row.updated_by) == (["verified", "audit"], "after_course_end", staff)
    api.update_course_settings(COURSE_KEY, {"self_generation_enabled": True})
    row.refresh_from_db()
    assert row.self_generation_enabled and row.issue_policy == "after_course_end", "a partial update keeps the rest"
    assert CourseCertificateSettings.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"colour": "blue"},
        {"issue_policy": "whenever"},
        {"issue_policy": ["on_pass"]},
        {"eligible_modes": "verified"},
        {"eligible_modes": ["verified", "gold"]},
        {"eligible_modes": [{"mode": "verified"}]},
        {"revoke_on_grade_drop": "false"},
        {"self_generation_enabled": 1},
        {"print_grade": None},
        ["issue_policy"],
    ],
    ids=repr,
)
def test_settings_validation(course, changes):
    with pytest.raises(errors.InvalidInput) as exc:
        api.update_course_settings(COURSE_KEY, changes)
    assert exc.value.code == "invalid_input"
    assert not CourseCertificateSettings.objects.exists(), "a bad change writes nothing"


# --- self-generation -------------------------------------------------------------------------------


def test_request_certificate_refused_when_disabled(course, learner):
    enrolled(learner)
    with pytest.raises(errors.SelfGenerationRefused) as exc:
        services.request_certificate(COURSE_KEY, learner)
    assert exc.value.details["reason"] == "disabled"
    assert not Certificate.objects.exists()


@pytest.fixture
def self_generation(course):
    api.update_course_settings(COURSE_KEY, {"self_generation_enabled": True})


def test_request_certificate_not_passing(self_generation, learner):
    enrolled(learner, passed=False, grade=0.3)
    with pytest.raises(errors.SelfGenerationRefused) as exc:
        services.request_certificate(COURSE_KEY, learner)
    assert exc.value.details["reason"] == "notpassing"
    assert "passing grade" in exc.value.message


def test_request_certificate_not_enrolled_or_audit(self_generation, learner):
    with pytest.raises(errors.SelfGenerationRefused) as exc:
        services.request_certificate(COURSE_KEY, learner)
    assert exc.value.details["reason"] == "not_enrolled"
    enrolled(learner, mode="audit")
    with pytest.raises(errors.SelfGenerationRefused) as exc:
        services.request_certificate(COURSE_KEY, learner)
    assert exc.value.details["reason"] == "audit_passing"


def test_request_certificate_passing_issues_it(self_generation, learner):
    enrolled(learner, grade=0.77)
    cert = services.request_certificate(COURSE_KEY, learner)
    assert (cert.status, cert.grade, cert.source) == ("downloadable", 0.77, "self_request")
    assert services.request_certificate(COURSE_KEY, learner).pk == cert.pk, "asking again returns the same one"


def test_request_certificate_held_until_course_end_says_so(self_generation, course, learner):
    course.end = timezone.now() + timedelta(days=10)
    course.save()
    api.update_course_settings(COURSE_KEY, {"issue_policy": "after_course_end"})
    enrolled(learner)
    with pytest.raises(errors.SelfGenerationRefused) as exc:
        services.request_certificate(COURSE_KEY, learner)
    assert exc.value.details["reason"] == "held_until_course_end"
    assert formats.date_format(timezone.localtime(course.end), "DATE_FORMAT") in exc.value.message


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_a_refused_request_is_in_the_learners_language_and_names_no_status_code(self_generation, learner, language):
    enrolled(learner, passed=False, grade=0.2)
    with translation.override(language), pytest.raises(errors.SelfGenerationRefused) as exc:
        services.request_certificate(COURSE_KEY, learner)
    assert exc.value.details["reason"] == "notpassing"
    with translation.override(language):
        assert exc.value.message == translation.gettext("You have not reached the passing grade yet.")
    assert "notpassing" not in exc.value.message
    if language != "en":
        assert exc.value.message != "You have not reached the passing grade yet.", "translated"


def test_request_certificate_invalidated(self_generation, learner):
    enrolled(learner)
    CertificateInvalidationFactory(certificate=CertificateFactory(user=learner))
    with pytest.raises(errors.SelfGenerationRefused) as exc:
        services.request_certificate(COURSE_KEY, learner)
    assert exc.value.details["reason"] == "unavailable"


# --- learner records -------------------------------------------------------------------------------


def record(user) -> LearnerRecord:
    return LearnerRecord.objects.get(user=user, course_key=COURSE_KEY)


def test_record_enrollment_older_event_is_ignored(learner):
    t0 = timezone.now()
    assert api.record_enrollment(learner.pk, COURSE_KEY, mode="verified", is_active=True, at=t0)
    assert not api.record_enrollment(learner.pk, COURSE_KEY, mode="audit", is_active=False, at=t0 - timedelta(1))
    assert (record(learner).mode, record(learner).is_active) == ("verified", True)
    assert api.record_enrollment(learner.pk, COURSE_KEY, mode="honor", is_active=True, at=t0 + timedelta(1))
    assert record(learner).mode == "honor"


def test_record_grade_and_passing_status_order_independently(learner):
    t0 = timezone.now()
    assert api.record_grade(learner.pk, COURSE_KEY, percent_grade=0.9, passed_timestamp=t0, at=t0)
    # a newer passing-status event says not passing
    assert api.record_passing_status(learner.pk, COURSE_KEY, is_passing=False, at=t0 + timedelta(minutes=2))
    # a grade event between the two updates the grade but not the newer passing state
    assert api.record_grade(
        learner.pk, COURSE_KEY, percent_grade=0.8, passed_timestamp=t0, at=t0 + timedelta(1 / 24 / 60)
    )
    r = record(learner)
    assert (r.percent_grade, r.passed) == (0.8, False)
    # an older grade event changes nothing
    assert not api.record_grade(learner.pk, COURSE_KEY, percent_grade=0.1, passed_timestamp=None, at=t0)
    assert record(learner).percent_grade == 0.8
    # an older passing event changes nothing
    assert not api.record_passing_status(learner.pk, COURSE_KEY, is_passing=True, at=t0)
    assert record(learner).passed is False
    # grade and enrollment times are independent: an enrollment event older than the grade still applies
    assert api.record_enrollment(learner.pk, COURSE_KEY, mode="verified", is_active=True, at=t0 - timedelta(1))
    assert record(learner).is_active


def test_first_grade_event_creates_an_inactive_record(learner):
    t0 = timezone.now()
    api.record_grade(learner.pk, COURSE_KEY, percent_grade=0.7, passed_timestamp=None, at=t0)
    r = record(learner)
    assert (r.is_active, r.mode, r.percent_grade, r.passed, r.grade_at, r.passed_at) == (False, "", 0.7, False, t0, t0)


def _race(monkeypatch, make_row):
    """Make the record appear between _apply's UPDATE (no row yet) and its INSERT, as a concurrent event would."""
    from types import SimpleNamespace

    from django.db import transaction

    def atomic(*args, **kwargs):
        make_row()  # committed by "the other worker" before our INSERT's savepoint opens
        return transaction.atomic(*args, **kwargs)

    monkeypatch.setattr(reconcile, "transaction", SimpleNamespace(atomic=atomic, on_commit=transaction.on_commit))


def test_record_create_race_applies_a_newer_event(monkeypatch, learner):
    t0 = timezone.now()
    _race(
        monkeypatch,
        lambda: LearnerRecord.objects.bulk_create(
            [LearnerRecordFactory.build(user=learner, mode="audit", enrollment_at=t0 - timedelta(1))]
        ),
    )
    assert api.record_enrollment(learner.pk, COURSE_KEY, mode="verified", is_active=True, at=t0)
    assert record(learner).mode == "verified"
    assert LearnerRecord.objects.count() == 1


def test_record_create_race_loses_to_a_newer_event(monkeypatch, learner):
    t0 = timezone.now()
    _race(
        monkeypatch,
        lambda: LearnerRecord.objects.bulk_create(
            [LearnerRecordFactory.build(user=learner, mode="audit", enrollment_at=t0 + timedelta(1))]
        ),
    )
    assert not api.record_enrollment(learner.pk, COURSE_KEY, mode="verified", is_active=True, at=t0)
    assert record(learner).mode == "audit"


def test_reconcile_learner_retries_a_lost_create_race(monkeypatch, course, learner):
    enrolled(learner)
    calls = []
    real = reconcile.engine.reconcile_batch

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("duplicate key value violates unique constraint cm_certificate_user_course")
        return real(*args, **kwargs)

    monkeypatch.setattr(reconcile.engine, "reconcile_batch", flaky)
    assert api.reconcile_learner(learner.pk, COURSE_KEY, source="job").changed == 1
    assert len(calls) == 2
    calls.clear()
    monkeypatch.setattr(services.engine, "reconcile_batch", lambda *a, **k: (_ for _ in ()).throw(IntegrityError()))
    with pytest.raises(IntegrityError):
        api.reconcile_learner(learner.pk, COURSE_KEY, source="job")


def test_reconcile_learner_records_source_and_actor_on_revisions(course, learner, staff):
    rec = enrolled(learner, grade=0.85)
    api.reconcile_learner(learner.pk, COURSE_KEY, source="grade_event")
    rec.percent_grade = 0.95
    rec.save()
    api.reconcile_learner(learner.pk, COURSE_KEY, source="instructor", actor_id=staff.pk)
    cert = cert_of(learner)
    assert (cert.source, cert.grade, cert.revision) == ("instructor", 0.95, 2)
    [rev] = api.revisions(cert)
    assert (rev.grade, rev.source, rev.superseded_by_source, rev.superseded_by_id) == (
        0.85,
        "grade_event",
        "instructor",
        staff.pk,
    )
    assert rev.valid_from <= rev.superseded_at == cert.modified
    # nothing changed: no new revision, no new write
    assert api.reconcile_learner(learner.pk, COURSE_KEY, source="job").changed == 0
    assert cert_of(learner).revision == 2


# --- hold until course end, then the course ends -----------------------------------------------------


@pytest.fixture
def ended_hold_course(course):
    api.update_course_settings(COURSE_KEY, {"issue_policy": "after_course_end"})
    course.end = timezone.now() + timedelta(days=1)
    course.save()
    return course


def _end(course):
    course.end = timezone.now() - timedelta(minutes=1)
    course.save()


def test_course_end_issues_held_passing_learners(ended_hold_course, learner):
    from cert_manager_plugin import course_end

    enrolled(learner, passed=True, grade=0.8)
    api.reconcile_learner(learner.pk, COURSE_KEY, source="grade_event")
    assert not Certificate.objects.exists(), "held"
    _end(ended_hold_course)
    course_end.issue_held_certificates()
    assert (cert_of(learner).status, cert_of(learner).source) == ("downloadable", "course_end")


def test_course_end_issues_held_allowlisted_learners(ended_hold_course, learner):
    from cert_manager_plugin import course_end

    enrolled(learner, passed=False, grade=0.2)
    CertificateExceptionFactory(user=learner)
    api.reconcile_learner(learner.pk, COURSE_KEY, source="exception")
    assert not Certificate.objects.exists(), "held"
    _end(ended_hold_course)
    course_end.issue_held_certificates()
    assert cert_of(learner).status == "downloadable"
