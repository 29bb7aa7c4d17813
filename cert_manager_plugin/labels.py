"""
Plain, translatable words for every code the plugin shows people.

The codes are certificate statuses, learner groups, job kinds and states, exception scopes, change sources,
enrollment modes, issue policies and eligibility reasons.

This is the one place they are worded. The pages, the instructor panel (through its config), the emails and
the web certificate use these; the REST API keeps its codes (``downloadable``, ``generate_all``, …). Every
value is ``gettext_lazy``: it is translated where it is shown, in the language active there (the learner's
for an email, the request's for a page). ``as_text`` turns a mapping into plain strings (JSON, the panel's
config).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .data import (
    GROUP_STATUS,
    CertificateStatus,
    CourseMode,
    ExceptionScope,
    IssuePolicy,
    JobKind,
    JobState,
    LearnerGroup,
    ListSource,
    Source,
)

S = CertificateStatus
# Codes written as strings below ("deleted", "delete", "deletion") name the deletion record of issue 8.

#: Certificate statuses, as the course team and the learner read them.
STATUS_LABELS = {
    S.DOWNLOADABLE: _("Valid"),
    S.NOTPASSING: _("Not earned: grade below passing"),
    S.AUDIT_PASSING: _("No certificate in this mode (passing)"),
    S.AUDIT_NOTPASSING: _("No certificate in this mode (not passing)"),
    S.ERROR: _("Error"),
    S.UNAVAILABLE: _("Revoked"),
    S.GENERATING: _("Being generated"),
    "deleted": _("Deleted by the course team"),
}

#: What a public page (web certificate, verification) says about a certificate: never why it is not valid.
PUBLIC_VALID = pgettext_lazy("certificate status", "Valid")
PUBLIC_NO_LONGER_VALID = pgettext_lazy("certificate status", "No longer valid")
PUBLIC_NOT_ISSUED = pgettext_lazy("certificate status", "Not issued")
#: A state of a certificate that was not valid and had never been (a verification page's history): never why.
PUBLIC_NOT_VALID = pgettext_lazy("certificate status", "Not valid")

#: A dry run's "before" side for a learner who has no certificate yet.
NO_CERTIFICATE = _("No certificate")

#: The regeneration groups of the instructor panel (seed 000), with what each one selects.
GROUP_LABELS = {
    LearnerGroup.RECEIVED: _("Already received"),
    LearnerGroup.NOT_RECEIVED: _("Not received (not passing)"),
    LearnerGroup.AUDIT_PASSING: _("Audit, passing"),
    LearnerGroup.AUDIT_NOTPASSING: _("Audit, not passing"),
    LearnerGroup.ERROR: _("Error"),
}
GROUP_HELP = {
    LearnerGroup.RECEIVED: _("Learners whose certificate is valid: it is updated to their current grade."),
    LearnerGroup.NOT_RECEIVED: _("Learners who were checked and had not reached the passing grade."),
    LearnerGroup.AUDIT_PASSING: _("Passing learners in a mode that earns no certificate (usually audit)."),
    LearnerGroup.AUDIT_NOTPASSING: _("Learners below passing in a mode that earns no certificate."),
    LearnerGroup.ERROR: _("Certificates that could not be generated."),
}

JOB_KIND_LABELS = {
    JobKind.GENERATE_ALL: _("Generate all certificates"),
    JobKind.REGENERATE: _("Regenerate learner groups"),
    JobKind.GENERATE_EXCEPTIONS: _("Generate exception certificates"),
    JobKind.EXPORT: _("Export to PDF"),
    "delete": _("Delete certificates"),
    JobKind.APPLY_DESIGN: _("Apply a certificate design to issued certificates"),
}

DELETE_ALL_TITLE = _("Delete all certificates of the course")
DELETE_ONE_TITLE = _("Delete the certificate of one learner")
APPLY_POLICIES_TITLE = _("Apply the course policies to existing certificates")
UNDO_POLICIES_TITLE = _("Undo the last course policy change")
#: The status each regeneration group selects (``data.GROUP_STATUS``), by code.
GROUP_STATUS_CODES = {str(group): str(status) for group, status in GROUP_STATUS.items()}

JOB_STATE_LABELS = {
    JobState.QUEUED: _("Waiting to start"),
    JobState.RUNNING: _("Running"),
    JobState.SUCCEEDED: _("Finished"),
    JobState.FAILED: _("Failed"),
    JobState.CANCELLED: _("Cancelled"),
}

SCOPE_LABELS = {
    ExceptionScope.NEW: _("Only learners on the exception list without a valid certificate"),
    ExceptionScope.ALL: _("Everyone on the exception list"),
}

#: Why a certificate changed (``Certificate.source``, revisions).
SOURCE_LABELS = {
    Source.GRADE_EVENT: _("Grade change"),
    Source.ENROLLMENT_EVENT: _("Enrollment change"),
    Source.PASSING_STATUS_EVENT: _("Passing status change"),
    Source.INSTRUCTOR: _("Course team"),
    Source.JOB: _("Generation job"),
    Source.SELF_REQUEST: _("Learner's request"),
    Source.EXCEPTION: _("Exception list"),
    Source.INVALIDATION: _("Invalidation"),
    Source.REVALIDATION: _("Re-validation"),
    Source.COURSE_END: _("Course end"),
    Source.SETTINGS: _("Course policy change"),
    Source.BACKFILL: _("Copied from the LMS"),
    Source.LMS: _("LMS certificate record"),
    "deletion": _("Deleted by the course team"),
    Source.NAME_CHANGE: _("Name change"),
    Source.DESIGN: _("Certificate design applied"),
}

#: Who put a learner on the exception or invalidation list (``ListSource``).
LIST_SOURCE_LABELS = {
    ListSource.COURSE_TEAM: _("Course team"),
    ListSource.LMS_LIST: _("The LMS's own list"),
    ListSource.LMS_CERTIFICATE: _("Invalidated in the LMS (for example, a rejected proctored exam attempt)"),
}

MODE_LABELS = {
    CourseMode.AUDIT: _("Audit"),
    CourseMode.HONOR: _("Honor"),
    CourseMode.VERIFIED: _("Verified"),
    CourseMode.PROFESSIONAL: _("Professional"),
    CourseMode.NO_ID_PROFESSIONAL: _("Professional (no ID check)"),
    CourseMode.MASTERS: _("Master's"),
    CourseMode.EXECUTIVE_EDUCATION: _("Executive Education"),
    CourseMode.PAID_EXECUTIVE_EDUCATION: _("Paid Executive Education"),
    CourseMode.PAID_BOOTCAMP: _("Paid Bootcamp"),
}

ISSUE_POLICY_LABELS = {
    IssuePolicy.ON_PASS: _("As soon as the learner passes"),
    IssuePolicy.AFTER_COURSE_END: _("After the course ends"),
}
ISSUE_POLICY_HELP = {
    IssuePolicy.ON_PASS: _("A learner who reaches the passing grade gets a valid certificate at once."),
    IssuePolicy.AFTER_COURSE_END: _(
        "Passing learners wait until the course end date; their certificates are then issued automatically."
    ),
}

#: Why a learner has (or has no) certificate, for the learner (dashboard), by the eligibility decision's reason.
LEARNER_REASONS = {
    "invalidated": _("Your certificate was invalidated by the course team."),
    "not_enrolled": _("You are not enrolled in this course."),
    "mode_not_eligible": _("Your enrollment mode does not earn a certificate in this course."),
    "held_until_course_end": _("Certificates of this course are issued after the course ends."),
    "not_passing": _("You have not reached the passing grade yet."),
    "disabled": _("Certificates are issued by the course team; you will get yours when they generate them."),
    "requests_disabled": _("Learners cannot request certificates in this course; the course team issues them."),
}


def learner_held_until(date: str) -> str:
    """A refused request in a course that issues certificates after its end: when that is, in the learner's words."""
    return gettext("Certificates of this course are issued after the course ends (%(date)s).") % {"date": date}


