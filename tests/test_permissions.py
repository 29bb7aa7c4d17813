"""
The role x endpoint matrix of REST API v1: every endpoint, called by every role, answers the expected status;
then JWTs of restricted OAuth applications (scopes and ``content_org`` filters, as edx-platform's APIs).

Roles: anonymous, a learner (enrolled, passing, certified), another learner (enrolled, not passing), course
staff (read), course instructor and global staff (manage).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt
from rest_framework.test import APIClient

from cert_manager_plugin.models import CourseCertificateSettings, GenerationJob
from cert_manager_plugin.rest_api.permissions import READ_SCOPE, WRITE_SCOPE, access_allows
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


# --- JWTs of restricted OAuth applications (edx-drf-extensions' is_restricted claim) ------------------------

ORG = COURSE_KEY.org
SETTINGS = course_url("settings")


def jwt_client(user, *, scopes=None, filters=None, restricted: bool = True) -> APIClient:
    """A client authenticated with an LMS-style JWT (no session, so no CSRF token is involved)."""
    client = APIClient(enforce_csrf_checks=True)
    token = generate_jwt(user, scopes=scopes, filters=filters, is_restricted=restricted)
    client.credentials(HTTP_AUTHORIZATION=f"JWT {token}")
    return client


def assert_denied(response, *, mentions: str | None = None) -> None:
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "permission_denied"
    assert body["message"]
    if mentions:
        assert mentions in body["message"]


def test_restricted_app_with_an_unrelated_scope_and_another_org_gets_nothing(world):  # noqa: F811
    """The reported hole: scopes ["email"] and a filter for another org used to change settings and start jobs."""
    client = jwt_client(world.instructor, scopes=["email"], filters=["content_org:OtherX"])
    assert_denied(client.patch(SETTINGS, {"print_grade": False}, format="json"), mentions=WRITE_SCOPE)
    assert_denied(client.post(course_url("jobs"), {"kind": "generate_all"}, format="json"))
    assert_denied(client.get(course_url("certificates")), mentions=READ_SCOPE)
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).print_grade is True
    assert not GenerationJob.objects.filter(course_key=COURSE_KEY).exists()


def test_restricted_app_with_the_read_scope_and_the_course_org_reads_but_cannot_write(world):  # noqa: F811
    client = jwt_client(world.instructor, scopes=[READ_SCOPE], filters=[f"content_org:{ORG}"])
    assert client.get(SETTINGS).status_code == 200
    assert client.get(course_url("certificates")).status_code == 200
    assert client.get(course_url("certificates/bilbo")).status_code == 200
    assert_denied(client.patch(SETTINGS, {"print_grade": False}, format="json"), mentions=WRITE_SCOPE)
    assert_denied(client.post(course_url("jobs"), {"kind": "generate_all"}, format="json"), mentions=WRITE_SCOPE)
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).print_grade is True


def test_restricted_app_with_the_write_scope_the_course_org_and_an_instructor_writes(world):  # noqa: F811
    client = jwt_client(world.instructor, scopes=[READ_SCOPE, WRITE_SCOPE], filters=[f"content_org:{ORG}"])
    response = client.patch(SETTINGS, {"print_grade": False}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["print_grade"] is False
    assert client.post(course_url("jobs"), {"kind": "generate_all"}, format="json").status_code == 202


def test_restricted_app_write_scope_alone_does_not_read(world):  # noqa: F811
    """Scopes are per method: certificates:write does not imply certificates:read."""
    client = jwt_client(world.instructor, scopes=[WRITE_SCOPE], filters=[f"content_org:{ORG}"])
    assert_denied(client.get(SETTINGS), mentions=READ_SCOPE)


@pytest.mark.parametrize(
    "filters",
    [[], ["content_org:OtherX"], [f"content_org:{ORG.lower()}"], ["user:me"]],
    ids=["no-filter", "other-org", "org-case", "user-filter-only"],
)
def test_restricted_app_with_the_right_scopes_but_not_the_course_org_is_refused(world, filters):  # noqa: F811
    client = jwt_client(world.instructor, scopes=[READ_SCOPE, WRITE_SCOPE], filters=filters)
    assert_denied(client.get(SETTINGS), mentions=f"content_org:{ORG}")
    assert_denied(client.patch(SETTINGS, {"print_grade": False}, format="json"), mentions=f"content_org:{ORG}")


def test_restricted_app_still_needs_the_course_role(world):  # noqa: F811
    """Scopes and org filters only narrow what the token's user may do; course staff still only read."""
    scopes, filters = [READ_SCOPE, WRITE_SCOPE], [f"content_org:{ORG}"]
    staff = jwt_client(world.course_staff, scopes=scopes, filters=filters)
    assert staff.get(SETTINGS).status_code == 200
    response = staff.patch(SETTINGS, {"print_grade": False}, format="json")
    assert_denied(response)
    assert "instructor role" in response.json()["message"]
    assert_denied(jwt_client(world.learner, scopes=scopes, filters=filters).get(SETTINGS))


