"""The job-kind registry: every kind has a spec, export's comes from rendering, and a new kind runs through it."""

from __future__ import annotations

import pytest

from cert_manager_plugin import errors, job_kinds, jobs, labels
from cert_manager_plugin.data import JobKind, Source
from cert_manager_plugin.models import Certificate, GenerationJob, LearnerRecord
from cert_manager_plugin.rendering import export
from tests.factories import COURSE_KEY, LearnerRecordFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", list(JobKind))
def test_every_job_kind_has_a_spec_with_words(kind):
    spec = job_kinds.spec_for(kind)
    assert spec.kind == kind.value
    assert spec.label in labels.JOB_KIND_LABELS
    assert spec.batch == (spec.candidates is not None), "a batch kind names its candidates, a whole job none"


def test_the_registry_holds_only_the_data_kinds():
    assert {spec.kind for spec in job_kinds.specs()} == {k.value for k in JobKind}


def test_export_registers_from_rendering_as_a_whole_job():
    spec = job_kinds.spec_for(JobKind.EXPORT)
    assert spec is export.EXPORT_KIND
    assert spec.runner.__module__ == export.__name__ and not spec.batch and spec.candidates is None


def test_deletions_are_inline_and_never_submitted():
    spec = job_kinds.spec_for(JobKind.DELETE)
    assert spec.runner == job_kinds.INLINE and not spec.submittable and spec.source == Source.DELETION
    with pytest.raises(errors.InvalidInput) as exc:
        jobs.submit_job(COURSE_KEY, "delete")
    kinds = "generate_all, regenerate, generate_exceptions, export, apply_design"
    assert exc.value.message == f"kind must be one of {kinds}."


def test_an_unknown_kind_is_a_clear_error():
    with pytest.raises(errors.InvalidInput) as exc:
        job_kinds.spec_for("make_coffee")
    assert exc.value.details == {"field": "kind"}
    assert exc.value.message.startswith("Unknown job kind 'make_coffee': kinds are generate_all, regenerate")
    with pytest.raises(errors.InvalidInput, match="kind must be one of"):
        jobs.submit_job(COURSE_KEY, "make_coffee")


def test_a_kind_cannot_be_registered_twice_with_another_spec():
    job_kinds.register(job_kinds.spec_for(JobKind.GENERATE_ALL))  # the same spec again: nothing happens
    other = job_kinds.JobKindSpec(JobKind.GENERATE_ALL.value, lambda request: {}, lambda key, params: [])
    with pytest.raises(ValueError, match="registered already"):
        job_kinds.register(other)


def test_a_stored_job_of_an_unregistered_kind_fails_with_the_reason(course):
    job = GenerationJob.objects.create(course_key=COURSE_KEY, kind="retired_kind", state="queued")
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert (job.state, job.active_course_key) == ("failed", None)
    assert job.error.startswith("could not start: Unknown job kind 'retired_kind'")


# --- a new kind, registered here, runs through the registry ------------------------------------------------------


@pytest.fixture
def failing_only():
    """A batch kind: regenerate the certificates of learners whose record says not passing; takes ``min_grade``."""

    def validate(request):
        options = request.get("options") or {}
        if not isinstance(options.get("min_grade", 0), int | float):
            raise errors.InvalidInput("min_grade must be a number.", field="min_grade")
        return {"options": {"min_grade": options.get("min_grade", 0)}}

    def candidates(course_key, params):
        qs = LearnerRecord.objects.filter(
            course_key=course_key, passed=False, percent_grade__gte=params["options"]["min_grade"]
        )
        return list(qs.order_by("user_id").values_list("user_id", flat=True))

    spec = job_kinds.register(
        job_kinds.JobKindSpec("failing_only", validate, candidates, source=Source.INSTRUCTOR.value, label="failing")
    )
    yield spec
    job_kinds.unregister(spec.kind)


@pytest.fixture
def whole_job():
    """A whole-job kind: its runner gets the running job and a progress callback."""
    seen = []

    def run(job, progress):
        seen.append((job.kind, job.state))
        progress(3, 3)
        return {"done": 3}

    spec = job_kinds.register(job_kinds.JobKindSpec("count_things", lambda request: {}, None, runner=run))
    yield seen
    job_kinds.unregister(spec.kind)


def test_a_new_batch_kind_validates_counts_and_runs_through_the_registry(
    course, failing_only, django_capture_on_commit_callbacks
):
    low = LearnerRecordFactory(percent_grade=0.1, passed=False).user_id
    near = LearnerRecordFactory(percent_grade=0.4, passed=False).user_id
    LearnerRecordFactory(percent_grade=0.9, passed=True)

    with pytest.raises(errors.InvalidInput, match="min_grade"):
        jobs.submit_job(COURSE_KEY, "failing_only", options={"min_grade": "high"})
    with pytest.raises(errors.InvalidInput, match="statuses only applies to regenerate jobs"):
        jobs.submit_job(COURSE_KEY, "failing_only", statuses=["downloadable"])
    assert job_kinds.candidate_ids(COURSE_KEY, "failing_only", {"options": {"min_grade": 0.3}}) == [near]

    preview = jobs.submit_job(COURSE_KEY, "failing_only", dry_run=True)
    assert (preview["total"], preview["would_change"]) == (2, 2)

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit_job(COURSE_KEY, "failing_only", options={"min_grade": 0})
    job.refresh_from_db()
    assert (job.state, job.total, job.changed, job.params) == ("succeeded", 2, 2, {"options": {"min_grade": 0}})
    rows = dict(Certificate.objects.values_list("user_id", "source"))
    assert rows == {low: Source.INSTRUCTOR, near: Source.INSTRUCTOR}, "the engine records the kind's source"


def test_a_new_whole_job_kind_runs_in_one_step(course, whole_job, django_capture_on_commit_callbacks):
    with pytest.raises(errors.InvalidInput, match="count_things jobs have no dry run"):
        jobs.submit_job(COURSE_KEY, "count_things", dry_run=True)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit_job(COURSE_KEY, "count_things")
    job.refresh_from_db()
    assert whole_job == [("count_things", "running")]
    assert (job.state, job.processed, job.total, job.result) == ("succeeded", 3, 3, {"done": 3})


def test_job_candidates_leave_out_the_fresh_holders_and_count_them(course):
    """The coordinator's candidates: new learners and changed holders; candidate_ids (dry runs) keeps everyone."""
    from cert_manager_plugin import engine

    issued = [LearnerRecordFactory(percent_grade=0.9).user_id for _ in range(3)]
    failing = LearnerRecordFactory(percent_grade=0.1, passed=False).user_id
    engine.reconcile_batch(COURSE_KEY, [*issued, failing], engine.Intent.job())
    newcomer = LearnerRecordFactory(percent_grade=0.9).user_id
    LearnerRecord.objects.filter(user_id=issued[0]).update(passed=False)

    assert job_kinds.job_candidates(COURSE_KEY, "generate_all", {}) == ([issued[0], newcomer], 3)
    assert job_kinds.job_candidates(COURSE_KEY, "regenerate", {"statuses": ["downloadable"]}) == ([issued[0]], 2)
    assert job_kinds.job_candidates(COURSE_KEY, "regenerate", {"statuses": ["notpassing"]}) == ([], 1)
    assert job_kinds.candidate_ids(COURSE_KEY, "generate_all", {}) == sorted([*issued, failing, newcomer])
    assert job_kinds.job_candidates(COURSE_KEY, "generate_exceptions", {"scope": "all"}) == ([], 0)
