"""Writes: learner records from events, single-learner reconcile, exceptions, invalidations, deletes, settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from opaque_keys.edx.keys import CourseKey

from . import engine, errors, jobs, labels, lms, lms_sync, validation
from .courses import canonical_course_key, parse_course_key, resolve_course  # noqa: F401 - re-exported
from .data import ALL_MODES, CertificateStatus, IssuePolicy, JobKind, JobState, Source
from .eligibility import CoursePolicy, Decision, decide
from .lms.standalone import standalone_model
from .models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CourseCertificateSettings,
    GenerationJob,
    LearnerRecord,
)
from .reconcile import reconcile_learner
from .sql import retry_on_deadlock

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

log = logging.getLogger(__name__)


def resolve_user(identifier: str) -> AbstractBaseUser:
    """A user by username or email; ``UserNotFound`` otherwise."""
    user = lms.backend().find_user(identifier)
    if user is None:
        raise errors.UserNotFound(f"No user with username or email '{identifier}'.", user=identifier)
    return user


# --- exceptions (allowlist) ----------------------------------------------------------------------


def _active_invalidation(user_id: int, course_key: CourseKey) -> CertificateInvalidation | None:
    """The learner's active invalidation in the course, if any."""
    return CertificateInvalidation.objects.filter(
        active=True, certificate__user_id=user_id, certificate__course_key=course_key
    ).first()


def grant_exception(
    course_key: CourseKey, identifier: str, *, notes: str = "", granted_by: AbstractBaseUser | None = None
) -> CertificateException:
    """Put a learner on the course's exception list; the learner must be enrolled and not invalidated."""
    identifier, notes = validation.clean_identifier(identifier), validation.clean_notes(notes)
    user = resolve_user(identifier)
    if user.pk not in lms.backend().enrolled_among(course_key, [user.pk]):
        raise errors.NotEnrolled(f"'{identifier}' is not enrolled in {course_key}.", user=identifier)
    if _active_invalidation(user.pk, course_key):
        raise errors.LearnerInvalidated(
            f"'{identifier}' has an invalidated certificate in this course; "
            "re-validate it before granting an exception.",
            user=identifier,
        )
    try:
        with transaction.atomic():
            exception = CertificateException.objects.create(
                user=user, course_key=course_key, notes=notes or "", granted_by=granted_by
            )
            lms_sync.push_exceptions(course_key, [user.pk])  # the LMS's built-in page lists it too
            return exception
    except IntegrityError as exc:
        raise errors.AlreadyListed(f"'{identifier}' is already on the exception list.", user=identifier) from exc


def remove_exception(
    course_key: CourseKey, identifier: str, *, removed_by: AbstractBaseUser | None = None
) -> engine.BatchResult:
    """
    Take a learner off the exception list and reconcile that learner.

    A passing learner keeps the certificate, a learner who held it only by exception loses it (Open edX
    invalidates it whatever the grade).

    The course's "keep on grade drop" setting protects learners who earned the certificate by passing; it
    does not apply here, so this reconcile always revokes a certificate the learner's grade does not carry.
    """
    user = resolve_user(identifier)
    with transaction.atomic():
        deleted, _ = CertificateException.objects.filter(user=user, course_key=course_key).delete()
        if not deleted:
            raise errors.NotFound(f"'{identifier}' is not on the exception list.", user=identifier)
        strict = replace(engine.course_policy(course_key), revoke_on_grade_drop=True)
        result = reconcile_learner(
            user.pk, course_key, source=Source.EXCEPTION, actor_id=getattr(removed_by, "pk", None), policy=strict
        )
        lms_sync.push_exceptions(course_key, [user.pk])
        return result


# --- invalidations -------------------------------------------------------------------------------


def invalidate_certificate(
    course_key: CourseKey, identifier: str, *, notes: str = "", invalidated_by: AbstractBaseUser | None = None
) -> CertificateInvalidation:
    """Invalidate a learner's certificate (status becomes unavailable until re-validated)."""
    identifier, notes = validation.clean_identifier(identifier), validation.clean_notes(notes)
    user = resolve_user(identifier)
    cert = Certificate.objects.filter(user=user, course_key=course_key).first()
    if cert is None:
        raise errors.CertificateNotFound(f"'{identifier}' has no certificate in {course_key}.", user=identifier)
    if CertificateException.objects.filter(user=user, course_key=course_key).exists():
        raise errors.LearnerAllowlisted(
            f"'{identifier}' is on the exception list; remove the exception before invalidating.", user=identifier
        )
    with transaction.atomic():
        # Lock the certificate: with no invalidation row yet there is nothing else to lock, and two
        # concurrent requests would both pass the check below.
        Certificate.objects.select_for_update().filter(pk=cert.pk).first()
        if CertificateInvalidation.objects.filter(certificate=cert, active=True).exists():
            raise errors.AlreadyInvalidated(
                f"The certificate of '{identifier}' is already invalidated.", user=identifier
            )
        invalidation = CertificateInvalidation.objects.create(
            certificate=cert, notes=notes or "", invalidated_by=invalidated_by
        )
        reconcile_learner(user.pk, course_key, source=Source.INVALIDATION, actor_id=getattr(invalidated_by, "pk", None))
        lms_sync.push_invalidation(user.pk, course_key)  # after the reconcile wrote the LMS's row it refers to
    return invalidation


