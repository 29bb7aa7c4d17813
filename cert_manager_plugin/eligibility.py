"""
The certificate decision: a pure function of the learner's state, the course lists and policies, and now.

No ORM, no settings, no I/O: it imports nothing of ours but ``data``, so it can be tested table-driven
and called for thousands of learners per batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .data import DEFAULT_ELIGIBLE_MODES, CertificateStatus, IssuePolicy

S = CertificateStatus


@dataclass(frozen=True, slots=True)
class LearnerState:
    """The learner's enrollment and grade in one course, as last reported by the LMS."""

    mode: str = ""
    enrollment_active: bool = False
    percent_grade: float | None = None
    passed: bool = False


@dataclass(frozen=True, slots=True)
class CoursePolicy:
    """A course's certificate policies."""

    issue_policy: str = IssuePolicy.ON_PASS
    revoke_on_grade_drop: bool = True
    eligible_modes: frozenset[str] = field(default_factory=lambda: frozenset(DEFAULT_ELIGIBLE_MODES))
    course_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """
    What the learner's certificate should be.

    ``status`` None means "no certificate: leave the absent one absent". ``keep`` True means "leave the
    existing certificate untouched" (not enrolled, or held until course end); otherwise the certificate
    takes ``status`` and the learner's current grade, mode and name.
    """

    status: str | None
    reason: str
    keep: bool = False


def decide(
    learner: LearnerState | None,
    *,
    current_status: str | None,
    allowlisted: bool,
    invalidated: bool,
    policy: CoursePolicy,
    now: datetime,
    certificate_mode: str | None = None,
) -> Decision:
    """
    Decide the certificate status of one learner in one course.

    Rules (Open edX semantics, plus the course policies), first match wins:
    1. An active invalidation makes an existing certificate ``unavailable``; nothing is issued.
    2. No record or an inactive enrollment issues nothing; an existing certificate is kept as it is.
    3. A mode the course does not make eligible issues nothing: ``audit_passing`` / ``audit_notpassing``.
       An issued certificate whose own mode (``certificate_mode``, the mode it was issued in; empty or None:
       not known) the course no longer makes eligible stops being valid the same way (``mode_not_eligible``):
       the course said that mode earns no certificate, and ``audit_passing`` / ``audit_notpassing`` are the
       statuses edx-platform gives a learner whose mode earns none (lms/djangoapps/certificates/data.py,
       openedx/edx-platform 32f846765ae2a818cf1e1822c0f75dbc78689174; its ``_can_generate_certificate_common``
       refuses every ineligible mode alike, generation_handler.py, 00e4daba0267bbe87942071f2df1de1c480ed311).
       One issued in a mode that is still eligible is not revoked when the learner moves to an ineligible
       mode (edx-platform deliberately keeps it) and is kept as it is, unless the grade drops below passing in
       a course that revokes on grade drop and the learner is not allowlisted (edx-platform's failing-grade
       handler marks it ``notpassing`` whatever the mode).
    4. An allowlisted learner counts as passing: the exception waives the grade, not the course's timing.
    5. A passing learner gets ``downloadable``; under "hold until course end" a learner without a
       downloadable certificate waits until the course end has passed (a course with no end date
       has nothing to wait for and issues on pass).
    6. A learner below passing gets ``notpassing``; an issued certificate is revoked that way only when
       the course revokes on grade drop, otherwise it is kept (and shows the new grade).
    """
    if invalidated:
        if current_status is None:
            return Decision(None, "invalidated")
        return Decision(S.UNAVAILABLE, "invalidated")
    if learner is None or not learner.enrollment_active:
        return Decision(current_status, "not_enrolled", keep=True)
    issued = current_status == S.DOWNLOADABLE
    if learner.mode not in policy.eligible_modes:
        if issued and (not certificate_mode or certificate_mode in policy.eligible_modes):
            if not learner.passed and not allowlisted and policy.revoke_on_grade_drop:
                return Decision(S.NOTPASSING, "not_passing")
            return Decision(current_status, "issued_before_mode_change", keep=True)
        if learner.passed:
            return Decision(S.AUDIT_PASSING, "mode_not_eligible")
        return Decision(S.AUDIT_NOTPASSING, "mode_not_eligible")
    if learner.passed or allowlisted:
        if (
            not issued
            and policy.issue_policy == IssuePolicy.AFTER_COURSE_END
            and policy.course_end is not None
            and now < policy.course_end
        ):
            return Decision(current_status, "held_until_course_end", keep=True)
        return Decision(S.DOWNLOADABLE, "passing" if learner.passed else "allowlisted")
    if issued and not policy.revoke_on_grade_drop:
        return Decision(S.DOWNLOADABLE, "grade_drop_kept")
    return Decision(S.NOTPASSING, "not_passing")
