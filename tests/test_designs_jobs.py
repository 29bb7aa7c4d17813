"""
The ``apply_design`` job: a design version applied to issued certificates, set-based, each keeping its old state.

The concurrency tests use real threads with their own connections (an SQLite file, PostgreSQL or MariaDB: each run of
scripts/test.sh covers one): an engine batch and an apply batch on the same certificate, in both orders.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from cert_manager_plugin import api, engine, errors, jobs, labels
from cert_manager_plugin.data import JobKind, JobState, Source
from cert_manager_plugin.designs import jobs as design_jobs
from cert_manager_plugin.designs.models import DesignVersion
from cert_manager_plugin.models import Certificate, CertificateRevision, GenerationJob
from tests.factories import COURSE_KEY, CertificateFactory, LearnerRecordFactory, UserFactory
from tests.services import require

pytestmark = pytest.mark.django_db


def versions(n: int = 2) -> list[DesignVersion]:
    return [DesignVersion.objects.create(course_key=COURSE_KEY, number=i, document={}) for i in range(1, n + 1)]


def apply(django_capture_on_commit_callbacks, number: int | None = None, user=None) -> api.JobRow:
    with django_capture_on_commit_callbacks(execute=True):
        started = api.apply_design(COURSE_KEY, number, requested_by=user)
    return api.get_job(COURSE_KEY, started.id)


def test_each_issued_certificate_gets_a_new_revision_and_keeps_the_old(course, django_capture_on_commit_callbacks):
    old, current = versions()
    user = UserFactory(username="designer")
    before = CertificateFactory(mode="verified", design_version=old, revision=2)
    legacy = CertificateFactory(mode="honor")  # issued before the course had a design
    there = CertificateFactory(mode="verified", design_version=current)
    revoked = CertificateFactory(mode="verified", status="notpassing", design_version=old)

    job = apply(django_capture_on_commit_callbacks, user=user)

    assert (job.kind, job.state, job.params["version"]) == (JobKind.APPLY_DESIGN, JobState.SUCCEEDED, 2)
    assert job.result == {"version": 2, "changed": 2, "by_mode": {"honor": 1, "verified": 1}}
    assert (job.total, job.processed, job.changed, job.skipped) == (2, 2, 2, 0)
    rows = {c.pk: c for c in Certificate.objects.all()}
    assert (rows[before.pk].revision, rows[before.pk].design_version_id) == (3, current.pk)
    assert (rows[legacy.pk].revision, rows[legacy.pk].design_version_id) == (2, current.pk)
    assert rows[before.pk].source == Source.DESIGN and rows[before.pk].verify_uuid == before.verify_uuid
    assert (rows[there.pk].revision, rows[revoked.pk].revision) == (1, 1), "nothing to change, or not issued"
    assert rows[revoked.pk].design_version_id == old.pk
    kept = {
        r.certificate_id: r
        for r in CertificateRevision.objects.filter(superseded_by_source=Source.DESIGN).select_related("superseded_by")
    }
    assert set(kept) == {before.pk, legacy.pk}
    assert (kept[before.pk].revision, kept[before.pk].design_version_id) == (2, old.pk), "the old look is kept"
    assert (kept[legacy.pk].revision, kept[legacy.pk].design_version_id) == (1, None)
    assert kept[before.pk].superseded_by.username == "designer" and kept[before.pk].status == "downloadable"


def test_applying_an_older_version_keeps_it_even_though_a_newer_is_current(course, django_capture_on_commit_callbacks):
    first, _ = versions()
    cert = CertificateFactory()
    job = apply(django_capture_on_commit_callbacks, 1)
    assert job.result["changed"] == 1
    assert Certificate.objects.get(pk=cert.pk).design_version_id == first.pk, "the engine's recording did not run"


def test_running_it_again_changes_nothing(course, django_capture_on_commit_callbacks):
    versions(1)
    CertificateFactory()
    apply(django_capture_on_commit_callbacks)
    again = apply(django_capture_on_commit_callbacks)
    assert again.result == {"version": 1, "changed": 0, "by_mode": {}} and again.total == 0
    assert CertificateRevision.objects.count() == 1


def test_a_batch_costs_the_same_queries_for_2_and_40_certificates(course):
    (design,) = versions(1)
    small = [CertificateFactory().pk for _ in range(2)]
    large = [CertificateFactory().pk for _ in range(40)]
    counts = []
    for ids in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            design_jobs.apply_batch(COURSE_KEY, ids, design.pk, actor_id=None)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 8  # savepoint, lock, revisions, update, credentials' read, release
    assert Certificate.objects.filter(design_version=design).count() == 42


def test_the_job_goes_batch_by_batch_with_progress(course, settings, django_capture_on_commit_callbacks):
    settings.CERT_MANAGER_BATCH_SIZE = 2
    versions(1)
    for _ in range(5):
        CertificateFactory()
    job = apply(django_capture_on_commit_callbacks)
    assert (job.total, job.processed, job.changed) == (5, 5, 5)
    assert set(Certificate.objects.values_list("revision", flat=True)) == {2}


def test_a_cancelled_job_stops_after_its_batch(course, settings, monkeypatch):
    settings.CERT_MANAGER_BATCH_SIZE = 2
    versions(1)
    for _ in range(5):
        CertificateFactory()
    job = GenerationJob.objects.create(
        course_key=COURSE_KEY, kind=JobKind.APPLY_DESIGN, params={"version": 1}, cancel_requested=True
    )
    result = design_jobs.run_apply_job(job, lambda processed, total: None)
    assert result["changed"] == 2 and Certificate.objects.filter(revision=2).count() == 2


def test_bad_requests_are_refused_before_a_job_exists(course, django_capture_on_commit_callbacks):
    with pytest.raises(errors.InvalidInput) as exc:
        api.apply_design(COURSE_KEY)
    assert exc.value.details["field"] == "version", "no design yet"
    versions(1)
    with pytest.raises(errors.NotFound):
        api.apply_design(COURSE_KEY, 4)
    for options in ({}, {"version": "1"}, {"version": 0}, {"version": True}):
        with pytest.raises(errors.InvalidInput):
            jobs.submit_job(COURSE_KEY, JobKind.APPLY_DESIGN, options=options)
    with pytest.raises(errors.NotFound):
        jobs.submit_job(COURSE_KEY, JobKind.APPLY_DESIGN, options={"version": 9})
    with pytest.raises(errors.InvalidInput):
        jobs.submit_job(COURSE_KEY, JobKind.APPLY_DESIGN, options={"version": 1}, dry_run=True)
    assert not GenerationJob.objects.exists()


def test_one_active_job_per_course(course, django_capture_on_commit_callbacks):
    versions(1)
    with django_capture_on_commit_callbacks(execute=False):
        api.apply_design(COURSE_KEY)
        with pytest.raises(errors.JobAlreadyRunning):
            api.apply_design(COURSE_KEY)


def test_the_job_is_named_in_words():
    assert labels.job_title(JobKind.APPLY_DESIGN, {"version": 3}) == "Apply design version 3 to issued certificates"
    assert labels.label(labels.SOURCE_LABELS, Source.DESIGN) == "Certificate design applied"


# --- concurrency: an engine batch and an apply batch on the same certificate ------------------------------------


@pytest.fixture
def shared_database():
    name = str(connection.settings_dict["NAME"])
    require(
        "a database shared by threads",
        connection.vendor != "sqlite" or ("memory" not in name and name != ""),
        "set CERT_MANAGER_SQLITE_TEST_PATH for SQLite (scripts/test.sh does)",
    )


def _in_thread(work) -> tuple[threading.Thread, list]:
    failures: list = []

    def run() -> None:
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failures


def _grade_change(user_id: int) -> None:
    engine.run(COURSE_KEY, [user_id], engine.Intent.event(Source.GRADE_EVENT.value))


@pytest.mark.django_db(transaction=True)
def test_an_engine_write_waits_for_an_apply_batch_and_follows_it(course, shared_database):
    old, current = versions()
    record = LearnerRecordFactory(percent_grade=0.95, passed=True, mode="verified")
    cert = CertificateFactory(user=record.user, grade=0.9, mode="verified", design_version=old)
    started = []

    def engine_meanwhile(sender, **kwargs):  # inside the apply batch's transaction, after its writes
        started.append(_in_thread(lambda: _grade_change(record.user_id)))
        threading.Event().wait(0.5)  # the engine's batch is now waiting for the certificate's lock

    engine.certificates_written.connect(engine_meanwhile, sender=DesignVersion, weak=False)
    try:
        design_jobs.apply_batch(COURSE_KEY, [cert.pk], current.pk, actor_id=None)
    finally:
        engine.certificates_written.disconnect(engine_meanwhile, sender=DesignVersion)
    thread, failures = started[0]
    thread.join(60)
    assert failures == []
    final = Certificate.objects.get(pk=cert.pk)
    assert (final.revision, round(final.grade, 2), final.design_version_id) == (3, 0.95, current.pk)
    history = list(
        CertificateRevision.objects.filter(certificate=cert)
        .order_by("revision")
        .values_list("revision", "design_version_id", "superseded_by_source")
    )
    assert history == [(1, old.pk, Source.DESIGN), (2, current.pk, Source.GRADE_EVENT)]


@pytest.mark.django_db(transaction=True)
def test_an_apply_batch_waits_for_an_engine_write_and_follows_it(course, shared_database):
    (design,) = versions(1)
    record = LearnerRecordFactory(percent_grade=0.95, passed=True, mode="verified")
    cert = CertificateFactory(user=record.user, grade=0.9, mode="verified")
    started = []

    def apply_meanwhile(sender, **kwargs):  # inside the engine batch's transaction, after its writes
        started.append(_in_thread(lambda: design_jobs.apply_batch(COURSE_KEY, [cert.pk], design.pk, actor_id=None)))
        threading.Event().wait(0.5)

    engine.certificates_written.connect(apply_meanwhile, sender=engine.CertChange, weak=False)
    try:
        _grade_change(record.user_id)
    finally:
        engine.certificates_written.disconnect(apply_meanwhile, sender=engine.CertChange)
    thread, failures = started[0]
    thread.join(60)
    assert failures == []
    final = Certificate.objects.get(pk=cert.pk)
    # the engine recorded the current version itself: the apply batch found nothing left to change
    assert (final.revision, final.design_version_id) == (2, design.pk)
    assert list(CertificateRevision.objects.values_list("revision", "design_version_id")) == [(1, None)]
