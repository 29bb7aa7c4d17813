"""Errors raised by ``api``: each has a stable machine ``code``, a human message and an HTTP status."""

from __future__ import annotations


class CertManagerError(Exception):
    """Base error; REST views turn it into ``{"code", "message"}`` with ``http_status``."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(CertManagerError):
    """A request's input breaks a rule (``field_errors`` or ``field`` in the details say which): 400."""

    code = "invalid_input"


class InvalidCourseKey(CertManagerError):
    """A course id that is not a valid course key: 400."""

    code = "invalid_course_key"


class ConfirmationRequired(CertManagerError):
    """A destructive request without its confirmation (delete all: ``confirm`` repeats the course id): 400."""

    code = "confirmation_required"


class CourseNotFound(CertManagerError):
    """No course with that id: 404 (the REST API says so to global staff only; others get ``NotFound``)."""

    code = "course_not_found"
    http_status = 404


class UserNotFound(CertManagerError):
    """No such account, or (to the course team) no such learner in the course: 404."""

    code = "user_not_found"
    http_status = 404


class CertificateNotFound(CertManagerError):
    """The learner has no certificate in the course, or no certificate has that verify id: 404."""

    code = "certificate_not_found"
    http_status = 404


class NotFound(CertManagerError):
    """Any other missing object (job, invalidation, exception-list entry, export file, course): 404."""

    code = "not_found"
    http_status = 404


class NotEnrolled(CertManagerError):
    """The learner is not enrolled in the course, so cannot be put on its exception list: 409."""

    code = "not_enrolled"
    http_status = 409


class AlreadyListed(CertManagerError):
    """The learner is already on the course's exception list: 409."""

    code = "already_listed"
    http_status = 409


class LearnerInvalidated(CertManagerError):
    """The learner is on the invalidation list, so cannot be allowlisted (Open edX rule)."""

    code = "invalidated"
    http_status = 409


class LearnerAllowlisted(CertManagerError):
    """The learner is on the exception list, so cannot be invalidated (Open edX rule)."""

    code = "allowlisted"
    http_status = 409


class AlreadyInvalidated(CertManagerError):
    """The learner's certificate already has an active invalidation: 409."""

    code = "already_invalidated"
    http_status = 409


class NothingToExport(CertManagerError):
    """An export found no certificate to put in the file: 409."""

    code = "nothing_to_export"
    http_status = 409


class JobAlreadyRunning(CertManagerError):
    """The course already has its one active job (queued or running): 409."""

    code = "job_already_running"
    http_status = 409


class JobNotActive(CertManagerError):
    """The job cannot be cancelled or resumed in its state (finished, or not failed/cancelled): 409."""

    code = "job_not_active"
    http_status = 409


class SelfGenerationRefused(CertManagerError):
    """A learner's certificate request refused; ``reason`` in the details says why: 409."""

    code = "self_generation_refused"
    http_status = 409


class PolicyChangeOutdated(CertManagerError):
    """The last policy change cannot be undone any more (the policies changed since, or a newer change exists)."""

    code = "policy_change_outdated"
    http_status = 409