#: A refused request whose certificate's state has no sentence of its own (the learner sees no status code).
LEARNER_REFUSED_OTHERWISE = _("Your certificate cannot be issued now. Ask the course team if you think it should.")

#: Why a learner on the exception list has no certificate, for the course team (instructor panel).
EXCEPTION_REASONS = {
    "invalidated": _("Their certificate is invalidated: re-validate it first."),
    "not_enrolled": _("Not enrolled in the course (or the enrollment is no longer active)."),
    "mode_not_eligible": _(
        "Enrolled in a mode that earns no certificate (usually audit): add the mode to the eligible modes "
        "in the course policies."
    ),
    "held_until_course_end": _("Held until the course ends (course policy)."),
    "pending": _("Not generated yet: use “Generate exception certificates”."),
}

#: What a public page (web certificate, verification page and API) says of a certificate that was valid and is no
#: longer: never why (a grade, an invalidation, a deletion are the learner's and the course team's business).
REVOKED_DEFAULT = _("It is no longer valid.")

#: Column names of the certificates CSV export (``certificates?format=csv``), for a human-readable header.
CSV_COLUMN_LABELS = {
    "username": _("Username"),
    "email": _("Email"),
    "name": _("Name"),
    "status": _("Status"),
    "mode": _("Mode"),
    "grade": _("Grade"),
    "issued_date": _("Issued"),
    "verify_uuid": _("Certificate ID"),
    "modified": _("Last changed"),
    "status_code": _("Status code"),
    "mode_code": _("Mode code"),
    "grade_value": _("Grade (0 to 1)"),
}

