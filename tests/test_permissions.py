"""
The role x endpoint matrix of REST API v1: every endpoint, called by every role, answers the expected status;
then JWTs of restricted OAuth applications (scopes and ``content_org`` filters, as edx-platform's APIs).

Roles: anonymous, a learner (enrolled, passing, certified), another learner (enrolled, not passing), course
staff (read), course instructor and global staff (manage).

No account or course oracle (issue 8, item 9): a signed-in user who is not on the course team gets 404
``not_found`` on the team's endpoints, the same answer as for a course that does not exist (these were 403
before); course staff still get 403 on writes (their own course: nothing to hide). Learner lookups answer
``user_not_found`` alike for an unknown account and an account outside the course.
"""

from __future__ import annotations

import jwt
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt
from rest_framework.test import APIClient

from cert_manager_plugin.models import CourseCertificateSettings, GenerationJob
from cert_manager_plugin.rest_api.permissions import READ_SCOPE, WRITE_SCOPE, access_allows
from tests.factories import COURSE_ID, COURSE_KEY, GenerationJobFactory, UserFactory
from tests.rest_api_support import PREFIX, ROLES, client_for, course_url, world  # noqa: F401

# Learners are not on the course team: 404, as if the course did not exist (403 before issue 8).
READ = dict(anonymous=401, learner=404, other_learner=404, course_staff=200, instructor=200, global_staff=200)


def write(ok: int) -> dict[str, int]:
    return dict(anonymous=401, learner=404, other_learner=404, course_staff=403, instructor=ok, global_staff=ok)


SIGNED_IN = dict(anonymous=401, learner=200, other_learner=200, course_staff=200, instructor=200, global_staff=200)
# Self-generation is on; only the passing learner gets a certificate, everyone else a clear refusal.
SELF_GENERATE = dict(anonymous=401, learner=200, other_learner=409, course_staff=409, instructor=409, global_staff=409)
PUBLIC = dict.fromkeys(ROLES, 200)
# A learner's own credential: only the certified learner has one; everyone else in the course has no certificate.
MY_CREDENTIAL = dict(anonymous=401, learner=200, other_learner=404, course_staff=404, instructor=404, global_staff=404)


@pytest.fixture(autouse=True)
def credentials_key(settings):
    """A demo signing key: the credential endpoints answer (without one they answer 503)."""
    settings.CERT_MANAGER_VC_DEMO_KEY = True


def issued_list(w, root: str) -> str:
    """The path of the course's revocation list under ``root``, once a credential was issued (the list exists)."""
    from cert_manager_plugin import api

    api.credential_for(w.certificate.pk)
    return f"{root}/status/{COURSE_ID}/revocation"


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


def policy_job(w) -> dict:
    """The body undoing a finished policy change whose policies are the course's (so it can be undone)."""
    from cert_manager_plugin.policy_changes import current_policies

    after = current_policies(COURSE_KEY)
    before = {**after, "print_grade": not after["print_grade"]}
    params = {"policies": {"before": before, "after": after}}
    return {"job": GenerationJobFactory(state="succeeded", finished=timezone.now(), params=params).pk}


def bulk_file() -> dict:
    return {"file": SimpleUploadedFile("list.csv", b"username_or_email,notes\nfrodo,late\n", "text/csv")}


