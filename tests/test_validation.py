"""The services' one rule for text clients send (usernames, emails, staff notes)."""

import pytest

from cert_manager_plugin import errors, validation


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  frodo ", "frodo"),
        ("frodo@example.com", "frodo@example.com"),
        ("\uff26\uff52\uff4f\uff44\uff4f", "\uff26\uff52\uff4f\uff44\uff4f"),  # full-width letters
        ("u" * 254, "u" * 254),
    ],
)
def test_an_identifier_is_kept_stripped(value, expected):
    assert validation.clean_identifier(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "user must not be blank."),
        ("   ", "user must not be blank."),
        ("u" * 255, "user must be at most 254 characters."),
        ("fro\x00do", "user must not contain control characters (U+0000)."),
        ("fro\tdo", "user must not contain control characters (U+0009)."),
        ("fro\x85do", "user must not contain control characters (U+0085)."),
        ("fro\ud800do", "user must not contain unpaired surrogates."),
        (42, "user must be text."),
        (None, "user must be text."),
    ],
)
def test_a_bad_identifier_is_refused_with_the_field_named(value, message):
    with pytest.raises(errors.InvalidInput) as caught:
        validation.clean_identifier(value)
    assert caught.value.message == message
    assert caught.value.details == {"field": "user"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("line one\r\nline two\tcolumn", "line one\r\nline two\tcolumn"),
        ("right-to-left \u202e mark", "right-to-left \u202e mark"),  # format characters are text; renderers strip them
        ("n" * 10_000, "n" * 10_000),
    ],
)
def test_notes_keep_tabs_and_line_breaks(value, expected):
    assert validation.clean_notes(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("n" * 10_001, "notes must be at most 10000 characters."),
        ("bell\x07", "notes must not contain control characters (U+0007)."),
        ("del\x7f", "notes must not contain control characters (U+007F)."),
        (["a list"], "notes must be text."),
    ],
)
def test_bad_notes_are_refused(value, message):
    with pytest.raises(errors.InvalidInput) as caught:
        validation.clean_notes(value)
    assert caught.value.message == message


def test_a_row_reports_every_bad_cell_in_the_csv_column_names():
    assert validation.row_problems("frodo", "fine") is None
    assert validation.row_problems("fro\x00do", "bell\x07") == (
        "username_or_email must not contain control characters (U+0000); "
        "notes must not contain control characters (U+0007)."
    )
