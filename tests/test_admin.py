"""Django admin: every model is browsable and searchable; derived data is read-only; roles are editable."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from cert_manager_plugin import models
from cert_manager_plugin.standalone_host.models import StandaloneCourse, StandaloneCourseRole
from tests.factories import COURSE_ID, COURSE_KEY, GenerationJobFactory, UserFactory
from tests.rest_api_support import world  # noqa: F401

pytestmark = pytest.mark.django_db

READ_ONLY = [
    models.LearnerRecord,
    models.Certificate,
    models.CertificateRevision,
    models.CertificateException,
    models.CertificateInvalidation,
    models.GenerationJob,
]
EDITABLE = [
    models.CourseCertificateSettings,
    models.CertificateTemplate,
    StandaloneCourse,
    StandaloneCourseRole,
]


@pytest.fixture
def superuser_client(client, world):  # noqa: F811
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_is_registered():
    registered = set(admin.site._registry)
    assert set(READ_ONLY + EDITABLE) <= registered


@pytest.mark.parametrize("model", READ_ONLY + EDITABLE, ids=lambda m: m.__name__)
def test_changelist_and_search_load(superuser_client, model):
    GenerationJobFactory()
    assert superuser_client.get(url(model, "changelist")).status_code == 200
    assert superuser_client.get(url(model, "changelist") + "?q=bilbo").status_code == 200


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_derived_data_cannot_be_added_changed_or_deleted(superuser_client, world, model):  # noqa: F811
    GenerationJobFactory()
    now = timezone.now()
    models.CertificateRevision.objects.create(
        certificate=world.certificate,
        revision=1,
        status="notpassing",
        source="job",
        valid_from=now,
        superseded_at=now,
        superseded_by_source="job",
    )
    obj = model.objects.first()
    assert superuser_client.get(url(model, "add")).status_code == 403
    assert superuser_client.get(url(model, "change", obj.pk)).status_code == 200  # viewable
    superuser_client.post(url(model, "change", obj.pk), {})
    assert superuser_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_certificate_page_shows_its_revisions(superuser_client, world):  # noqa: F811
    response = superuser_client.get(url(models.Certificate, "change", world.certificate.pk))
    assert response.status_code == 200
    assert b"revision" in response.content.lower()


def test_grant_a_course_role_in_the_admin(superuser_client, world):  # noqa: F811
    response = superuser_client.post(
        url(StandaloneCourseRole, "add"),
        {"user": world.other_learner.pk, "course_key": COURSE_ID, "role": "staff"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert StandaloneCourseRole.objects.filter(user=world.other_learner, course_key=COURSE_KEY, role="staff").exists()


def test_changelists_do_not_query_per_row(superuser_client, world, django_assert_max_num_queries):  # noqa: F811
    for n in range(30):
        StandaloneCourseRole.objects.create(user=UserFactory(username=f"ta{n}"), course_key=COURSE_KEY, role="staff")
    with django_assert_max_num_queries(15):
        assert superuser_client.get(url(StandaloneCourseRole, "changelist")).status_code == 200


def test_design_versions_and_images_are_browsable_and_read_only(superuser_client):
    from cert_manager_plugin.designs.models import DesignAsset, DesignVersion

    version = DesignVersion.objects.create(course_key=COURSE_KEY, number=1, document={}, note="first")
    asset = DesignAsset.objects.create(
        course_key=COURSE_KEY,
        kind="logo",
        file="cert_manager/designs/x/y.png",
        content_type="image/png",
        size=1,
        width=1,
        height=1,
    )
    for model, obj in ((DesignVersion, version), (DesignAsset, asset)):
        assert superuser_client.get(url(model, "changelist") + "?q=TestX").status_code == 200
        assert superuser_client.get(url(model, "change", obj.pk)).status_code == 200
        assert superuser_client.get(url(model, "add")).status_code == 403
        assert superuser_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert DesignVersion.objects.get().note == "first"