# (name, method, url(world, tmp_path), body, format, expected)
ENDPOINTS = [
    ("settings-get", "get", lambda w, t: course_url("settings"), None, None, READ),
    ("settings-patch", "patch", lambda w, t: course_url("settings"), {"print_grade": False}, "json", write(200)),
    (
        "settings-preview",
        "post",
        lambda w, t: course_url("settings/preview"),
        {"eligible_modes": ["verified"]},
        "json",
        write(200),
    ),
    (
        "settings-apply",
        "post",
        lambda w, t: course_url("settings/apply"),
        {"eligible_modes": ["verified"]},
        "json",
        write(202),
    ),
    ("settings-undo-get", "get", lambda w, t: course_url("settings/undo"), None, None, READ),
    ("settings-undo-post", "post", lambda w, t: course_url("settings/undo"), policy_job, "json", write(202)),
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
    (
        "certificate-delete-invalidate",
        "delete",
        lambda w, t: course_url("certificates/bilbo"),
        {"invalidate": True, "notes": "copied"},
        "json",
        write(204),
    ),
    ("revisions-get", "get", lambda w, t: course_url("certificates/bilbo/revisions"), None, None, READ),
    (
        "certificate-regenerate",
        "post",
        lambda w, t: course_url("certificates/bilbo/regenerate"),
        {"dry_run": False},
        "json",
        write(200),
    ),
    (
        "certificate-regenerate-dry-run",
        "post",
        lambda w, t: course_url("certificates/bilbo/regenerate"),
        {"dry_run": True},
        "json",
        write(200),
    ),
    ("learner-history-get", "get", lambda w, t: course_url("learners/bilbo/history"), None, None, READ),
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
    # verifiable credentials (issue 16)
    ("certificate-credential", "get", lambda w, t: course_url("certificates/bilbo/credential"), None, None, READ),
    ("me-credential", "get", lambda w, t: course_url("me/certificate/credential"), None, None, MY_CREDENTIAL),
    ("credential-settings-get", "get", lambda w, t: course_url("credentials/settings"), None, None, READ),
    (
        "credential-settings-patch",
        "patch",
        lambda w, t: course_url("credentials/settings"),
        {"valid_for_days": 365},
        "json",
        write(200),
    ),
    ("public-issuer", "get", lambda w, t: f"{PREFIX}/credentials/issuer", None, None, PUBLIC),
    ("public-issuer-did", "get", lambda w, t: f"{PREFIX}/credentials/issuer/did.json", None, None, PUBLIC),
    ("public-did-web", "get", lambda w, t: "/cert_manager/issuer/did.json", None, None, PUBLIC),
    (
        "public-achievement",
        "get",
        lambda w, t: f"{PREFIX}/credentials/achievements/{COURSE_ID}",
        None,
        None,
        PUBLIC,
    ),
    ("public-status-list", "get", lambda w, t: issued_list(w, PREFIX + "/credentials"), None, None, PUBLIC),
    ("public-status-list-id", "get", lambda w, t: issued_list(w, "/cert_manager/credentials"), None, None, PUBLIC),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "url", "body", "fmt", "expected"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_role_endpoint_matrix(world, tmp_path, role, name, method, url, body, fmt, expected):  # noqa: F811
    client = client_for(world.user(role))
    kwargs = {}
    body = body(world) if callable(body) else body  # a body naming rows of this test's database
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
    assert client.get(course_url("settings")).status_code == 404  # 403 before issue 8: told the course exists
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
    learner = jwt_client(world.learner, scopes=scopes, filters=filters).get(SETTINGS)
    assert (learner.status_code, learner.json()["code"]) == (404, "not_found")  # not on the team: no course


def test_restricted_app_with_a_malformed_or_unknown_course_keeps_the_api_errors(world):  # noqa: F811
    client = jwt_client(world.instructor, scopes=[READ_SCOPE], filters=[f"content_org:{ORG}"])
    bad = client.get(f"{PREFIX}/courses/not-a-course/settings")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_course_key")
    missing = client.get(course_url("settings", "course-v1:TestX+Nope+2026"))
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    admin = jwt_client(world.global_staff, scopes=[READ_SCOPE], filters=[f"content_org:{ORG}"])
    missing = admin.get(course_url("settings", "course-v1:TestX+Nope+2026"))
    assert (missing.status_code, missing.json()["code"]) == (404, "course_not_found")


def test_unrestricted_jwt_behaves_as_a_session(world):  # noqa: F811
    """The LMS's own JWTs (is_restricted false) are not limited by scopes or filters: the course role decides."""
    instructor = jwt_client(world.instructor, scopes=["email"], restricted=False)
    assert instructor.get(SETTINGS).status_code == 200
    assert instructor.patch(SETTINGS, {"print_grade": False}, format="json").status_code == 200
    staff = jwt_client(world.course_staff, restricted=False)
    assert staff.get(SETTINGS).status_code == 200
    assert_denied(staff.patch(SETTINGS, {"print_grade": True}, format="json"))
    assert jwt_client(world.learner, restricted=False).get(SETTINGS).status_code == 404


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


# --- no account or course oracle (issue 8, item 9) -----------------------------------------------------------

OTHER_ID = "course-v1:TestX+Other+2026"
MISSING_ID = "course-v1:TestX+Missing+2026"


def told(response, *secrets: str) -> tuple:
    """What a response tells its caller, with the identifiers it echoes (the caller's own input) blanked."""
    body = response.json()
    text = repr((body.get("code"), body.get("message"), body.get("details"), body.get("field_errors")))
    for secret in secrets:
        text = text.replace(secret, "<id>")
    return response.status_code, text


@pytest.fixture
def outsiders(world):  # noqa: F811
    """An instructor and a certified learner of another course: accounts that exist, outside the test course."""
    from tests.factories import CertificateFactory, CourseRoleFactory, LearnerRecordFactory, StandaloneCourseFactory

    StandaloneCourseFactory(course_key=OTHER_ID, display_name="Other")
    teacher = UserFactory(username="elrond", email="elrond@example.com")
    CourseRoleFactory(user=teacher, role="instructor", course_key=OTHER_ID)
    pupil = UserFactory(username="pippin", email="pippin@example.com")
    LearnerRecordFactory(user=pupil, course_key=OTHER_ID)
    CertificateFactory(user=pupil, course_key=OTHER_ID)
    return teacher, pupil


COURSE_ENDPOINTS = [e for e in ENDPOINTS if not e[0].startswith(("me-", "verify", "public-"))]


@pytest.mark.parametrize("who", ["learner", "elrond", "nobody_in_particular"])
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "fmt"), [e[:5] for e in COURSE_ENDPOINTS], ids=[e[0] for e in COURSE_ENDPOINTS]
)
def test_a_course_outside_yours_and_a_missing_course_look_the_same(
    world,  # noqa: F811
    outsiders,
    tmp_path,
    who,
    name,
    method,
    url,
    body,
    fmt,
):
    """Course staff of another course, learners and anyone else cannot tell whether a course exists."""
    user = {"learner": world.learner, "elrond": outsiders[0]}.get(who) or UserFactory(username=who)
    client = client_for(user)
    real = url(world, tmp_path)
    body = body(world) if callable(body) else body
    kwargs = {"data": bulk_file(), "format": "multipart"} if body == "bulk" else {}
    if body not in (None, "bulk"):
        kwargs = {"data": body, "format": fmt}
    existing = getattr(client, method)(real, **kwargs)
    if body == "bulk":
        kwargs = {"data": bulk_file(), "format": "multipart"}
    missing = getattr(client, method)(real.replace(COURSE_ID, MISSING_ID), **kwargs)
    assert existing.status_code == 404, existing.content
    assert told(existing, COURSE_ID) == told(missing, MISSING_ID)
    assert existing.json()["code"] == "not_found"


