"""The narrow face: ``api.__all__`` is pinned, every name documented, no model class or QuerySet handed out anew."""

from __future__ import annotations

import dataclasses
import inspect
import re

import pytest
from django.apps import apps
from django.db.models import Model, QuerySet

from cert_manager_plugin import api, wiring
from tests.factories import (
    COURSE_KEY,
    CertificateExceptionFactory,
    CertificateFactory,
    CertificateInvalidationFactory,
    GenerationJobFactory,
    UserFactory,
)

#: What the entry points (REST API, dashboard, receivers, tasks, management commands, the demo) call: a name
#: is added here with its first caller, and leaves with its last (tests import from the owning module).
EXPORTED = [
    "CERTIFICATE_DESIGN_ASSET_MAX_BYTES",
    "CERTIFICATE_DESIGN_FONTS",
    "CERTIFICATE_DESIGN_VARIABLES",
    "CERTIFICATE_ORDERING_KEYS",
    "CSV_CONTENT_TYPE",
    "CertManagerError",
    "Certificate",
    "CertificateRow",
    "CourseRoleRow",
    "CourseSettingsRow",
    "CredentialNotIssuable",
    "CredentialPdfUnreadable",
    "CsvTooLarge",
    "DesignAssetData",
    "DesignVersionData",
    "ExceptionRow",
    "InvalidationRow",
    "InvalidationRowKind",
    "JobRow",
    "LearnerCertificateRow",
    "LearnerName",
    "OperatorFinding",
    "PublicValidators",
    "Regeneration",
    "RevisionRow",
    "Rows",
    "ShareActions",
    "SigningKeyMissing",
    "UserNotFound",
    "achievement_document",
    "add_cache_headers",
    "apply_design",
    "apply_policy_change",
    "backfill_learner_records",
    "base_url",
    "cached",
    "cancel_job",
    "canonical_course_key",
    "certificate_by_verify_uuid",
    "certificate_credential",
    "certificate_for",
    "certificate_list",
    "certificate_record",
    "certificate_row",
    "certificate_status_counts",
    "certificate_url",
    "check_credential",
    "check_size",
    "conditional_response",
    "course_access",
    "course_info",
    "course_learner",
    "course_role_list",
    "credential_check_wait",
    "credential_expiry_dates",
    "credential_for",
    "credential_from_pdf",
    "credential_states",
    "credential_valid_for_days",
    "credentials_configured",
    "csv_max_bytes",
    "dashboard_rows",
    "delete_all_certificates",
    "delete_and_invalidate",
    "delete_certificate",
    "design_apply_dry_run",
    "design_current_version",
    "design_library",
    "design_preview_html",
    "design_preview_pdf",
    "design_version",
    "design_versions",
    "display_names",
    "exception_eligibility",
    "exception_list",
    "fail_stale_jobs",
    "get_course_settings",
    "get_job",
    "grant_exception",
    "grant_standalone_course_role",
    "import_exceptions",
    "import_invalidations",
    "invalidate_certificate",
    "invalidation_list",
    "is_global_staff",
    "issue_held_certificates",
    "issuer_did_document",
    "issuer_profile_data",
    "iter_csv",
    "jobs",
    "last_policy_change",
    "learner_certificates",
    "learner_names",
    "learner_timeline",
    "learners_among",
    "links_builder",
    "lms_capabilities",
    "lms_certificate_saved",
    "lms_lists_changed",
    "lms_self_generation_changed",
    "local_percent",
    "name_may_have_changed",
    "operator_check",
    "operator_level_rank",
    "parse_course_key",
    "preview_policy_change",
    "public_history",
    "public_validators",
    "reconcile_learner",
    "record_enrollment",
    "record_grade",
    "record_passing_status",
    "regenerate_certificate",
    "remove_exception",
    "render_certificate_pdf",
    "request_certificate",
    "resolve_course",
    "resolve_user",
    "resume_job",
    "resume_stale_jobs",
    "retire_user",
    "revalidate_certificate",
    "revision_list",
    "revisions",
    "revoke_standalone_course_role",
    "save_design_version",
    "set_credential_valid_for_days",
    "share_actions",
    "status_list_document",
    "store_design_asset",
    "stored_export",
    "submit_job",
    "time_html",
    "undo_policy_change",
    "update_course_settings",
    "web_certificate_context",
]

