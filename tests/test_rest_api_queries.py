"""No N+1: every list endpoint issues the same number of queries for 10 rows as for 1,000 (one page of 500)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cert_manager_plugin.models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CertificateRevision,
    GenerationJob,
)
from tests.factories import COURSE_KEY
from tests.rest_api_support import PREFIX, client_for, course_url, world  # noqa: F401

pytestmark = pytest.mark.django_db
User = get_user_model()


def users(prefix: str, count: int) -> list:
    User.objects.bulk_create(
        [
            User(username=f"{prefix}{n}", email=f"{prefix}{n}@example.com", first_name="N", last_name=str(n))
            for n in range(count)
        ]
    )
    return list(User.objects.filter(username__startswith=prefix).order_by("pk"))


def certificates_for(people, course_key=COURSE_KEY, status="downloadable") -> list[Certificate]:
    now = timezone.now()
    return Certificate.objects.bulk_create(
        [
            Certificate(
                user=u,
                course_key=course_key,
                status=status,
                name=u.username,
                source="job",
                created=now,
                modified=now,
                issued_date=now,
            )
            for u in people
        ]
    )


def add_certificates(w, start, count):
    certificates_for(users(f"c{start}x", count))


def add_revisions(w, start, count):
    now = timezone.now()
    CertificateRevision.objects.bulk_create(
        [
            CertificateRevision(
                certificate=w.certificate,
                revision=start + n + 1,
                status="notpassing",
                source="job",
                valid_from=now,
                superseded_at=now,
                superseded_by_source="job",
                superseded_by=w.instructor,
            )
            for n in range(count)
        ]
    )


def add_jobs(w, start, count):
    """Half "generate all", half "delete one certificate" (the history names that learner: one lookup a page)."""
    people = users(f"j{start}x", count // 2)
    GenerationJob.objects.bulk_create(
        [
            GenerationJob(course_key=COURSE_KEY, kind="generate_all", state="succeeded", requested_by=w.instructor)
            for _ in range(count - len(people))
        ]
        + [
            GenerationJob(
                course_key=COURSE_KEY,
                kind="delete",
                state="succeeded",
                requested_by=w.instructor,
                params={"scope": "one", "user_id": u.pk},
            )
            for u in people
        ]
    )


def add_exceptions(w, start, count):
    people = users(f"e{start}x", count)
    certificates_for(people[: count // 2])  # half have a generated certificate
    CertificateException.objects.bulk_create(
        [CertificateException(user=u, course_key=COURSE_KEY, notes="n", granted_by=w.instructor) for u in people]
    )


def add_invalidations(w, start, count):
    certs = certificates_for(users(f"i{start}x", count), status="unavailable")
    CertificateInvalidation.objects.bulk_create(
        [CertificateInvalidation(certificate=c, notes="n", invalidated_by=w.instructor) for c in certs]
    )


def add_my_certificates(w, start, count):
    now = timezone.now()
    Certificate.objects.bulk_create(
        [
            Certificate(
                user=w.learner,
                course_key=f"course-v1:Many+C{start + n}+2026",
                status="downloadable",
                source="job",
                created=now,
                modified=now,
            )
            for n in range(count)
        ]
    )


LISTS = [
    ("certificates", lambda: course_url("certificates") + "?page_size=500", add_certificates),
    (
        "certificates-search",
        lambda: course_url("certificates") + "?page_size=500&search=x&status=downloadable",
        add_certificates,
    ),
    ("revisions", lambda: course_url("certificates/bilbo/revisions") + "?page_size=500", add_revisions),
    ("jobs", lambda: course_url("jobs") + "?page_size=500", add_jobs),
    ("exceptions", lambda: course_url("exceptions") + "?page_size=500", add_exceptions),
    ("invalidations", lambda: course_url("invalidations") + "?page_size=500", add_invalidations),
    ("certificates-sorted", lambda: course_url("certificates") + "?page_size=500&ordering=-grade", add_certificates),
    ("jobs-search", lambda: course_url("jobs") + "?page_size=500&search=TEACH", add_jobs),
    ("exceptions-search", lambda: course_url("exceptions") + "?page_size=500&search=E", add_exceptions),
    ("invalidations-search", lambda: course_url("invalidations") + "?page_size=500&search=I", add_invalidations),
]


def count_queries(client, url: str, stream: bool = False) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if stream:
            response.body = b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize(("name", "url", "add"), LISTS, ids=[entry[0] for entry in LISTS])
def test_list_queries_do_not_grow_with_rows(world, name, url, add):  # noqa: F811
    client = client_for(world.instructor)
    client.get(url())  # warm up: a host may cache per process on the first request (the LMS does)
    add(world, 0, 10)
    small, response = count_queries(client, url())
    add(world, 10, 990)
    large, response = count_queries(client, url())
    assert response.json()["count"] >= 1000
    assert len(response.json()["results"]) == 500
    assert large == small, f"{name}: {small} queries for 10 rows, {large} for 1,000"


def test_learner_history_queries_do_not_grow_with_states(world):  # noqa: F811
    """A learner's story: the same queries for 10 states as for 1,000, jobs and people named included."""
    client = client_for(world.instructor)
    url = course_url("learners/bilbo/history")
    client.get(url)  # warm up
    GenerationJob.objects.create(
        course_key=COURSE_KEY, kind="generate_all", state="succeeded", started=timezone.now(), finished=timezone.now()
    )
    add_revisions(world, 0, 10)
    small, _ = count_queries(client, url)
    add_revisions(world, 10, 990)
    large, response = count_queries(client, url)
    assert len(response.json()["states"]) == 1001
    assert large == small, f"{small} queries for 10 states, {large} for 1,000"


def test_my_certificates_queries_do_not_grow(world):  # noqa: F811
    client = client_for(world.learner)
    client.get(f"{PREFIX}/me/certificates")  # warm up
    add_my_certificates(world, 0, 10)
    small, _ = count_queries(client, f"{PREFIX}/me/certificates?page_size=500")
    add_my_certificates(world, 10, 990)
    large, response = count_queries(client, f"{PREFIX}/me/certificates?page_size=500")
    assert len(response.json()["results"]) == 500
    assert large == small


def test_csv_export_queries_do_not_grow(world):  # noqa: F811
    client = client_for(world.instructor)
    add_certificates(world, 0, 10)
    small, _ = count_queries(client, course_url("certificates") + "?format=csv", stream=True)
    add_certificates(world, 10, 2990)
    large, response = count_queries(client, course_url("certificates") + "?format=csv", stream=True)
    assert response.body.count(b"\n") == 1 + 3000 + 2  # header, new rows, the world's two certificates
    assert large <= small + 1  # the iterator may fetch one more chunk of 2,000 rows on some databases


def test_the_active_job_read_every_panel_polls_does_not_grow_with_the_history(world):  # noqa: F811
    """``jobs?state=active``, what each open panel asks every few seconds: the same queries for 10 or 1,000 jobs."""
    client = client_for(world.instructor)
    url = course_url("jobs") + "?state=active&page_size=1"
    client.get(url)
    GenerationJob.objects.create(
        course_key=COURSE_KEY, kind="generate_all", state="running", requested_by=world.instructor
    )
    add_jobs(world, 0, 10)
    small, _ = count_queries(client, url)
    add_jobs(world, 10, 990)
    large, response = count_queries(client, url)
    assert response.json()["count"] == 1
    assert large == small, f"{small} queries for 10 jobs, {large} for 1,000"