#: The column headers of the exception list, invalidation list and generation history CSV files.
LIST_CSV_COLUMN_LABELS = {
    "username": _("Username"),
    "email": _("Email"),
    "name": _("Name"),
    "notes": _("Notes"),
    "granted": _("Granted"),
    "granted_by": _("Granted by"),
    "certificate_issued": _("Certificate issued"),
    "added_by": _("Added by"),
    "source_code": _("Source code"),
    "invalidated": _("Invalidated"),
    "invalidated_by": _("Invalidated by"),
    "state": _("State"),
    "revalidated": _("Re-validated"),
    "revalidated_by": _("Re-validated by"),
    "job": _("Job"),
    "what": _("What"),
    "requested_by": _("Requested by"),
    "created": _("Created"),
    "started": _("Started"),
    "finished": _("Finished"),
    "learners": _("Learners"),
    "processed": _("Processed"),
    "changed": _("Changed"),
    "skipped": _("Left as they were"),
    "failed": _("Failed"),
    "error": _("Error"),
    "kind_code": _("Job kind code"),
    "state_code": _("State code"),
}
#: An invalidation's state in the invalidation list's CSV.
INVALIDATION_STATE_LABELS = {True: _("Active"), False: _("Lifted (re-validated)")}

#: A certificate's credential in the course team's list (``credentials.api.CREDENTIAL_STATES``: the same codes).
CREDENTIAL_STATE_LABELS = {
    "active": pgettext_lazy("credential state", "Active"),
    "suspended": _("Suspended: grade below passing"),
    "revoked": pgettext_lazy("credential state", "Revoked"),
    "expired": pgettext_lazy("credential state", "Expired"),
    "superseded": _("Superseded by a newer version"),
}


def label(mapping: Mapping, code: str | None) -> str:
    """The words for ``code`` in ``mapping`` (the code itself when it has none: never an empty cell)."""
    if code is None:
        return ""
    return str(mapping.get(code, code))


def job_title(kind: str, params: dict | None) -> str:
    """
    A job in words with its scope, as the panel's history names it (``jobWhat``): never a code.

    Regenerate names its groups, exception certificates their scope, a deletion all certificates or one learner.
    """
    params = params or {}
    if kind == "delete":
        return str(DELETE_ALL_TITLE if params.get("scope") == "all" else DELETE_ONE_TITLE)
    if kind == JobKind.APPLY_DESIGN and params.get("version"):
        return str(_("Apply design version %(number)s to issued certificates") % {"number": params["version"]})
    if params.get("policies"):
        return str(UNDO_POLICIES_TITLE if params.get("undo_of") else APPLY_POLICIES_TITLE)
    title = label(JOB_KIND_LABELS, kind)
    if params.get("statuses"):
        by_status = {GROUP_STATUS_CODES.get(g, g): words for g, words in GROUP_LABELS.items()}
        groups = ", ".join(str(by_status.get(s) or label(STATUS_LABELS, s)) for s in params["statuses"])
        return str(_("%(kind)s: %(groups)s") % {"kind": title, "groups": groups})
    if params.get("scope"):
        return str(_("%(kind)s: %(scope)s") % {"kind": title, "scope": label(SCOPE_LABELS, params["scope"])})
    return title


def public_status_label(status: str, *, was_issued: bool) -> str:
    """
    Valid, No longer valid (it was valid once) or Not issued: what anyone holding the link may read.

    The same words whatever made it stop being valid (a grade, an invalidation, a deletion): never why.
    """
    if status == S.DOWNLOADABLE:
        return str(PUBLIC_VALID)
    if status == S.UNAVAILABLE or was_issued:
        return str(PUBLIC_NO_LONGER_VALID)
    return str(PUBLIC_NOT_ISSUED)


def as_text(mapping: Mapping) -> dict[str, str]:
    """``{code: words}`` as plain strings in the active language (for JSON)."""
    return {str(code): str(words) for code, words in mapping.items()}


def panel_labels() -> dict[str, dict[str, str]]:
    """Every vocabulary the instructor panel shows, in the active language (its config JSON)."""
    return {
        "statuses": as_text(STATUS_LABELS),
        "groups": as_text(GROUP_LABELS),
        "groupHelp": as_text(GROUP_HELP),
        "kinds": as_text(JOB_KIND_LABELS),
        "states": as_text(JOB_STATE_LABELS),
        "scopes": as_text(SCOPE_LABELS),
        "sources": as_text(SOURCE_LABELS),
        "modes": as_text(MODE_LABELS),
        "issuePolicies": as_text(ISSUE_POLICY_LABELS),
        "exceptionReasons": as_text(EXCEPTION_REASONS),
        "noCertificate": {"new": str(NO_CERTIFICATE)},
        "credentialStates": as_text(CREDENTIAL_STATE_LABELS),
    }
