"""Plain words for every code, in one place (``cert_manager_plugin.labels``), used by every page and email."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from cert_manager_plugin import labels
from cert_manager_plugin.data import (
    ALL_MODES,
    CertificateStatus,
    ExceptionScope,
    IssuePolicy,
    JobKind,
    JobState,
    LearnerGroup,
    Source,
)
from cert_manager_plugin.rendering import templates


@pytest.mark.parametrize(
    ("enum", "mapping"),
    [
        (CertificateStatus, labels.STATUS_LABELS),
        (LearnerGroup, labels.GROUP_LABELS),
        (LearnerGroup, labels.GROUP_HELP),
        (JobKind, labels.JOB_KIND_LABELS),
        (JobState, labels.JOB_STATE_LABELS),
        (ExceptionScope, labels.SCOPE_LABELS),
        (Source, labels.SOURCE_LABELS),
        (IssuePolicy, labels.ISSUE_POLICY_LABELS),
        (IssuePolicy, labels.ISSUE_POLICY_HELP),
    ],
)
def test_every_code_has_plain_words(enum, mapping):
    with translation.override("en"):
        for member in enum:
            assert member in mapping, f"{enum.__name__}.{member.name} has no words in labels"
            words = str(mapping[member])
            assert words and words != member.value, (member, words)
            assert "_" not in words, f"a code on screen: {words!r}"


def test_every_mode_has_plain_words():
    with translation.override("en"):
        assert set(labels.MODE_LABELS) == set(ALL_MODES)
        assert labels.label(labels.MODE_LABELS, "no-id-professional") == "Professional (no ID check)"


def test_label_falls_back_to_the_code_never_to_nothing():
    assert labels.label(labels.STATUS_LABELS, "some_future_status") == "some_future_status"
    assert labels.label(labels.STATUS_LABELS, None) == ""


def test_the_rendering_status_words_are_the_labels():
    """Pages, emails and the PDF read the same words (templates.STATUS_LABELS is labels.STATUS_LABELS)."""
    assert templates.STATUS_LABELS is labels.STATUS_LABELS


def test_public_status_never_says_why_a_certificate_was_not_earned():
    with translation.override("en"):
        assert labels.public_status_label("downloadable", was_issued=True) == "Valid"
        assert labels.public_status_label("unavailable", was_issued=False) == "No longer valid"
        assert labels.public_status_label("notpassing", was_issued=True) == "No longer valid"
        assert labels.public_status_label("deleted", was_issued=True) == "No longer valid"
        for status in ("notpassing", "audit_passing", "audit_notpassing", "error", "generating", "deleted"):
            assert labels.public_status_label(status, was_issued=False) == "Not issued"


def test_panel_labels_are_plain_json_in_the_active_language():
    with translation.override("en"):
        words = labels.panel_labels()
    assert json.loads(json.dumps(words)) == words
    assert words["kinds"]["generate_all"] == "Generate all certificates"
    assert words["states"]["queued"] == "Waiting to start"
    assert words["groups"]["not_received"] == "Not received (not passing)"
    assert words["modes"]["audit"] == "Audit"


@pytest.mark.parametrize(
    ("kind", "params", "words"),
    [
        ("delete", {"scope": "all"}, "Delete all certificates of the course"),
        ("delete", {"scope": "one", "user_id": 7}, "Delete the certificate of one learner"),
        ("generate_all", {}, "Generate all certificates"),
        ("regenerate", {"statuses": ["notpassing"]}, "Regenerate learner groups: Not received (not passing)"),
        (
            "generate_exceptions",
            {"scope": "new"},
            "Generate exception certificates: Only learners on the exception list without a valid certificate",
        ),
        ("export", {"options": {"format": "pdf"}}, "Export to PDF"),
    ],
)
def test_job_title_is_words_with_the_scope_never_a_code(kind, params, words):
    with translation.override("en"):
        title = labels.job_title(kind, params)
    assert title == words
    assert "Other (" not in title and "Everyone on the exception list" not in title
