# Host-only storage for a field of edx-platform's course block: ``certificates`` of xmodule/course_block.py at
# openedx/edx-platform 03f00d535e0a5d5c1831c33dfea7441ed0a2d2fd (a ``Dict`` field, "Certificate Configuration").
"""
``CourseBlockFields``: the course block's ``certificates`` field of one course, as Studio's Settings → Certificates
page writes it (cms/djangoapps/contentstore/views/certificate_manager.py at openedx/openedx-platform
5af5f01fa9480258a5001852cd7498fe3e4cd2fb): ``{"certificates": [{"id", "name", "description", "is_active",
"version": 1, "signatories": [{"id", "name", "title", "organization", "signature_image_path"}, ...],
"course_title"?, "editing"}]}``. The host's course (``CourseOverview``, which ``get_course_by_id`` hands out)
reads it through its ``certificates`` property. A course without a row has the overview-derived value.
"""

from django.db import models
from opaque_keys.edx.django.models import CourseKeyField


class CourseBlockFields(models.Model):
    """The course block fields of one course that the host keeps (the modulestore's, in edx-platform)."""

    course_id = CourseKeyField(max_length=255, primary_key=True)
    certificates = models.JSONField(default=dict)

    class Meta:
        app_label = "modulestore"

    def __str__(self):
        return str(self.course_id)


class StoredAsset(models.Model):
    """A course asset (Studio's Files & Uploads) as the content store keeps it (edx-platform: GridFS)."""

    asset_key = models.CharField(max_length=255, primary_key=True)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    data = models.BinaryField()
    locked = models.BooleanField(default=False)

    class Meta:
        app_label = "modulestore"

    def __str__(self):
        return self.asset_key
