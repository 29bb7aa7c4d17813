"""
Who may do what in a course's certificate management, and course/learner facts the views show (LMS adapter).

No account or course oracle: outside their own courses, course staff and learners must not learn whether a
course or an account exists. ``learners_among`` / ``course_learner`` tell who is a learner *of a course*
(what its team may know), so a lookup can answer "no such learner in this course" alike for an unknown
account and for an account that is not in the course; ``is_global_staff`` tells who may see the real reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey

from . import lms
from .data import CourseRole

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

MANAGE, READ = "manage", "read"


def course_info(course_key: CourseKey) -> lms.CourseInfo | None:
    """The course overview from the LMS adapter (None when the course does not exist)."""
    return lms.backend().course_overview(course_key)


def course_access(user: AbstractBaseUser | AnonymousUser | None, course_key: CourseKey) -> str | None:
    """
    What ``user`` may do in the course's certificate management.

    ``"manage"`` (global staff, course instructors), ``"read"`` (course staff) or None.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    backend = lms.backend()
    if backend.is_global_staff(user):
        return MANAGE
    roles = backend.course_roles(user, course_key)
    if CourseRole.INSTRUCTOR in roles:
        return MANAGE
    if CourseRole.STAFF in roles:
        return READ
    return None


def display_names(user_ids: Iterable[int]) -> dict[int, str]:
    """Learners' full names (one query for the whole set)."""
    return lms.backend().display_names(user_ids)


class LearnerName(NamedTuple):
    """How the course team reads a learner: the username and the name (the username when there is none)."""

    username: str
    name: str


def learner_names(user_ids: Iterable[int]) -> dict[int, LearnerName]:
    """
    Username and name of each account in ``user_ids``, read now (the generation history names learners so).

    Read when shown, never copied into a job: a retired account shows what the LMS left of it. No query for no
    id; otherwise the usernames (one query) and the names (the LMS adapter's, one query for the set).
    """
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        return {}
    usernames = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
    names = display_names(list(usernames))
    return {pk: LearnerName(username, names.get(pk) or username) for pk, username in usernames.items()}


def is_global_staff(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Global staff (the LMS's ``GlobalStaff`` or ``is_staff``): they may see why a course or account is missing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return lms.backend().is_global_staff(user)


def learners_among(course_key: CourseKey, user_ids: Iterable[int]) -> set[int]:
    """
    Which of ``user_ids`` are learners of the course, as its team sees them.

    A learner is actively enrolled (the LMS), or has a learner record (enrolled once, unenrolled since), a
    certificate or an exception-list entry in it. A constant number of queries per chunk of ids.
    """
    from .models import Certificate, CertificateException, LearnerRecord

    ids = {int(i) for i in user_ids}
    found = set(lms.backend().enrolled_among(course_key, ids)) if ids else set()
    for model in (LearnerRecord, Certificate, CertificateException):
        rest = sorted(ids - found)
        for start in range(0, len(rest), lms.LOOKUP_CHUNK):
            chunk = rest[start : start + lms.LOOKUP_CHUNK]
            found.update(
                model.objects.filter(course_key=course_key, user_id__in=chunk).values_list("user_id", flat=True)
            )
    return found


def course_learner(course_key: CourseKey, identifier: str) -> AbstractBaseUser | None:
    """
    The user that ``identifier`` (username or email) names, when a learner of the course; else None.

    None whether no account has that name or the account is not in the course (``learners_among``).
    """
    identifier = (identifier or "").strip()
    if not identifier or "\x00" in identifier:  # a NUL never names anyone (and PostgreSQL refuses it)
        return None
    user = lms.backend().find_user(identifier)
    if user is None or user.pk not in learners_among(course_key, [user.pk]):
        return None
    return user
