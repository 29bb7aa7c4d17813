"""
The pure certificate decision, checked against a rule table written independently of ``decide``.

Every combination of mode x passed x percent grade present/absent x allowlisted x invalidated x
enrollment (active / inactive / no record) x current certificate status x policy (issue policy with
the course end past / future / unset, revoke on grade drop, eligible modes default / audit opted in)
is run through ``decide`` and compared with ``expected`` below. The parametrized ids name the outer
combination; each test walks the inner 16 (passed x grade x allowlisted x invalidated) and reports
every mismatch at once.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from cert_manager_plugin import data
from cert_manager_plugin.eligibility import CoursePolicy, LearnerState, decide

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PAST = NOW - timedelta(days=30)
FUTURE = NOW + timedelta(days=30)

# Written out here rather than read from data.py: the test pins the vocabulary too.
MODES = (
    "audit",
    "honor",
    "verified",
    "professional",
    "no-id-professional",
    "masters",
    "executive-education",
    "paid-executive-education",
    "paid-bootcamp",
)
STATUSES = (
    None,
    "downloadable",
    "notpassing",
    "audit_passing",
    "audit_notpassing",
    "error",
    "unavailable",
    "generating",
)
ENROLLMENTS = ("active", "inactive", "no_record")
ISSUE_POLICIES = {
    "on_pass": ("on_pass", None),
    "hold-end_past": ("after_course_end", PAST),
    "hold-end_future": ("after_course_end", FUTURE),
    "hold-end_none": ("after_course_end", None),
}
ELIGIBLE = {
    "default_modes": frozenset(MODES) - {"audit"},
    "audit_opted_in": frozenset(MODES),
}
KEEP = "keep"  # the existing certificate (or its absence) is left untouched
NOTHING = None  # no certificate, and none is created


@dataclass(frozen=True)
class Case:
    mode: str
    passed: bool
    has_grade: bool
    allowlisted: bool
    invalidated: bool
    enrollment: str
    current: str | None
    issue_policy: str
    course_end: datetime | None
    revoke_on_grade_drop: bool
    eligible_modes: frozenset

    @property
    def enrolled(self) -> bool:
        return self.enrollment == "active"

    @property
    def mode_eligible(self) -> bool:
        return self.mode in self.eligible_modes

    @property
    def issued(self) -> bool:
        return self.current == "downloadable"

    @property
    def held(self) -> bool:
        """Hold until course end applies: the course has an end and it is still ahead."""
        return self.issue_policy == "after_course_end" and self.course_end is not None and NOW < self.course_end


# The rule table: (rule, applies when, outcome). First match wins. An outcome is a status, KEEP or NOTHING.
RULES = [
    ("invalidated with a certificate", lambda c: c.invalidated and c.current is not None, "unavailable"),
    ("invalidated without a certificate", lambda c: c.invalidated, NOTHING),
    ("not actively enrolled", lambda c: not c.enrolled, KEEP),
    (
        "ineligible mode, issued, grade dropped, revoke on, not allowlisted",
        lambda c: not c.mode_eligible and c.issued and not c.passed and c.revoke_on_grade_drop and not c.allowlisted,
        "notpassing",
    ),
    (
        "ineligible mode, already issued: a mode change does not revoke",
        lambda c: not c.mode_eligible and c.issued,
        KEEP,
    ),
    ("ineligible mode, passing", lambda c: not c.mode_eligible and c.passed, "audit_passing"),
    ("ineligible mode, not passing", lambda c: not c.mode_eligible, "audit_notpassing"),
    (
        "passing or allowlisted, held until course end",
        lambda c: (c.passed or c.allowlisted) and not c.issued and c.held,
        KEEP,
    ),
    ("passing or allowlisted", lambda c: c.passed or c.allowlisted, "downloadable"),
    ("issued, grade dropped, revoke off", lambda c: c.issued and not c.revoke_on_grade_drop, "downloadable"),
    ("not passing", lambda c: True, "notpassing"),
]


def expected(case: Case) -> tuple[str, object]:
    """The first rule that applies, and its outcome."""
    for name, applies, outcome in RULES:
        if applies(case):
            return name, outcome
    raise AssertionError("the last rule always applies")


def outcome_of(decision, current: str | None):
    """Fold a Decision into the table's vocabulary."""
    if decision.keep:
        assert decision.status == current, "a kept decision reports the current status"
        return KEEP
    return decision.status


