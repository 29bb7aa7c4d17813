# Stand-in for openedx/edx-organizations organizations/models.py, with the fields its data layer and serializers use
# (organizations/data.py at 24ab354e1329da07a8de0a71f042b2fcaf521ad0, serializers.py at
# 13ee12b6f2a6feec4fa6a9df294ec91f4422a10a).
"""
``Organization`` (name, short_name, description, ``logo`` ImageField, active) and ``OrganizationCourse``
(organization, course_id as a string, active): the tables ``get_course_organizations`` reads. Omitted: the history
table and the admin.
"""

from django.db import models
from model_utils.models import TimeStampedModel


class Organization(TimeStampedModel):
    """An organization of the platform, with the logo certificates print."""

    name = models.CharField(max_length=255, db_index=True)
    short_name = models.CharField(max_length=255, unique=True, verbose_name="Short Name")
    description = models.TextField(null=True, blank=True)
    logo = models.ImageField(upload_to="organization_logos", null=True, blank=True, max_length=255)
    active = models.BooleanField(default=True)

    class Meta:
        app_label = "organizations"

    def __str__(self):
        return f"{self.name} ({self.short_name})"


class OrganizationCourse(TimeStampedModel):
    """A course of an organization (``course_id`` is the course key as a string)."""

    course_id = models.CharField(max_length=255, db_index=True, verbose_name="Course ID")
    organization = models.ForeignKey(Organization, db_index=True, on_delete=models.CASCADE)
    active = models.BooleanField(default=True)

    class Meta:
        app_label = "organizations"
        unique_together = (("course_id", "organization"),)