LOOKUPS = [
    ("certificate-get", "get", lambda u: course_url(f"certificates/{u}"), None),
    ("certificate-delete", "delete", lambda u: course_url(f"certificates/{u}"), None),
    ("revisions-get", "get", lambda u: course_url(f"certificates/{u}/revisions"), None),
    ("certificate-regenerate", "post", lambda u: course_url(f"certificates/{u}/regenerate"), None),
    ("learner-history-get", "get", lambda u: course_url(f"learners/{u}/history"), None),
    ("exceptions-post", "post", lambda u: course_url("exceptions"), "user"),
    ("exception-delete", "delete", lambda u: course_url(f"exceptions/{u}"), None),
    ("invalidations-post", "post", lambda u: course_url("invalidations"), "user"),
    ("certificate-credential", "get", lambda u: course_url(f"certificates/{u}/credential"), None),
]


@pytest.mark.parametrize("role", ["instructor", "course_staff"])
@pytest.mark.parametrize("identifier", ["elrond", "pippin@example.com", "PIPPIN"])
@pytest.mark.parametrize(("name", "method", "url", "field"), LOOKUPS, ids=[lookup[0] for lookup in LOOKUPS])
def test_a_learner_lookup_does_not_tell_whether_an_account_exists(
    world,  # noqa: F811
    outsiders,
    role,
    identifier,
    name,
    method,
    url,
    field,
):
    """
    ``certificate_not_found`` vs ``user_not_found`` told course staff of any course whether any username or email
    existed; an account outside the course now gets the answer of an unknown one.
    """
    client = client_for(world.user(role))

    def ask(who):
        kwargs = {"data": {field: who, "notes": "x"}, "format": "json"} if field else {}
        return getattr(client, method)(url(who), **kwargs)

    existing, unknown = ask(identifier), ask("zz-no-such-account")
    assert told(existing, identifier) == told(unknown, "zz-no-such-account")
    if role == "instructor" or method == "get":
        assert (existing.status_code, existing.json()["code"]) == (404, "user_not_found")
        assert existing.json()["message"] == f"No learner '{identifier}' in this course."
    else:
        assert existing.status_code == 403  # course staff cannot write: refused before any lookup