def run(case: Case):
    learner = None
    if case.enrollment != "no_record":
        learner = LearnerState(
            mode=case.mode,
            enrollment_active=case.enrolled,
            percent_grade=(0.85 if case.passed else 0.40) if case.has_grade else None,
            passed=case.passed,
        )
    policy = CoursePolicy(
        issue_policy=case.issue_policy,
        revoke_on_grade_drop=case.revoke_on_grade_drop,
        eligible_modes=case.eligible_modes,
        course_end=case.course_end,
    )
    decision = decide(
        learner,
        current_status=case.current,
        allowlisted=case.allowlisted,
        invalidated=case.invalidated,
        policy=policy,
        now=NOW,
    )
    return outcome_of(decision, case.current)


OUTER = list(itertools.product(MODES, ENROLLMENTS, STATUSES, ISSUE_POLICIES, (True, False), ELIGIBLE))


def _id(params) -> str:
    mode, enrollment, current, policy, revoke, eligible = params
    return f"{mode}-{enrollment}-{current or 'nocert'}-{policy}-{'revoke' if revoke else 'keep_on_drop'}-{eligible}"


def test_vocabulary_matches_design():
    assert set(data.ALL_MODES) == set(MODES)
    assert len(data.ALL_MODES) == 9
    # "deleted" is the engine's: a certificate the course team deleted is decided as no certificate at all
    assert {s.value for s in data.CertificateStatus} == {s for s in STATUSES if s} | {"deleted"}
    assert set(data.DEFAULT_ELIGIBLE_MODES) == ELIGIBLE["default_modes"]
    assert CoursePolicy().eligible_modes == ELIGIBLE["default_modes"], "the default policy leaves audit out"
    assert CoursePolicy().revoke_on_grade_drop is True
    assert CoursePolicy().issue_policy == "on_pass"


@pytest.mark.parametrize("params", OUTER, ids=[_id(p) for p in OUTER])
def test_every_combination_follows_the_rule_table(params):
    mode, enrollment, current, policy_name, revoke, eligible_name = params
    issue_policy, course_end = ISSUE_POLICIES[policy_name]
    mismatches = []
    for passed, has_grade, allowlisted, invalidated in itertools.product((True, False), repeat=4):
        case = Case(
            mode=mode,
            passed=passed,
            has_grade=has_grade,
            allowlisted=allowlisted,
            invalidated=invalidated,
            enrollment=enrollment,
            current=current,
            issue_policy=issue_policy,
            course_end=course_end,
            revoke_on_grade_drop=revoke,
            eligible_modes=ELIGIBLE[eligible_name],
        )
        rule, want = expected(case)
        got = run(case)
        if got != want:
            mismatches.append(
                f"passed={passed} grade={has_grade} allowlisted={allowlisted} invalidated={invalidated}: "
                f"rule '{rule}' wants {want!r}, decide gave {got!r}"
            )
    assert not mismatches, "\n".join(mismatches)


def test_every_rule_of_the_table_is_reached():
    """A rule no combination reaches would be dead weight (or a mistake in the table)."""
    reached = set()
    for params in OUTER:
        mode, enrollment, current, policy_name, revoke, eligible_name = params
        issue_policy, course_end = ISSUE_POLICIES[policy_name]
        for passed, has_grade, allowlisted, invalidated in itertools.product((True, False), repeat=4):
            case = Case(
                mode,
                passed,
                has_grade,
                allowlisted,
                invalidated,
                enrollment,
                current,
                issue_policy,
                course_end,
                revoke,
                ELIGIBLE[eligible_name],
            )
            reached.add(expected(case)[0])
    assert reached == {name for name, _, _ in RULES}


