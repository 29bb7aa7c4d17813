"""
The designs' tables: a course's design versions (immutable) and the images uploaded for them.

Loaded by ``apps.CertManagerConfig.import_models`` (as ``credentials.models``); this module imports no other module
of the plugin. ``Certificate.design_version`` and ``CertificateRevision.design_version`` (in ``models``) point here:
NULL is the pre-design rendering (``CertificateTemplate`` or the built-in layout), so nothing issued before changes.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField

__all__ = ["ASSET_KINDS", "DesignAsset", "DesignVersion", "asset_upload_to", "course_folder"]

#: What an uploaded image is for.
ASSET_KINDS = ("logo", "background", "signature")
#: Where uploaded images go inside the default storage.
STORAGE_PREFIX = "cert_manager/designs"


def course_folder(course_key: object) -> str:
    """The folder of a course's images: the first 16 hex digits of the SHA-256 of its key (no course id in URLs)."""
    return hashlib.sha256(str(course_key).encode()).hexdigest()[:16]


def asset_upload_to(instance: DesignAsset, filename: str) -> str:
    """``cert_manager/designs/<course folder>/<random>.<ext>``: unguessable, as a storage URL may be public."""
    ext = "png" if instance.content_type == "image/png" else "jpg"
    return f"{STORAGE_PREFIX}/{course_folder(instance.course_key)}/{uuid.uuid4().hex}.{ext}"


class DesignVersion(models.Model):
    """
    One saved design of a course, numbered 1, 2, … per course; never changed once saved (a change is a new version).

    The newest is the course's current design: certificates the engine writes record it. ``document`` is a
    validated ``designs.document.DesignDocument`` as JSON (plain text and colours, no markup).

    .. no_pii: ``document`` and ``note`` are the course team's design and comment, about no learner;
       ``created_by`` is a user foreign key, kept on retirement as the LMS keeps the user row.
    """

    course_key = CourseKeyField(max_length=255)  # indexed by the unique (course_key, number)
    number = models.PositiveIntegerField()
    document = models.JSONField()
    note = models.CharField(max_length=255, blank=True, default="", help_text="what changed")
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "cert_manager_plugin"
        constraints = [models.UniqueConstraint(fields=["course_key", "number"], name="cm_designversion_course_number")]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"design {self.number} of {self.course_key}"


class DesignAsset(models.Model):
    """
    An image uploaded for a course's designs (logo, background, a signatory's signature): PNG or JPEG, never SVG.

    .. no_pii: an image the course team uploaded for the course; ``created_by`` is a user foreign key, kept on
       retirement as the LMS keeps the user row.
    """

    course_key = CourseKeyField(max_length=255, db_index=True)
    kind = models.CharField(max_length=16, choices=[(k, k) for k in ASSET_KINDS])
    file = models.FileField(upload_to=asset_upload_to, max_length=255)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "cert_manager_plugin"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file.name}"
