"""The vocabulary: contract names from design.md section 2."""

from __future__ import annotations

import pytest

from cert_manager_plugin import data


def test_statuses_are_the_open_edx_names():
    assert [s.value for s in data.CertificateStatus] == [
        "downloadable",
        "notpassing",
        "audit_passing",
        "audit_notpassing",
        "error",
        "unavailable",
        "generating",
        "deleted",
    ]
    assert ("downloadable", "downloadable") in data.CertificateStatus.choices()


def test_modes_and_default_eligibility():
    assert len(data.ALL_MODES) == 9 and len(set(data.ALL_MODES)) == 9
    assert "audit" in data.ALL_MODES and "audit" not in data.DEFAULT_ELIGIBLE_MODES
    assert set(data.ALL_MODES) - set(data.DEFAULT_ELIGIBLE_MODES) == {"audit"}


def test_regeneration_groups_map_to_statuses():
    assert {g.value: s.value for g, s in data.GROUP_STATUS.items()} == {
        "received": "downloadable",
        "not_received": "notpassing",
        "audit_passing": "audit_passing",
        "audit_notpassing": "audit_notpassing",
        "error": "error",
    }
    assert set(data.GROUP_STATUS) == set(data.LearnerGroup)


def test_job_states_and_policies():
    assert data.ACTIVE_JOB_STATES == {"queued", "running"}
    assert {p.value for p in data.IssuePolicy} == {"on_pass", "after_course_end"}
    assert {k.value for k in data.JobKind} >= {"generate_all", "regenerate", "generate_exceptions", "export"}
    assert {s.value for s in data.ExceptionScope} == {"new", "all"}


def test_sources_fit_their_column():
    from cert_manager_plugin.models import Certificate

    width = Certificate._meta.get_field("source").max_length
    assert all(len(s.value) <= width for s in data.Source)
    assert all(len(s.value) <= Certificate._meta.get_field("status").max_length for s in data.CertificateStatus)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, "downloadable", "issued"),
        ("notpassing", "downloadable", "issued"),
        ("deleted", "downloadable", "issued"),
        ("downloadable", "downloadable", "updated"),
        ("downloadable", "notpassing", "revoked"),
        ("downloadable", "unavailable", "revoked"),
        ("downloadable", "deleted", "withdrawn"),
        ("notpassing", "deleted", "other"),
        (None, "notpassing", "other"),
        ("audit_passing", "audit_notpassing", "other"),
    ],
)
def test_each_status_change_is_one_transition(before, after, expected):
    assert data.transition(before, after) == expected


def test_the_transition_table_names_real_signals_and_mails():
    from openedx_events.learning import signals

    assert set(data.TRANSITIONS) == set(data.Transition)
    for rule in data.TRANSITIONS.values():
        assert getattr(signals, rule.event).event_type.startswith("org.openedx.learning.certificate.")
    assert {rule.mail for rule in data.TRANSITIONS.values()} == {"issued", "updated", "revoked", None}


def test_passing_statuses_are_the_open_edx_passed_statuses():
    assert data.PASSING_STATUSES == {"downloadable", "generating"}  # CertificateStatuses.PASSED_STATUSES
    assert data.is_passing(data.CertificateStatus.DOWNLOADABLE) and data.is_passing("generating")
    assert not any(data.is_passing(s) for s in ("notpassing", "unavailable", "audit_passing", "deleted", "", None))
