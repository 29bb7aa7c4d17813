"""Bulk set-up shared by the benchmark measures: learners and issued certificates, no events, no engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.contrib.auth import get_user_model
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

BATCH = 2000


def users(n: int, prefix: str) -> list[int]:
    """Create ``prefix0`` … ``prefix{n-1}`` (emails ``<username>@example.com``); their ids in creation order."""
    User = get_user_model()
    User.objects.bulk_create(
        [
            User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.com", first_name="L", last_name=str(i))
            for i in range(n)
        ],
        batch_size=BATCH,
    )
    return list(User.objects.filter(username__startswith=prefix).order_by("pk").values_list("pk", flat=True))


def issued_certificates(
    course_key: CourseKey,
    user_ids: Sequence[int],
    *,
    grade: Callable[[int], float] = lambda i: 0.9,
    name: Callable[[int], str] = lambda i: f"Learner {i}",
) -> None:
    """A downloadable certificate for each learner (``grade(i)`` and ``name(i)`` by position)."""
    from cert_manager_plugin.models import Certificate

    now = timezone.now()
    Certificate.objects.bulk_create(
        [
            Certificate(
                user_id=u,
                course_key=course_key,
                status="downloadable",
                mode="verified",
                grade=grade(i),
                name=name(i),
                source="job",
                created=now,
                modified=now,
                issued_date=now,
            )
            for i, u in enumerate(user_ids)
        ],
        batch_size=BATCH,
    )


def passing_records(course_key: CourseKey, user_ids: Sequence[int], *, grade: float = 0.9) -> None:
    """An active verified enrollment record for each learner, passed at ``grade`` (what the engine reads)."""
    from cert_manager_plugin.models import LearnerRecord

    now = timezone.now()
    LearnerRecord.objects.bulk_create(
        [
            LearnerRecord(
                user_id=u,
                course_key=course_key,
                mode="verified",
                is_active=True,
                percent_grade=grade,
                passed=True,
                enrollment_at=now,
                grade_at=now,
                passed_at=now,
            )
            for u in user_ids
        ],
        batch_size=BATCH,
    )
