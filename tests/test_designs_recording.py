"""The engine's hook: one UPDATE records the course's current design version on the certificates a batch wrote."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cert_manager_plugin.designs.models import DesignVersion
from cert_manager_plugin.designs.recording import record_current_version
from cert_manager_plugin.models import Certificate
from tests.factories import COURSE_KEY, CertificateFactory

pytestmark = pytest.mark.django_db

OTHER = "course-v1:Other+X+2026"


def test_one_statement_sets_the_newest_version_of_the_course_only():
    DesignVersion.objects.create(course_key=COURSE_KEY, number=1, document={})
    newest = DesignVersion.objects.create(course_key=COURSE_KEY, number=2, document={})
    DesignVersion.objects.create(course_key=OTHER, number=3, document={})
    certs = [CertificateFactory() for _ in range(3)]
    elsewhere = CertificateFactory(user=certs[0].user, course_key=OTHER)
    with CaptureQueriesContext(connection) as ctx:
        assert record_current_version(COURSE_KEY, [c.user_id for c in certs[:2]]) == 2
    assert len(ctx.captured_queries) == 1
    found = dict(Certificate.objects.values_list("pk", "design_version_id"))
    assert [found[c.pk] for c in certs] == [newest.pk, newest.pk, None]
    assert found[elsewhere.pk] is None


def test_a_course_without_a_design_writes_no_row():
    cert = CertificateFactory()
    assert record_current_version(COURSE_KEY, [cert.user_id]) == 0
    assert record_current_version(COURSE_KEY, []) == 0
