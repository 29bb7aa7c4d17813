"""Errors raised by ``api``: each has a stable machine ``code``, a human message and an HTTP status."""

from __future__ import annotations


class CertManagerError(Exception):
    """Base error; REST views turn it into ``{"code", "message"}`` with ``http_status``."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(CertManagerError):
    code = "invalid_input"


class InvalidCourseKey(CertManagerError):
    code = "invalid_course_key"


class ConfirmationRequired(CertManagerError):
    code = "confirmation_required"


class CourseNotFound(CertManagerError):
    code = "course_not_found"
    http_status = 404


class UserNotFound(CertManagerError):
    code = "user_not_found"
    http_status = 404


class CertificateNotFound(CertManagerError):
    code = "certificate_not_found"
    http_status = 404


class NotFound(CertManagerError):
    code = "not_found"
    http_status = 404


class NotEnrolled(CertManagerError):
    code = "not_enrolled"
    http_status = 409


class AlreadyListed(CertManagerError):
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
    code = "already_invalidated"
    http_status = 409


class NothingToExport(CertManagerError):
    code = "nothing_to_export"
    http_status = 409


class JobAlreadyRunning(CertManagerError):
    code = "job_already_running"
    http_status = 409


class JobNotActive(CertManagerError):
    code = "job_not_active"
    http_status = 409


class SelfGenerationRefused(CertManagerError):
    code = "self_generation_refused"
    http_status = 409
