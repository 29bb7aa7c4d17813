"""factory-boy factories for the plugin's models and Django users."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from cert_manager_plugin import models
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


class StandaloneCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StandaloneCourse
        django_get_or_create = ("course_key",)

    course_key = COURSE_KEY
    display_name = "Certificates 101"
    org = "TestX"


class CourseRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StandaloneCourseRole

    user = factory.SubFactory(UserFactory)
    course_key = COURSE_KEY
    role = "instructor"


class LearnerRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LearnerRecord

    user = factory.SubFactory(UserFactory)
    course_key = COURSE_KEY
    mode = "verified"
    is_active = True
    percent_grade = 0.9
    passed = True
    enrollment_at = factory.LazyFunction(timezone.now)
    grade_at = factory.LazyFunction(timezone.now)
    passed_at = factory.LazyFunction(timezone.now)


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