def test_lookups_of_learners_of_the_course_keep_their_codes(world):  # noqa: F811
    client = client_for(world.instructor)
    assert client.get(course_url("certificates/frodo")).json()["code"] == "certificate_not_found"
    assert client.post(course_url("exceptions"), {"user": "merry"}, format="json").json()["code"] == "already_listed"
    assert client.delete(course_url("exceptions/frodo")).json()["code"] == "not_found"
    assert client.post(course_url("invalidations"), {"user": "frodo"}, format="json").json()["code"] == (
        "certificate_not_found"
    )


def test_global_staff_see_the_real_reasons(world, outsiders):  # noqa: F811
    admin = client_for(world.global_staff)
    assert admin.get(course_url("settings", MISSING_ID)).json()["code"] == "course_not_found"
    assert admin.get(course_url("certificates/zz-no-such-account")).json()["code"] == "user_not_found"
    assert admin.get(course_url("certificates/pippin")).json()["code"] == "certificate_not_found"
    assert admin.post(course_url("exceptions"), {"user": "pippin"}, format="json").json()["code"] == "not_enrolled"


@pytest.mark.parametrize("method", ["get", "post"])
def test_my_course_certificate_does_not_tell_whether_a_course_exists(world, outsiders, method):  # noqa: F811
    """A learner asking about a course they are not in gets the answer of a course that does not exist."""
    client = client_for(world.learner)
    other = getattr(client, method)(course_url("me/certificate", OTHER_ID))
    missing = getattr(client, method)(course_url("me/certificate", MISSING_ID))
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    assert told(other, OTHER_ID) == told(missing, MISSING_ID)
    pupil = client_for(outsiders[1])
    assert getattr(pupil, method)(course_url("me/certificate", OTHER_ID)).status_code in (200, 409)


def test_my_course_certificate_for_the_team_and_global_staff(world, outsiders):  # noqa: F811
    assert client_for(outsiders[0]).get(course_url("me/certificate", OTHER_ID)).status_code == 200
    assert client_for(world.global_staff).get(course_url("me/certificate", OTHER_ID)).status_code == 200
    missing = client_for(world.global_staff).get(course_url("me/certificate", MISSING_ID))
    assert (missing.status_code, missing.json()["code"]) == (404, "course_not_found")


# --- the content_org filter names the course the view acts on (issue 13, item 5) ---------------------------

# Other spellings of COURSE_ID: the course lookup finds the course in any case, the view acts on it.
CASE_VARIANTS = ["course-v1:testx+cm101+2026", "course-v1:TESTX+CM101+2026", "course-v1:tEsTx+Cm101+2026"]


def org_of(course_id: str) -> str:
    """The organization as spelled in a course id (``course-v1:<org>+…``)."""
    return course_id.split(":", 1)[1].split("+", 1)[0]


@pytest.mark.parametrize("variant", CASE_VARIANTS, ids=["lower", "upper", "mixed"])
def test_a_filter_for_the_urls_spelling_of_the_org_does_not_reach_the_course(world, variant):  # noqa: F811
    """The reported hole: ``content_org:testx`` changed the settings of ``TestX`` through a lower-case URL."""
    client = jwt_client(world.instructor, scopes=[READ_SCOPE, WRITE_SCOPE], filters=[f"content_org:{org_of(variant)}"])
    url = course_url("settings", variant)
    assert_denied(client.get(url), mentions=f"content_org:{ORG}")
    assert_denied(client.patch(url, {"print_grade": False}, format="json"), mentions=f"content_org:{ORG}")
    assert_denied(client.post(course_url("jobs", variant), {"kind": "generate_all"}, format="json"))
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).print_grade is True
    assert not GenerationJob.objects.filter(course_key=COURSE_KEY).exists()


