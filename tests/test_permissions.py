"""
The role x endpoint matrix of REST API v1: every endpoint, called by every role, answers the expected status.

Roles: anonymous, a learner (enrolled, passing, certified), another learner (enrolled, not passing), course
staff (read), course instructor and global staff (manage).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cert_manager_plugin.models import GenerationJob
from cert_manager_plugin.rest_api.permissions import access_allows
from tests.factories import COURSE_ID, COURSE_KEY, GenerationJobFactory, UserFactory
from tests.rest_api_support import PREFIX, ROLES, client_for, course_url, world  # noqa: F401

READ = dict(anonymous=401, learner=403, other_learner=403, course_staff=200, instructor=200, global_staff=200)


def write(ok: int) -> dict[str, int]:
    return dict(anonymous=401, learner=403, other_learner=403, course_staff=403, instructor=ok, global_staff=ok)


SIGNED_IN = dict(anonymous=401, learner=200, other_learner=200, course_staff=200, instructor=200, global_staff=200)
# Self-generation is on; only the passing learner gets a certificate, everyone else a clear refusal.
SELF_GENERATE = dict(anonymous=401, learner=200, other_learner=409, course_staff=409, instructor=409, global_staff=409)
PUBLIC = dict.fromkeys(ROLES, 200)


def active_job(w) -> int:
    return GenerationJobFactory(state="queued", active_course_key=COURSE_ID).pk


def export_job(w, tmp_path) -> int:
    path = tmp_path / "export.pdf"
    path.write_bytes(b"%PDF-1.4 test")
    return GenerationJobFactory(
        kind="export",
        state="succeeded",
        finished=timezone.now(),
        result={"file": str(path), "filename": "certificates.pdf", "content_type": "application/pdf"},
    ).pk


def bulk_file() -> dict:
    return {"file": SimpleUploadedFile("list.csv", b"username_or_email,notes\nfrodo,late\n", "text/csv")}


# (name, method, url(world, tmp_path), body, format, expected)
ENDPOINTS = [
    ("settings-get", "get", lambda w, t: course_url("settings"), None, None, READ),
    ("settings-patch", "patch", lambda w, t: course_url("settings"), {"print_grade": False}, "json", write(200)),
    ("certificates-get", "get", lambda w, t: course_url("certificates"), None, None, READ),
    ("certificates-csv", "get", lambda w, t: course_url("certificates") + "?format=csv", None, None, READ),
    (
        "certificates-delete",
        "delete",
        lambda w, t: course_url("certificates"),
        {"confirm": COURSE_ID},
        "json",
        write(200),
    ),
    ("certificate-get", "get", lambda w, t: course_url("certificates/bilbo"), None, None, READ),
    ("certificate-delete", "delete", lambda w, t: course_url("certificates/bilbo"), None, None, write(204)),
    ("revisions-get", "get", lambda w, t: course_url("certificates/bilbo/revisions"), None, None, READ),
    ("jobs-get", "get", lambda w, t: course_url("jobs"), None, None, READ),
    ("jobs-post", "post", lambda w, t: course_url("jobs"), {"kind": "generate_all"}, "json", write(202)),
    (
        "jobs-dry-run",
        "post",
        lambda w, t: course_url("jobs"),
        {"kind": "generate_all", "dry_run": True},
        "json",
        write(200),
    ),
    ("job-get", "get", lambda w, t: course_url(f"jobs/{active_job(w)}"), None, None, READ),
    ("job-cancel", "delete", lambda w, t: course_url(f"jobs/{active_job(w)}"), None, None, write(200)),
    ("job-download", "get", lambda w, t: course_url(f"jobs/{export_job(w, t)}/download"), None, None, READ),
    ("exceptions-get", "get", lambda w, t: course_url("exceptions"), None, None, READ),
    (
        "exceptions-post",
        "post",
        lambda w, t: course_url("exceptions"),
        {"user": "frodo", "notes": "x"},
        "json",
        write(201),
    ),
    ("exception-delete", "delete", lambda w, t: course_url("exceptions/merry"), None, None, write(204)),
    ("exceptions-bulk", "post", lambda w, t: course_url("exceptions/bulk"), "bulk", "multipart", write(200)),
    ("invalidations-get", "get", lambda w, t: course_url("invalidations"), None, None, READ),
    ("invalidations-post", "post", lambda w, t: course_url("invalidations"), {"user": "bilbo"}, "json", write(201)),
    (
        "invalidation-delete",
        "delete",
        lambda w, t: course_url(f"invalidations/{w.invalidation.pk}"),
        None,
        None,
        write(204),
    ),
    ("export-post", "post", lambda w, t: course_url("export"), {"format": "pdf"}, "json", write(202)),
    ("me-certificates", "get", lambda w, t: f"{PREFIX}/me/certificates", None, None, SIGNED_IN),
    ("me-certificate-get", "get", lambda w, t: course_url("me/certificate"), None, None, SIGNED_IN),
    ("me-certificate-post", "post", lambda w, t: course_url("me/certificate"), None, None, SELF_GENERATE),
    ("verify", "get", lambda w, t: f"{PREFIX}/verify/{w.certificate.verify_uuid}", None, None, PUBLIC),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "url", "body", "fmt", "expected"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_role_endpoint_matrix(world, tmp_path, role, name, method, url, body, fmt, expected):  # noqa: F811
    client = client_for(world.user(role))
    kwargs = {}
    if body == "bulk":
        kwargs = {"data": bulk_file(), "format": "multipart"}
    elif body is not None:
        kwargs = {"data": body, "format": fmt}
    response = getattr(client, method)(url(world, tmp_path), **kwargs)
    assert response.status_code == expected[role], (name, role, getattr(response, "data", None))
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"]


def test_anonymous_gets_a_jwt_challenge(world):  # noqa: F811
    response = client_for(None).get(course_url("settings"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("JWT")


def test_denied_writes_change_nothing(world):  # noqa: F811
    response = client_for(world.course_staff).post(course_url("jobs"), {"kind": "generate_all"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not GenerationJob.objects.filter(course_key=COURSE_KEY).exists()


def test_roles_in_another_course_grant_nothing(world):  # noqa: F811
    from tests.factories import CourseRoleFactory, StandaloneCourseFactory

    other_id = "course-v1:TestX+Other+2026"
    StandaloneCourseFactory(course_key=other_id, display_name="Other")
    outsider = UserFactory(username="outsider")
    CourseRoleFactory(user=outsider, role="instructor", course_key=other_id)
    client = client_for(outsider)
    assert client.get(course_url("settings")).status_code == 403
    assert client.get(course_url("settings", other_id)).status_code == 200


@pytest.mark.parametrize(
    ("access", "method", "allowed"),
    [
        ("manage", "GET", True),
        ("manage", "DELETE", True),
        ("read", "GET", True),
        ("read", "HEAD", True),
        ("read", "POST", False),
        ("read", "PATCH", False),
        (None, "GET", False),
    ],
)
def test_access_allows(access, method, allowed):
    assert access_allows(access, method) is allowed