def revalidate_certificate(
    course_key: CourseKey, invalidation_id: int, *, revalidated_by: AbstractBaseUser | None = None
) -> engine.BatchResult:
    """Lift an invalidation and reconcile that learner."""
    with transaction.atomic():
        invalidation = (
            CertificateInvalidation.objects.select_for_update()
            .select_related("certificate")
            .filter(pk=invalidation_id, certificate__course_key=course_key, active=True)
            .first()
        )
        if invalidation is None:
            raise errors.NotFound(f"No active invalidation {invalidation_id} in {course_key}.")
        invalidation.active = False
        invalidation.revalidated_by = revalidated_by
        invalidation.revalidated_at = timezone.now()
        invalidation.save(update_fields=["active", "revalidated_by", "revalidated_at", "modified"])
        result = reconcile_learner(
            invalidation.certificate.user_id,
            course_key,
            source=Source.REVALIDATION,
            actor_id=getattr(revalidated_by, "pk", None),
            create_missing=True,
        )
        lms_sync.push_invalidation(invalidation.certificate.user_id, course_key)
        return result


# --- regenerate one learner ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Regeneration:
    """
    What regenerating one learner's certificate did (or, for a dry run, would do).

    ``before`` is the stored certificate (None: none yet); ``change`` the engine's new state for it, None when
    nothing changes; ``after`` the stored certificate afterwards (dry runs: None).
    """

    user: AbstractBaseUser
    before: Certificate
    change: engine.WouldChange | None
    after: Certificate | None


def regenerate_certificate(
    course_key: CourseKey, identifier: str, *, requested_by: AbstractBaseUser | None = None, dry_run: bool = False
) -> Regeneration:
    """
    Run the engine now for one learner who has a certificate record: grade, status and name brought in line.

    A change is a new revision of the same certificate (same verify id), recorded as the course team's; nothing
    changes when it already matches. ``dry_run`` says what would change and writes nothing.
    ``CertificateNotFound`` when the learner has no certificate in the course.
    """
    user = resolve_user(identifier)
    before = Certificate.objects.filter(user=user, course_key=course_key).first()
    if before is None:
        raise errors.CertificateNotFound(f"'{identifier}' has no certificate in {course_key}.", user=identifier)
    actor = getattr(requested_by, "pk", None)
    if dry_run:
        preview = reconcile_learner(user.pk, course_key, source=Source.INSTRUCTOR, create_missing=True, dry_run=True)
        return Regeneration(user, before, preview.would_change[0] if preview.would_change else None, None)
    result = reconcile_learner(user.pk, course_key, source=Source.INSTRUCTOR, actor_id=actor, create_missing=True)
    after = Certificate.objects.get(pk=before.pk)
    change = None
    if result.changes:
        written = result.changes[0]
        change = engine.WouldChange(user.pk, written.before_status, after.status, before.grade, after.grade, after.name)
        log.info("cert_manager: certificate of user %s in %s regenerated by %s", user.pk, course_key, actor)
    return Regeneration(user, before, change, after)


# --- deletes ---------------------------------------------------------------------------------------


def delete_certificate(
    course_key: CourseKey, identifier: str, *, deleted_by: AbstractBaseUser | None = None
) -> engine.BatchResult:
    """
    Delete one learner's certificate: it becomes ``deleted`` (no longer shown as valid anywhere).

    Its history gains a revision, an active invalidation stays active and the LMS's record follows. Recorded in
    the generation history. A later job may issue it again (same verify id) unless the learner is invalidated.
    """
    user = resolve_user(identifier)
    cert = Certificate.objects.filter(user=user, course_key=course_key).exclude(status=CertificateStatus.DELETED)
    if not cert.exists():
        raise errors.CertificateNotFound(f"'{identifier}' has no certificate in {course_key}.", user=identifier)
    actor = getattr(deleted_by, "pk", None)
    with transaction.atomic():
        result = engine.run(course_key, [user.pk], engine.Intent.deletion(actor_id=actor))
        _record_deletion(course_key, deleted_by, {"scope": "one", "user_id": user.pk}, result.changed)
    log.info("cert_manager: certificate of user %s in %s deleted by %s", user.pk, course_key, actor)
    return result