#: Model classes still exported, for the entry points that still take models (issue 15: they move to frozen data,
#: as the certificate, exception and invalidation lists did). This set only shrinks.
MODELS_STILL_EXPORTED = {"Certificate"}

#: Operations that still return a model, a user or a QuerySet (the same issue). This set only shrinks.
STILL_RETURN_MODELS = {
    "certificate_by_verify_uuid",
    "resolve_user",
}

#: Constants carry no docstring of their own: the module docstring names them.
CONSTANTS = {
    "CERTIFICATE_DESIGN_ASSET_MAX_BYTES",
    "CERTIFICATE_DESIGN_FONTS",
    "CERTIFICATE_DESIGN_VARIABLES",
    "CERTIFICATE_ORDERING_KEYS",
    "CSV_CONTENT_TYPE",
}


def test_all_is_pinned_and_sorted():
    assert api.__all__ == EXPORTED, "a new name needs a caller among the entry points, and this list updated"
    assert EXPORTED == sorted(EXPORTED) and len(set(EXPORTED)) == len(EXPORTED)


def test_nothing_public_outside_all():
    public = {name for name in vars(api) if not name.startswith("_")}
    assert public - set(api.__all__) == {"TYPE_CHECKING", "annotations"}


def test_the_wiring_is_not_on_the_face():
    assert not set(wiring.__all__) & set(api.__all__), "tasks and receivers reach wiring through wiring"


@pytest.mark.parametrize("name", EXPORTED)
def test_every_name_is_documented(name):
    obj = getattr(api, name)
    if name in CONSTANTS:
        assert f"``{name}``" in api.__doc__
        return
    doc = obj.__doc__ or ""
    assert doc.strip(), f"api.{name} has no docstring"
    assert not doc.startswith(f"{obj.__name__}("), f"api.{name}'s docstring is the generated signature"


def _models() -> set[str]:
    return {model.__name__ for model in apps.get_models()} | {"QuerySet", "AbstractBaseUser", "AbstractUser"}


def test_no_model_class_is_exported_beyond_the_shrinking_set():
    models = {n for n in EXPORTED if inspect.isclass(getattr(api, n)) and issubclass(getattr(api, n), Model)}
    assert models == MODELS_STILL_EXPORTED


def test_no_operation_returns_a_model_or_queryset_beyond_the_shrinking_set():
    names = _models()
    returning = set()
    for name in EXPORTED:
        obj = getattr(api, name)
        if inspect.isfunction(obj):
            words = set(re.findall(r"\w+", str(inspect.signature(obj).return_annotation)))
            if words & names:
                returning.add(name)
    assert returning == STILL_RETURN_MODELS


@pytest.mark.django_db
def test_the_lists_are_frozen_rows_not_querysets():
    CertificateExceptionFactory()
    CertificateInvalidationFactory()  # and its certificate
    for rows in (api.certificate_list(COURSE_KEY), api.exception_list(COURSE_KEY), api.invalidation_list(COURSE_KEY)):
        assert not isinstance(rows, QuerySet) and len(rows) == 1
        (row,) = rows[0:10]
        assert dataclasses.is_dataclass(row) and not isinstance(row, Model)
        with pytest.raises(dataclasses.FrozenInstanceError):
            row.source = "changed"  # type: ignore[misc]


@pytest.mark.django_db
def test_jobs_settings_and_a_learners_certificates_are_frozen_data():
    job = GenerationJobFactory(requested_by=UserFactory(username="gandalf"))
    cert = CertificateFactory()
    handed_out = [
        api.get_job(COURSE_KEY, job.pk),
        *api.jobs(COURSE_KEY)[0:10],
        api.get_course_settings(COURSE_KEY),
        api.certificate_for(COURSE_KEY, cert.user_id),
        *api.learner_certificates(cert.user)[0:10],
        *api.revisions(cert),
    ]
    assert len(handed_out) == 5
    for data in handed_out:
        assert dataclasses.is_dataclass(data) and not isinstance(data, Model)
    assert api.get_job(COURSE_KEY, job.pk).requested_by == "gandalf"
    assert api.course_learner(COURSE_KEY, "nobody") is None
