"""
factory-boy factories for the plugin's models and Django users.

The same tests run in two hosts: the demo host (the standalone adapter reads the plugin's own course, role
and record tables) and the LMS-shaped host in ``lms_host/`` (the edx-platform adapter reads edx-platform's
tables). Where a factory makes a course, a course role or an enrolled learner, it also writes the row the
LMS would hold (``CourseOverview``, ``CourseAccessRole``, ``CourseEnrollment``) when the plugin runs inside
the LMS, so a test means the same thing in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from cert_manager_plugin import lms, models
from cert_manager_plugin.data import CertificateStatus, Source

COURSE_ID = "course-v1:TestX+CM101+2026"
COURSE_KEY = CourseKey.from_string(COURSE_ID)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("password")


def lms_course(course) -> None:
    """Inside the LMS: the CourseOverview of a course the test made."""
    if not lms.inside_lms():
        return
    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    CourseOverview.objects.update_or_create(
        id=CourseKey.from_string(str(course.course_key)),
        defaults={"display_name": course.display_name, "org": course.org, "start": course.start, "end": course.end},
    )


def lms_role(user, course_key, role: str) -> None:
    """Inside the LMS: the course team role (CourseAccessRole) the LMS's roles read."""
    if not lms.inside_lms():
        return
    from common.djangoapps.student.models import CourseAccessRole

    course_key = CourseKey.from_string(str(course_key))  # a test may name the course by its id
    CourseAccessRole.objects.get_or_create(user=user, org=course_key.org, course_id=course_key, role=role)


def lms_enrollment(user_id: int, course_key, mode: str, is_active: bool) -> None:
    """Inside the LMS: the learner's CourseEnrollment, as the LMS holds it beside the events it sent."""
    if not lms.inside_lms():
        return
    from common.djangoapps.student.models import CourseEnrollment

    CourseEnrollment.objects.update_or_create(
        user_id=user_id, course_id=course_key, defaults={"mode": mode, "is_active": is_active}
    )


def standalone_host_installed() -> bool:
    """Whether the host installs the standalone app (the demo host does; the LMS-shaped one does not)."""
    return lms.standalone.standalone_tables_installed()


@dataclass
class LmsCourse:
    """Inside the LMS (no standalone tables): a test's course, kept as the LMS's CourseOverview."""

    course_key: CourseKey
    display_name: str = ""
    org: str = ""
    start: datetime | None = None
    end: datetime | None = None

    def save(self) -> None:
        lms_course(self)


@dataclass
class LmsCourseRole:
    """Inside the LMS (no standalone tables): a test's course role, kept as the LMS's CourseAccessRole."""

    user: object
    course_key: CourseKey
    role: str

    def save(self) -> None:
        lms_role(self.user, self.course_key, self.role)


class HostOptions(factory.django.DjangoOptions):
    """``Meta.lms_model``: the class made instead of ``Meta.model`` where the host lacks the standalone app."""

    def _build_default_options(self) -> list:
        return [*super()._build_default_options(), factory.base.OptionDefault("lms_model", None, inherit=True)]

    def get_model_class(self):
        if self.lms_model is not None and not standalone_host_installed():
            return self.lms_model
        return super().get_model_class()


class HostModelFactory(factory.django.DjangoModelFactory):
    """The standalone app's model where the host installs it, else ``Meta.lms_model`` (the LMS's rows stand in)."""

    _options_class = HostOptions

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if model_class is cls._meta.lms_model:
            return model_class(*args, **kwargs)  # its post-generation hook writes the LMS's row
        return super()._create(model_class, *args, **kwargs)


class StandaloneCourseFactory(HostModelFactory):
    class Meta:
        model = "cert_manager_standalone.StandaloneCourse"
        lms_model = LmsCourse
        skip_postgeneration_save = True  # the hook below writes the LMS's row, not this one
        django_get_or_create = ("course_key",)

    course_key = COURSE_KEY
    display_name = "Certificates 101"
    org = "TestX"

    @factory.post_generation
    def lms(self, create, extracted, **kwargs):
        if create:
            lms_course(self)


class CourseRoleFactory(HostModelFactory):
    class Meta:
        model = "cert_manager_standalone.StandaloneCourseRole"
        lms_model = LmsCourseRole
        skip_postgeneration_save = True  # the hook below writes the LMS's row, not this one

    user = factory.SubFactory(UserFactory)
    course_key = COURSE_KEY
    role = "instructor"

    @factory.post_generation
    def lms(self, create, extracted, **kwargs):
        if create:
            lms_role(self.user, self.course_key, self.role)


class LearnerRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LearnerRecord
        skip_postgeneration_save = True  # the hook below writes the LMS's row, not this one

    user = factory.SubFactory(UserFactory)
    course_key = COURSE_KEY
    mode = "verified"
    is_active = True
    percent_grade = 0.9
    passed = True
    enrollment_at = factory.LazyFunction(timezone.now)
    grade_at = factory.LazyFunction(timezone.now)
    passed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def lms(self, create, extracted, **kwargs):
        if create:
            lms_enrollment(self.user_id, self.course_key, self.mode, self.is_active)


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Certificate

    user = factory.SubFactory(UserFactory)
    course_key = COURSE_KEY
    status = CertificateStatus.DOWNLOADABLE
    mode = "verified"
    grade = 0.9
    name = factory.LazyAttribute(lambda c: f"{c.user.first_name} {c.user.last_name}".strip() or c.user.username)
    source = Source.JOB
    created = factory.LazyFunction(timezone.now)
    modified = factory.LazyFunction(timezone.now)
    issued_date = factory.LazyFunction(timezone.now)


class CertificateExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CertificateException

    user = factory.SubFactory(UserFactory)
    course_key = COURSE_KEY
    notes = "approved by the course team"


class CertificateInvalidationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CertificateInvalidation

    certificate = factory.SubFactory(CertificateFactory)
    notes = "academic misconduct"
    active = True


class GenerationJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.GenerationJob

    course_key = COURSE_KEY
    kind = "generate_all"
    state = "succeeded"