def delete_and_invalidate(
    course_key: CourseKey, identifier: str, *, notes: str = "", deleted_by: AbstractBaseUser | None = None
) -> engine.BatchResult:
    """
    Delete one learner's certificate and keep it from coming back: the deletion plus an invalidation.

    The invalidation is the usual one (``invalidate_certificate``: on the course's list, mirrored to the LMS's,
    lifted by re-validating), so no grade change, job or learner request issues the certificate again meanwhile.
    One transaction: a refusal (``LearnerAllowlisted`` for a learner on the exception list) deletes nothing. A
    learner invalidated already is only deleted (the invalidation they have keeps it out).
    """
    notes = validation.clean_notes(notes)
    user = resolve_user(identifier)
    with transaction.atomic():
        result = delete_certificate(course_key, identifier, deleted_by=deleted_by)
        if _active_invalidation(user.pk, course_key) is None:
            invalidate_certificate(course_key, identifier, notes=notes, invalidated_by=deleted_by)
    return result


def delete_all_certificates(
    course_key: CourseKey, *, confirm: str | None, deleted_by: AbstractBaseUser | None = None
) -> int:
    """
    Delete every certificate of the course (``confirm`` must repeat the course id); returns how many.

    Set-based, as ``delete_certificate`` does one. Holds the course's job lock meanwhile (``JobAlreadyRunning``
    while a job runs) and leaves one "delete" entry in the generation history.
    """
    if str(confirm or "") != str(course_key):
        raise errors.ConfirmationRequired(
            f'Deleting all certificates needs {{"confirm": "{course_key}"}}.', expected=str(course_key)
        )
    job = jobs.start_inline_job(course_key, JobKind.DELETE, requested_by=deleted_by, params={"scope": "all"})
    ids = list(
        Certificate.objects.filter(course_key=course_key)
        .exclude(status=CertificateStatus.DELETED)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    total = engine.BatchResult()
    try:
        engine.run(course_key, ids, engine.Intent.deletion(actor_id=getattr(deleted_by, "pk", None)), total=total)
    except Exception as exc:
        jobs.finish_inline_job(job, total, error=str(exc))
        raise
    jobs.finish_inline_job(job, total)
    log.info(
        "cert_manager: %s certificates of %s deleted by %s", total.changed, course_key, getattr(deleted_by, "pk", None)
    )
    return total.changed


def _record_deletion(course_key: CourseKey, deleted_by: AbstractBaseUser | None, params: dict, changed: int) -> None:
    """One finished "delete" entry in the generation history (who, when, how many)."""
    now = timezone.now()
    GenerationJob.objects.create(
        course_key=course_key,
        kind=JobKind.DELETE,
        state=JobState.SUCCEEDED,
        requested_by=deleted_by if getattr(deleted_by, "pk", None) else None,
        params=params,
        started=now,
        finished=now,
        total=1,
        processed=1,
        changed=changed,
        skipped=1 - min(changed, 1),  # processed == changed + skipped + failed, as every job
        chunks_total=0,
    )


# --- settings --------------------------------------------------------------------------------------

SETTINGS_FIELDS = ("self_generation_enabled", "issue_policy", "revoke_on_grade_drop", "eligible_modes", "print_grade")


def get_course_settings(course_key: CourseKey) -> CourseCertificateSettings:
    """The course's settings row (unsaved defaults when it has none)."""
    row = CourseCertificateSettings.objects.filter(course_key=course_key).first()
    return row or CourseCertificateSettings(course_key=course_key)


def update_course_settings(
    course_key: CourseKey, changes: dict, *, updated_by: AbstractBaseUser | None = None
) -> CourseCertificateSettings:
    """Validate and save settings changes; unknown fields and bad values raise ``InvalidInput``."""
    changes = clean_settings_changes(changes)
    # Create the row first, on its own: get_or_create under SELECT … FOR UPDATE deadlocks on MariaDB when
    # requests race to create it (gap locks, then inserts); a losing INSERT here is only a duplicate key.
    CourseCertificateSettings.objects.get_or_create(course_key=course_key)

    def save() -> CourseCertificateSettings:
        with transaction.atomic():
            return save_course_settings(course_key, changes, updated_by=updated_by)

    return retry_on_deadlock(save)


def save_course_settings(
    course_key: CourseKey, changes: dict, *, updated_by: AbstractBaseUser | None = None
) -> CourseCertificateSettings:
    """Write already cleaned ``changes`` on the course's settings row (locked), in the caller's transaction."""
    row = CourseCertificateSettings.objects.select_for_update().get(course_key=course_key)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_by = updated_by
    row.save()
    return row


def clean_settings_changes(changes: object) -> dict:
    """Settings changes checked and normalised (a copy); unknown fields and bad values raise ``InvalidInput``."""
    if not isinstance(changes, dict):
        raise errors.InvalidInput("Settings changes must be an object of field names and values.")
    changes = dict(changes)  # never modify the caller's dict
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise errors.InvalidInput(f"Unknown settings: {', '.join(sorted(unknown))}.", fields=sorted(unknown))
    if "issue_policy" in changes and changes["issue_policy"] not in [p.value for p in IssuePolicy]:
        raise errors.InvalidInput(
            f"issue_policy must be one of {', '.join(p.value for p in IssuePolicy)}.", field="issue_policy"
        )
    if "eligible_modes" in changes:
        modes = changes["eligible_modes"]
        if not isinstance(modes, list) or any(m not in ALL_MODES for m in modes):
            raise errors.InvalidInput(
                f"eligible_modes must be a list of: {', '.join(ALL_MODES)}.", field="eligible_modes"
            )
        changes["eligible_modes"] = list(dict.fromkeys(modes))
    for name in ("self_generation_enabled", "revoke_on_grade_drop", "print_grade"):
        if name in changes and not isinstance(changes[name], bool):
            raise errors.InvalidInput(f"{name} must be true or false.", field=name)
    return changes


# --- learner self-generation ----------------------------------------------------------------------


def _decision(course_key: CourseKey, user_id: int) -> tuple[Decision, CoursePolicy]:
    """The eligibility decision for one learner, from the same inputs the engine reads."""
    row = LearnerRecord.objects.filter(course_key=course_key, user_id=user_id).first()
    learner = row.learner_state() if row is not None else None
    cert = Certificate.objects.filter(course_key=course_key, user_id=user_id).first()
    policy = engine.course_policy(course_key)
    decision = decide(
        learner,
        current_status=cert.status if cert else None,
        allowlisted=CertificateException.objects.filter(course_key=course_key, user_id=user_id).exists(),
        invalidated=_active_invalidation(user_id, course_key) is not None,
        policy=policy,
        now=timezone.now(),
    )
    return decision, policy


#: The learner's reason (``labels.LEARNER_REASONS``) for a refused request, by the certificate's status.
REFUSALS = {
    "notpassing": "not_passing",
    "audit_passing": "mode_not_eligible",
    "audit_notpassing": "mode_not_eligible",
    "unavailable": "invalidated",
}


def _refused(reason: str, code: str | None = None) -> errors.SelfGenerationRefused:
    """A refusal in the learner's language (the words in ``labels``, read now, in the request's language)."""
    words = labels.LEARNER_REASONS.get(reason, labels.LEARNER_REFUSED_OTHERWISE)
    return errors.SelfGenerationRefused(str(words), reason=code or reason)


def request_certificate(course_key: CourseKey, user: AbstractBaseUser) -> Certificate:
    """A learner asks for a certificate: refused with a clear reason unless one is (or can be) issued."""
    if not get_course_settings(course_key).self_generation_enabled:
        raise _refused("requests_disabled", "disabled")
    reconcile_learner(user.pk, course_key, source=Source.SELF_REQUEST, actor_id=user.pk, create_missing=True)
    cert = Certificate.objects.filter(user=user, course_key=course_key).first()
    if cert is not None and cert.status == "downloadable":
        return cert
    decision, policy = _decision(course_key, user.pk)
    if decision.reason == "held_until_course_end":
        when = formats.date_format(timezone.localtime(policy.course_end), "DATE_FORMAT")
        raise errors.SelfGenerationRefused(labels.learner_held_until(when), reason="held_until_course_end")
    if cert is None:
        raise _refused("not_enrolled")
    status = CertificateStatus.UNAVAILABLE if decision.reason == "invalidated" else cert.status  # also when deleted
    raise _refused(REFUSALS.get(status, "otherwise"), status)


def grant_standalone_course_role(user: AbstractBaseUser, course_key: CourseKey, role: str) -> bool:
    """Give ``user`` a course team role in the standalone adapter; False when they already had it."""
    try:
        with transaction.atomic():
            standalone_model("StandaloneCourseRole").objects.create(user=user, course_key=course_key, role=role)
    except IntegrityError:
        return False
    return True


def revoke_standalone_course_role(user: AbstractBaseUser, course_key: CourseKey, role: str) -> bool:
    """Take a standalone course team role away; False when ``user`` did not have it."""
    roles = standalone_model("StandaloneCourseRole").objects.filter(user=user, course_key=course_key, role=role)
    deleted, _ = roles.delete()
    return bool(deleted)
