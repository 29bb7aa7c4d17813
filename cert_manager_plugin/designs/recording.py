"""
Certificates the engine writes record the course's current design version (one statement per batch).

``on_certificates_written`` is connected in ``apps.ready`` to ``engine.certificates_written`` for the engine's own
batches (sender ``engine.CertChange``): inside the batch's transaction, after its writes, one UPDATE sets every
written certificate's ``design_version`` to the course's newest version. A course without a design matches no row
(``EXISTS``), so the statement writes nothing there. The superseded state's revision already holds the version it
rendered with (``certificate_rows.REVISION_COPIED`` copies it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, Subquery
from opaque_keys.edx.keys import CourseKey

from ..models import Certificate
from ..sql import ids_in
from .models import DesignVersion

__all__ = ["on_certificates_written", "record_current_version"]


def record_current_version(course_key: CourseKey, user_ids: Sequence[int]) -> int:
    """Set the certificates of ``user_ids`` in the course to its current design version (one UPDATE); how many."""
    if not user_ids:
        return 0
    versions = DesignVersion.objects.filter(course_key=course_key)
    newest = versions.order_by("-number").values("pk")[:1]
    certificates = ids_in(Certificate.objects.filter(course_key=course_key), Certificate, "user_id", list(user_ids))
    return certificates.filter(Exists(versions)).update(design_version_id=Subquery(newest))


def on_certificates_written(sender: object, course_key: CourseKey, changes: Sequence[Any], **kwargs: Any) -> None:
    """The engine's ``certificates_written`` receiver: the batch's certificates record the current version."""
    record_current_version(course_key, [change.user_id for change in changes])