def test_restricted_app_with_a_malformed_or_unknown_course_keeps_the_api_errors(world):  # noqa: F811
    client = jwt_client(world.instructor, scopes=[READ_SCOPE], filters=[f"content_org:{ORG}"])
    bad = client.get(f"{PREFIX}/courses/not-a-course/settings")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_course_key")
    missing = client.get(course_url("settings", "course-v1:TestX+Nope+2026"))
    assert (missing.status_code, missing.json()["code"]) == (404, "course_not_found")


def test_unrestricted_jwt_behaves_as_a_session(world):  # noqa: F811
    """The LMS's own JWTs (is_restricted false) are not limited by scopes or filters: the course role decides."""
    instructor = jwt_client(world.instructor, scopes=["email"], restricted=False)
    assert instructor.get(SETTINGS).status_code == 200
    assert instructor.patch(SETTINGS, {"print_grade": False}, format="json").status_code == 200
    staff = jwt_client(world.course_staff, restricted=False)
    assert staff.get(SETTINGS).status_code == 200
    assert_denied(staff.patch(SETTINGS, {"print_grade": True}, format="json"))
    assert_denied(jwt_client(world.learner, restricted=False).get(SETTINGS))


@pytest.mark.parametrize(
    ("scopes", "filters", "expected"),
    [
        ([READ_SCOPE], [], 200),
        ([READ_SCOPE], ["user:me"], 200),
        ([READ_SCOPE], ["user:bilbo"], 200),
        ([READ_SCOPE], ["user:frodo"], 403),
        (["email"], ["user:me"], 403),
        ([], [], 403),
    ],
)
def test_restricted_app_on_the_learners_own_certificates(world, scopes, filters, expected):  # noqa: F811
    client = jwt_client(world.learner, scopes=scopes, filters=filters)
    response = client.get(f"{PREFIX}/me/certificates")
    assert response.status_code == expected, response.content
    if expected == 403:
        assert response.json()["code"] == "permission_denied"


def test_restricted_app_on_the_learners_course_certificate(world):  # noqa: F811
    url = course_url("me/certificate")
    reader = jwt_client(world.learner, scopes=[READ_SCOPE], filters=["user:me", f"content_org:{ORG}"])
    assert reader.get(url).status_code == 200
    assert_denied(reader.post(url), mentions=WRITE_SCOPE)  # asking for a certificate is a write
    other_org = jwt_client(world.learner, scopes=[READ_SCOPE], filters=["user:me", "content_org:OtherX"])
    assert_denied(other_org.get(url), mentions=f"content_org:{ORG}")
    bad = reader.get(f"{PREFIX}/courses/not-a-course/me/certificate")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_course_key")
    writer = jwt_client(world.learner, scopes=[READ_SCOPE, WRITE_SCOPE], filters=["user:me", f"content_org:{ORG}"])
    assert writer.post(url).status_code == 200


def test_verify_stays_public_whatever_the_token(world):  # noqa: F811
    client = jwt_client(world.instructor, scopes=["email"], filters=["content_org:OtherX"])
    assert client.get(f"{PREFIX}/verify/{world.certificate.verify_uuid}").status_code == 200