# --- the headline rules, by hand -------------------------------------------------------------------


def _decide(learner, current=None, *, allowlisted=False, invalidated=False, **policy):
    return decide(
        learner,
        current_status=current,
        allowlisted=allowlisted,
        invalidated=invalidated,
        policy=CoursePolicy(**policy),
        now=NOW,
    )


VERIFIED_PASSING = LearnerState(mode="verified", enrollment_active=True, percent_grade=0.85, passed=True)
VERIFIED_FAILING = LearnerState(mode="verified", enrollment_active=True, percent_grade=0.40, passed=False)
AUDIT_FAILING = LearnerState(mode="audit", enrollment_active=True, percent_grade=0.10, passed=False)


def test_allowlisted_verified_learner_without_passing_grade_gets_a_certificate():
    decision = _decide(VERIFIED_FAILING, allowlisted=True)
    assert (decision.status, decision.keep, decision.reason) == ("downloadable", False, "allowlisted")


def test_allowlisted_audit_learner_gets_no_certificate_unless_the_course_opts_audit_in():
    """The exception waives the grade, not the mode: Open edX checks the mode for allowlist certificates too."""
    assert _decide(AUDIT_FAILING, allowlisted=True).status == "audit_notpassing"
    opted_in = _decide(AUDIT_FAILING, allowlisted=True, eligible_modes=frozenset(MODES))
    assert opted_in.status == "downloadable"


def test_invalidation_beats_the_allowlist():
    decision = _decide(VERIFIED_PASSING, "downloadable", allowlisted=True, invalidated=True)
    assert (decision.status, decision.reason) == ("unavailable", "invalidated")
    assert _decide(VERIFIED_PASSING, None, allowlisted=True, invalidated=True).status is None


def test_grade_drop_with_revoke_off_keeps_the_certificate_and_its_new_grade():
    decision = _decide(VERIFIED_FAILING, "downloadable", revoke_on_grade_drop=False)
    # Not ``keep``: the certificate is rewritten, so it shows the learner's new grade.
    assert (decision.status, decision.keep, decision.reason) == ("downloadable", False, "grade_drop_kept")


def test_grade_drop_with_revoke_on_revokes_unless_allowlisted():
    assert _decide(VERIFIED_FAILING, "downloadable").status == "notpassing"
    assert _decide(VERIFIED_FAILING, "downloadable", allowlisted=True).status == "downloadable"


def test_revoke_off_does_not_issue_to_a_learner_who_never_had_a_certificate():
    assert _decide(VERIFIED_FAILING, "notpassing", revoke_on_grade_drop=False).status == "notpassing"


def test_hold_until_course_end():
    hold = {"issue_policy": "after_course_end"}
    held = _decide(VERIFIED_PASSING, None, course_end=FUTURE, **hold)
    assert (held.status, held.keep, held.reason) == (None, True, "held_until_course_end")
    still_notpassing = _decide(VERIFIED_PASSING, "notpassing", course_end=FUTURE, **hold)
    assert (still_notpassing.status, still_notpassing.keep) == ("notpassing", True)
    assert _decide(VERIFIED_PASSING, None, course_end=PAST, **hold).status == "downloadable"
    assert _decide(VERIFIED_PASSING, None, course_end=NOW, **hold).status == "downloadable", "ends now: issued"
    assert _decide(VERIFIED_PASSING, None, course_end=None, **hold).status == "downloadable", "no end: nothing to wait"
    updated = _decide(VERIFIED_PASSING, "downloadable", course_end=FUTURE, **hold)
    assert (updated.status, updated.keep) == ("downloadable", False), "an issued certificate keeps following the grade"


def test_hold_applies_to_allowlisted_learners_too():
    held = _decide(VERIFIED_FAILING, None, allowlisted=True, issue_policy="after_course_end", course_end=FUTURE)
    assert (held.status, held.keep) == (None, True)