@pytest.mark.parametrize("variant", CASE_VARIANTS, ids=["lower", "upper", "mixed"])
def test_the_courses_own_org_filter_works_through_any_spelling(world, variant):  # noqa: F811
    client = jwt_client(world.instructor, scopes=[READ_SCOPE, WRITE_SCOPE], filters=[f"content_org:{ORG}"])
    url = course_url("settings", variant)
    assert client.get(url).status_code == 200
    assert client.patch(url, {"print_grade": False}, format="json").status_code == 200
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).print_grade is False


def test_the_canonical_url_still_needs_the_courses_org(world):  # noqa: F811
    scopes = [READ_SCOPE, WRITE_SCOPE]
    wrong = jwt_client(world.instructor, scopes=scopes, filters=[f"content_org:{ORG.lower()}"])
    assert_denied(wrong.get(SETTINGS), mentions=f"content_org:{ORG}")
    assert_denied(wrong.patch(SETTINGS, {"print_grade": False}, format="json"), mentions=f"content_org:{ORG}")
    right = jwt_client(world.instructor, scopes=scopes, filters=[f"content_org:{ORG}"])
    assert right.get(SETTINGS).status_code == 200
    assert right.patch(SETTINGS, {"print_grade": False}, format="json").status_code == 200


@pytest.mark.parametrize("variant", CASE_VARIANTS, ids=["lower", "upper", "mixed"])
def test_the_learners_course_certificate_needs_the_courses_own_org(world, variant):  # noqa: F811
    scopes = [READ_SCOPE, WRITE_SCOPE]
    url = course_url("me/certificate", variant)
    spelled = jwt_client(world.learner, scopes=scopes, filters=["user:me", f"content_org:{org_of(variant)}"])
    assert_denied(spelled.get(url), mentions=f"content_org:{ORG}")
    assert_denied(spelled.post(url), mentions=f"content_org:{ORG}")
    own = jwt_client(world.learner, scopes=scopes, filters=["user:me", f"content_org:{ORG}"])
    assert own.get(url).status_code == 200


@pytest.mark.parametrize("filters", [["content_org:testx"], ["content_org:OtherX"]], ids=["url-spelling", "other"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_restricted_token_cannot_tell_whether_a_course_exists(world, outsiders, filters, method):  # noqa: F811
    """A course the caller is not in and a missing one get the same answer, whatever the token's org filter."""
    client = jwt_client(outsiders[1], scopes=[READ_SCOPE, WRITE_SCOPE], filters=["user:me", *filters])
    existing_id, missing_id = "course-v1:testx+cm101+2026", "course-v1:testx+nope+2026"
    existing = getattr(client, method)(course_url("me/certificate", existing_id))
    missing = getattr(client, method)(course_url("me/certificate", missing_id))
    assert (existing.status_code, existing.json()["code"]) == (404, "not_found")
    assert told(existing, existing_id) == told(missing, missing_id)


# --- a JWT the server cannot check is a 401, never a 500 (issue 13, item 5) ----------------------------------


@pytest.mark.parametrize("key_set", ['{"keys": []}', '{"keys":[]}', "not json", '{"keys": [{"kty": "nope"}]}'])
def test_an_unusable_public_key_set_refuses_a_correctly_signed_token(world, settings, caplog, key_set):  # noqa: F811
    """``{"keys": []}`` made edx-drf-extensions raise ``PyJWKSetError``: a 500 for every JWT."""
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_PUBLIC_SIGNING_JWK_SET": key_set}
    with caplog.at_level("WARNING"):
        response = jwt_client(world.instructor, restricted=False).get(SETTINGS)
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "authentication_failed"
    assert body["message"].startswith("The token could not be verified")
    assert response["WWW-Authenticate"].startswith("JWT")
    assert any("JWT_PUBLIC_SIGNING_JWK_SET" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")


@pytest.mark.parametrize("key_set", [None, "", '{"keys": []}'])
def test_without_a_usable_public_key_a_forged_token_is_refused(world, settings, key_set):  # noqa: F811
    """The guard: an empty key set never lets a token through unchecked."""
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_PUBLIC_SIGNING_JWK_SET": key_set}
    issuer = settings.JWT_AUTH["JWT_ISSUERS"][0]
    claims = jwt.decode(
        generate_jwt(world.global_staff), issuer["SECRET_KEY"], algorithms=["HS256"], audience=issuer["AUDIENCE"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {jwt.encode(claims, 'someone-elses-key-' * 2, algorithm='HS256')}")
    response = client.patch(SETTINGS, {"print_grade": False}, format="json")
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).print_grade is True
