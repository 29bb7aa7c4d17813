"""Single objects as frozen data: jobs, a course's settings and a learner's own certificates (``records``)."""

from __future__ import annotations

import dataclasses

import pytest

from cert_manager_plugin import records, selectors
from cert_manager_plugin.models import CertificateTemplate, CourseCertificateSettings, GenerationJob
from tests.factories import COURSE_KEY, CertificateFactory, GenerationJobFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_job_row_names_the_requester_and_copies_its_json():
    requester = UserFactory(username="gandalf")
    job = GenerationJobFactory(requested_by=requester, params={"statuses": ["downloadable"]}, total=3, processed=2)
    row = records.job_row(GenerationJob.objects.select_related("requested_by").get(pk=job.pk))
    assert (row.id, row.pk, row.requested_by, row.total, row.processed) == (job.pk, job.pk, "gandalf", 3, 2)
    assert row.params == {"statuses": ["downloadable"]} and row.params is not job.params
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.state = "failed"  # type: ignore[misc]
    assert records.job_row(GenerationJobFactory()).requested_by is None


def test_the_job_list_reads_a_page_in_one_query(django_assert_num_queries):
    first = GenerationJobFactory(requested_by=UserFactory(username="elrond"))
    second = GenerationJobFactory()
    rows = records.job_list(selectors.jobs(COURSE_KEY))
    with django_assert_num_queries(1):
        page = rows[0:10]
    assert [(r.id, r.requested_by) for r in page] == [(second.pk, None), (first.pk, "elrond")]
    assert all(isinstance(r, records.JobRow) and r.result == {} for r in page)
    with django_assert_num_queries(1):
        assert rows.count() == 2


def test_the_default_settings_without_a_row():
    data = records.course_settings(COURSE_KEY)
    assert (data.course_key, data.self_generation_enabled, data.template) == (COURSE_KEY, False, None)
    assert isinstance(data.eligible_modes, tuple) and "audit" not in data.eligible_modes
    assert not CourseCertificateSettings.objects.exists(), "reading writes nothing"


def test_the_settings_name_their_template_in_one_query(django_assert_num_queries):
    template = CertificateTemplate.objects.create(name="Gold")
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, template=template, print_grade=False)
    with django_assert_num_queries(1):
        data = records.course_settings(COURSE_KEY)
    assert (data.template, data.print_grade) == (records.TemplateRef(template.pk, "Gold"), False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.print_grade = True  # type: ignore[misc]


def test_a_learners_certificates_as_rows(django_assert_num_queries):
    learner = UserFactory()
    cert = CertificateFactory(user=learner)
    CertificateFactory(user=learner, status="deleted", course_key="course-v1:TestX+Other+2026")
    with django_assert_num_queries(1):
        row = records.learner_certificate(COURSE_KEY, learner.pk)
    assert row == records.learner_certificate_row(cert)
    assert (row.course_key, row.status, row.verify_uuid) == (COURSE_KEY, "downloadable", cert.verify_uuid)
    assert records.learner_certificate(COURSE_KEY, UserFactory().pk) is None
    assert records.learner_certificate_list(learner)[0:10] == [row], "not those the course team deleted"


def test_the_last_policy_change_hands_its_job_as_a_row():
    from cert_manager_plugin.policy_changes import LastPolicyChange

    job = GenerationJobFactory(requested_by=UserFactory(username="galadriel"), params={"policies": {}})
    last = LastPolicyChange(job, False, "running", {"print_grade": True}, {"print_grade": False})
    row = records.last_policy_change_row(last)
    assert (row.job, row.can_undo, row.reason) == (records.job_row(job), False, "running")
    assert (row.job.requested_by, row.restores, row.applied) == (
        "galadriel",
        {"print_grade": True},
        {"print_grade": False},
    )