def test_moving_to_audit_does_not_revoke_an_issued_certificate():
    audit_passing = LearnerState(mode="audit", enrollment_active=True, percent_grade=0.9, passed=True)
    kept = _decide(audit_passing, "downloadable")
    assert (kept.status, kept.keep) == ("downloadable", True)
    assert _decide(AUDIT_FAILING, "downloadable").status == "notpassing", "a grade drop still revokes"
    assert _decide(AUDIT_FAILING, "downloadable", revoke_on_grade_drop=False).keep


def test_unenrolled_learner_keeps_what_they_have_and_gets_nothing_new():
    inactive = LearnerState(mode="verified", enrollment_active=False, percent_grade=0.9, passed=True)
    assert _decide(inactive, None).keep and _decide(inactive, None).status is None
    assert (_decide(inactive, "downloadable").status, _decide(inactive, "downloadable").keep) == ("downloadable", True)
    assert _decide(None, "notpassing").keep


def test_revalidated_learner_gets_the_decided_status_again():
    assert _decide(VERIFIED_PASSING, "unavailable").status == "downloadable"
    assert _decide(VERIFIED_FAILING, "unavailable", revoke_on_grade_drop=False).status == "notpassing"


# --- the mode an issued certificate was issued in (``certificate_mode``) --------------------------------------


def expected_with_certificate_mode(mode: str, cert_mode: str, passed: bool, allowlisted: bool, revoke: bool, eligible):
    """Written apart from ``decide``: an issued certificate of a mode the course no longer makes eligible stops."""
    if mode in eligible:
        return "downloadable" if passed or allowlisted or not revoke else "notpassing"
    if cert_mode not in eligible:  # the course turned the certificate's own mode off
        return "audit_passing" if passed else "audit_notpassing"
    if not passed and revoke and not allowlisted:
        return "notpassing"
    return KEEP  # the learner moved to an ineligible mode: edx-platform keeps the certificate


@pytest.mark.parametrize("eligible_name", [*ELIGIBLE, "verified_only"])
def test_an_issued_certificate_follows_its_own_modes_eligibility(eligible_name):
    eligible = ELIGIBLE.get(eligible_name, frozenset({"verified"}))
    mismatches = []
    for mode, cert_mode, passed, allowlisted, revoke in itertools.product(
        MODES, MODES, (True, False), (True, False), (True, False)
    ):
        learner = LearnerState(mode=mode, enrollment_active=True, percent_grade=0.9 if passed else 0.2, passed=passed)
        policy = CoursePolicy(revoke_on_grade_drop=revoke, eligible_modes=eligible)
        decision = decide(
            learner,
            current_status="downloadable",
            allowlisted=allowlisted,
            invalidated=False,
            policy=policy,
            now=NOW,
            certificate_mode=cert_mode,
        )
        got = outcome_of(decision, "downloadable")
        want = expected_with_certificate_mode(mode, cert_mode, passed, allowlisted, revoke, eligible)
        if got != want:
            mismatches.append((mode, cert_mode, passed, allowlisted, revoke, got, want))
    assert not mismatches, mismatches


@pytest.mark.parametrize("cert_mode", [None, ""])
def test_an_unknown_certificate_mode_keeps_the_old_rule(cert_mode):
    learner = LearnerState(mode="audit", enrollment_active=True, percent_grade=0.9, passed=True)
    decision = decide(
        learner,
        current_status="downloadable",
        allowlisted=False,
        invalidated=False,
        policy=CoursePolicy(),
        now=NOW,
        certificate_mode=cert_mode,
    )
    assert (decision.keep, decision.reason) == (True, "issued_before_mode_change")


def test_a_mode_turned_off_names_the_reason_learners_read():
    learner = LearnerState(mode="audit", enrollment_active=True, percent_grade=0.9, passed=True)
    decision = decide(
        learner,
        current_status="downloadable",
        allowlisted=False,
        invalidated=False,
        policy=CoursePolicy(),
        now=NOW,
        certificate_mode="audit",
    )
    assert (decision.status, decision.reason, decision.keep) == ("audit_passing", "mode_not_eligible", False)
