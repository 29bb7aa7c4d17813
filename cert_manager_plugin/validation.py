"""
The rules for text clients send (a learner's username or email, staff notes), in one place.

The services use them whatever the door (the JSON endpoints, a CSV row, a management command). Serializers only
parse.
"""

from __future__ import annotations

import unicodedata

from . import errors
from .data import IDENTIFIER_MAX_LENGTH, NOTES_MAX_LENGTH

#: Control characters a note may keep (a pasted paragraph); everything else in Unicode category Cc is refused.
NOTE_WHITESPACE = frozenset("\t\n\r")


def text_problem(value: object, *, max_length: int, allowed_controls: frozenset[str] = frozenset()) -> str | None:
    """Why ``value`` is refused as client text (None when it is fine): not text, too long, NUL or control chars."""
    if not isinstance(value, str):
        return "must be text."
    if len(value) > max_length:
        return f"must be at most {max_length} characters."
    for char in value:
        if char in allowed_controls:
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            return f"must not contain control characters (U+{ord(char):04X})."
        if category == "Cs":
            return "must not contain unpaired surrogates."
    return None


def clean_identifier(value: object, *, field: str = "user") -> str:
    """A username or email as a client typed it: stripped; ``InvalidInput`` when empty or not clean text."""
    problem = text_problem(value, max_length=IDENTIFIER_MAX_LENGTH)
    if problem:
        raise errors.InvalidInput(f"{field} {problem}", field=field)
    value = value.strip()
    if not value:
        raise errors.InvalidInput(f"{field} must not be blank.", field=field)
    return value


def clean_notes(value: object, *, field: str = "notes") -> str:
    """Staff notes: any text up to ``NOTES_MAX_LENGTH`` with tabs and line breaks; ``InvalidInput`` otherwise."""
    if value is None:
        return ""
    problem = text_problem(value, max_length=NOTES_MAX_LENGTH, allowed_controls=NOTE_WHITESPACE)
    if problem:
        raise errors.InvalidInput(f"{field} {problem}", field=field)
    return value


def row_problems(identifier: object, notes: object) -> str | None:
    """What is wrong with a CSV row's cells, in the words the JSON endpoint uses (None when nothing)."""
    problems = []
    for field, clean in (("username_or_email", clean_identifier), ("notes", clean_notes)):
        try:
            clean(identifier if field == "username_or_email" else notes, field=field)
        except errors.InvalidInput as exc:
            problems.append(exc.message.rstrip("."))
    return "; ".join(problems) + "." if problems else None
