"""The designs' tables: one number per course and version, unguessable asset names, versions kept while used."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from cert_manager_plugin.designs.document import ASSET_NAME
from cert_manager_plugin.designs.models import DesignAsset, DesignVersion, asset_upload_to, course_folder
from cert_manager_plugin.models import Certificate, CertificateRevision
from tests.factories import COURSE_KEY, CertificateFactory

pytestmark = pytest.mark.django_db


def test_a_number_is_unique_per_course_not_across_courses():
    DesignVersion.objects.create(course_key=COURSE_KEY, number=1, document={})
    DesignVersion.objects.create(course_key="course-v1:Other+X+2026", number=1, document={})
    with pytest.raises(IntegrityError), transaction.atomic():
        DesignVersion.objects.create(course_key=COURSE_KEY, number=1, document={})


def test_versions_list_newest_first():
    for number in (1, 3, 2):
        DesignVersion.objects.create(course_key=COURSE_KEY, number=number, document={})
    assert list(DesignVersion.objects.values_list("number", flat=True)) == [3, 2, 1]


def test_asset_names_hide_the_course_and_are_random():
    asset = DesignAsset(course_key=COURSE_KEY, kind="logo", content_type="image/png")
    first, second = asset_upload_to(asset, "my logo.svg"), asset_upload_to(asset, "my logo.svg")
    assert first != second
    assert "TestX" not in first and "logo" not in first.rsplit("/", 1)[1]
    assert re.fullmatch(rf"cert_manager/designs/{course_folder(COURSE_KEY)}/[0-9a-f]{{32}}\.png", first)
    assert ASSET_NAME.match(first), "what a document may name"
    jpeg = DesignAsset(course_key=COURSE_KEY, kind="background", content_type="image/jpeg")
    assert asset_upload_to(jpeg, "x.png").endswith(".jpg"), "the extension follows the checked type, not the name"


def test_certificates_and_revisions_record_a_version_and_keep_it_from_deletion():
    design = DesignVersion.objects.create(course_key=COURSE_KEY, number=1, document={})
    cert = CertificateFactory(design_version=design)
    CertificateRevision.objects.create(
        certificate=cert,
        revision=1,
        status="downloadable",
        source="job",
        valid_from=cert.created,
        superseded_at=cert.created,
        superseded_by_source="design",
        design_version=design,
    )
    with pytest.raises(ProtectedError), transaction.atomic():
        design.delete()
    assert Certificate.objects.get().design_version_id == design.pk


def test_a_certificate_without_a_version_is_null():
    assert CertificateFactory().design_version_id is None


def test_no_learner_data_is_annotated_as_such():
    for model in (DesignVersion, DesignAsset):
        assert ".. no_pii:" in model.__doc__
