# Stand-in for edx-platform lms/djangoapps/bulk_email/models.py (openedx/edx-platform).
"""``Optout``: a learner who opted out of a course's emails. Omitted: every other bulk_email model."""

from django.contrib.auth.models import User
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField


class Optout(models.Model):
    """Stores users that have opted out of receiving emails from a course."""

    # Allowing null=True to support data migration from email->user.
    # We need to first create the 'user' column with some sort of default in order to run the data migration,
    # and given the unique index, 'null' is the best default value.
    user = models.ForeignKey(User, db_index=True, null=True, on_delete=models.CASCADE)
    course_id = CourseKeyField(max_length=255, db_index=True)

    class Meta:
        app_label = "bulk_email"
        unique_together = ("user", "course_id")

    def __str__(self):
        return f"{self.user} opted out of {self.course_id}"
