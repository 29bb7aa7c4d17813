# Stand-in for edx-platform openedx/core/djangoapps/content/course_overviews/models.py at commit
# 22eb254bbc0a8d51b5c02079b4140df14d78242b (openedx/openedx-platform).
"""
``CourseOverview``: the LMS's cached course metadata (table ``course_overviews_courseoverview``).

Reproduced with edx-platform's field names and types: ``id`` (CourseKeyField primary key), ``version``, ``org``,
``display_name`` (nullable), ``display_number_with_default``, ``display_org_with_default``, ``start``, ``end``,
``certificates_display_behavior``, ``certificates_show_before_end``, ``cert_html_view_enabled``,
``has_any_active_web_certificate``, ``cert_name_short``, ``cert_name_long``, ``certificate_available_date``,
``lowest_passing_grade``, ``enrollment_start``, ``enrollment_end``, ``self_paced``, ``enable_proctored_exams``,
``language``, created/modified (TimeStampedModel) and ``history``; ``get_from_id(course_id)`` (raises
``CourseOverview.DoesNotExist``), ``display_name_with_default``, ``has_started()``, ``has_ended()``, ``pacing``.
Fields without a default in edx-platform (version, display_number_with_default, display_org_with_default,
cert names) get defaults here so tests can create rows directly.

Host-only: ``certificates``, a read-only property standing for the course block's ``certificates`` field (the
host's ``get_course_by_id`` hands out the overview, and ``get_active_web_certificate`` reads that field from the
course): the course's ``xmodule.modulestore`` row when it has one, else one active configuration when
``has_any_active_web_certificate`` is true, else nothing.

Omitted: building overviews from the modulestore (``load_from_module_store``: an unknown course simply does not
exist here), ``_location``, images, tabs, and the catalog/proctoring/entrance-exam fields.
"""

from django.db import models
from django.utils import timezone
from model_utils.models import TimeStampedModel
from opaque_keys.edx.django.models import CourseKeyField
from simple_history.models import HistoricalRecords


class CourseOverview(TimeStampedModel):
    """Model for storing and caching basic information about a course."""

    class Meta:
        app_label = "course_overviews"

    # IMPORTANT: Bump this whenever you modify this model and/or add a migration.
    VERSION = 19

    # Cache entry versioning.
    version = models.IntegerField(default=VERSION)

    # Course identification
    id = CourseKeyField(db_index=True, primary_key=True, max_length=255)
    org = models.TextField(max_length=255, default="outdated_entry")
    display_name = models.TextField(null=True)
    display_number_with_default = models.TextField(default="")
    display_org_with_default = models.TextField(default="")

    start = models.DateTimeField(null=True)
    end = models.DateTimeField(null=True)

    # Certification data
    certificates_display_behavior = models.TextField(null=True)
    certificates_show_before_end = models.BooleanField(default=False)
    cert_html_view_enabled = models.BooleanField(default=False)
    has_any_active_web_certificate = models.BooleanField(default=False)
    cert_name_short = models.TextField(default="")
    cert_name_long = models.TextField(default="")
    certificate_available_date = models.DateTimeField(default=None, null=True)

    # Grading
    lowest_passing_grade = models.DecimalField(max_digits=5, decimal_places=2, null=True)

    # Enrollment details
    enrollment_start = models.DateTimeField(null=True)
    enrollment_end = models.DateTimeField(null=True)

    self_paced = models.BooleanField(default=False)

    # Proctoring
    enable_proctored_exams = models.BooleanField(default=False)

    language = models.TextField(null=True)

    history = HistoricalRecords()

    def __str__(self):
        """Represent ourselves with the course key."""
        return str(self.id)

    @classmethod
    def get_from_id(cls, course_id):
        """
        The CourseOverview of ``course_id``; raises ``CourseOverview.DoesNotExist`` if there is none
        (edx-platform first tries to build one from the modulestore).
        """
        return cls.objects.get(id=course_id)

    @property
    def display_name_with_default(self):
        """The display name, or the course number (edx-platform: ``course_metadata_utils``)."""
        return self.display_name or self.id.course.replace("_", " ")

    @property
    def display_name_with_default_escaped(self):
        return self.display_name_with_default

    def has_started(self):
        """Whether the course has started (a course without a start date has)."""
        return self.start is None or timezone.now() > self.start

    def has_ended(self):
        """Whether the course has ended (a course without an end date never ends)."""
        return self.end is not None and timezone.now() > self.end

    @property
    def pacing(self):
        """'self' or 'instructor'."""
        return "self" if self.self_paced else "instructor"

    @property
    def certificates(self):
        """
        Host-only: the course block's ``certificates`` field, derived from ``has_any_active_web_certificate``.

        edx-platform: a Dict field of ``CourseBlock`` (xmodule/course_block.py at openedx/edx-platform
        03f00d535e0a5d5c1831c33dfea7441ed0a2d2fd, "Certificate Configuration"), written by Studio's Settings →
        Certificates page: ``{"certificates": [...]}``, each configuration as ``CertificateManager.parse`` /
        ``assign_id`` store it (cms/djangoapps/contentstore/views/certificate_manager.py at openedx/openedx-platform
        5af5f01fa9480258a5001852cd7498fe3e4cd2fb: ``id`` from 100, ``name``, ``description``, ``is_active``,
        ``version`` 1, ``signatories``, ``editing``; ``course_title`` optional). ``CourseOverview._create_or_update``
        (this file's commit) stores ``has_any_active_web_certificate = (get_active_web_certificate(course) is not
        None)``. The host keeps the field in ``xmodule.modulestore.models.CourseBlockFields`` (what Studio saved:
        signatories, title override, active or not); a course without such a row goes the other way: one active
        configuration (no signatories) when ``has_any_active_web_certificate`` is true, else ``{}``.
        """
        from xmodule.modulestore.models import CourseBlockFields

        stored = CourseBlockFields.objects.filter(course_id=self.id).values_list("certificates", flat=True).first()
        if stored is not None:
            return stored
        if not self.has_any_active_web_certificate:
            return {}
        configuration = {
            "id": 100,
            "name": "Certificate",
            "description": "",
            "is_active": True,
            "version": 1,
            "signatories": [],
            "editing": False,
        }
        return {"certificates": [configuration]}

    @property
    def location(self):
        """edx-platform's ``location`` is the course's usage key; its ``course_key`` is what the LMS reads."""
        return self.id.make_usage_key("course", "course")
