"""Lookups both adapters share: users by username or email, one row by a key in any case."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.db.models.functions import Lower

from .base import LOOKUP_CHUNK

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def user_ids_among(rows: object, user_ids: Iterable[int], **filters: object) -> set[int]:
    """Which of ``user_ids`` have a row of ``rows`` (a manager) matching ``filters``: one query per ``LOOKUP_CHUNK``."""
    ids, found = list(user_ids), set()
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        found.update(rows.filter(**filters, user_id__in=chunk).values_list("user_id", flat=True))
    return found


def one_in_any_case(queryset: QuerySet, field: str, key: object) -> Model | None:
    """The one row whose ``field`` equals ``key`` in any case (None when none, or when two differ only in case)."""
    rows = list(queryset.annotate(_key_lower=Lower(field)).filter(_key_lower=str(key).lower())[:2])
    return rows[0] if len(rows) == 1 else None


def users_by_identifier(identifiers: Iterable[str]) -> dict[str, object]:
    """
    Map each identifier that exists to its user, a constant number of queries per chunk of 900.

    Emails match in any case (the lowest id wins if two accounts share one); usernames match exactly,
    else in any case when that is unambiguous: the same rules as ``user_by_identifier``.
    """
    idents = list(dict.fromkeys(i.strip() for i in identifiers if i and i.strip()))
    names = [i for i in idents if "@" not in i]
    emails = list(dict.fromkeys(i.lower() for i in idents if "@" in i))
    # lowest pk written last, so it wins; only the columns bulk callers read (pk, username, email)
    users = get_user_model().objects.only("pk", "username", "email").order_by("-pk")
    by_name: dict[str, object] = {}
    by_email: dict[str, object] = {}
    for start in range(0, len(names), LOOKUP_CHUNK):
        for user in users.filter(username__in=names[start : start + LOOKUP_CHUNK]):
            by_name[user.username] = user
    missing = list(dict.fromkeys(n.lower() for n in names if n not in by_name))
    folded: dict[str, list] = {}
    for start in range(0, len(missing), LOOKUP_CHUNK):
        chunk = missing[start : start + LOOKUP_CHUNK]
        for user in users.annotate(username_lower=Lower("username")).filter(username_lower__in=chunk):
            folded.setdefault(user.username.lower(), []).append(user)
    for start in range(0, len(emails), LOOKUP_CHUNK):
        chunk = emails[start : start + LOOKUP_CHUNK]
        for user in users.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk):
            by_email[user.email.lower()] = user
    found: dict[str, object] = {}
    for ident in idents:
        if "@" in ident:
            user = by_email.get(ident.lower())
        else:
            candidates = folded.get(ident.lower(), [])
            user = by_name.get(ident) or (candidates[0] if len(candidates) == 1 else None)
        if user is not None:
            found[ident] = user
    return found


def user_by_identifier(identifier: str) -> AbstractBaseUser | None:
    """
    A user by username or email, or None.

    Emails match in any case (the lowest id if two accounts share one). A username matches exactly,
    else in any case when exactly one account has it that way (Django usernames are case-sensitive).
    """
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    users = get_user_model().objects.order_by("pk")
    # Lower() rather than __iexact: MySQL's iexact is LIKE, case-sensitive under a binary collation.
    if "@" in identifier:
        return users.annotate(email_lower=Lower("email")).filter(email_lower=identifier.lower()).first()
    exact = users.filter(username=identifier).first()
    if exact is not None:
        return exact
    folded = users.annotate(username_lower=Lower("username")).filter(username_lower=identifier.lower())
    candidates = list(folded[:2])
    return candidates[0] if len(candidates) == 1 else None
