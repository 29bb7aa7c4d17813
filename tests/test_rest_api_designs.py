"""
REST API v1 of certificate designs (issue 17): ``courses/{course_id}/design…``.

Every endpoint by every role (course staff read and preview, instructors and global staff write, anyone else
404 as if there were no course), restricted OAuth applications, CSRF on session writes, the document's
validation errors (field paths), versions and their queries, hostile uploads, previews (sample and real learner,
nothing saved, no script) and applying a version (dry run, one job, a second click refused).
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test.utils import CaptureQueriesContext
from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt
from PIL import Image
from rest_framework.test import APIClient

from cert_manager_plugin import api, lms
from cert_manager_plugin.designs.models import DesignAsset, DesignVersion
from cert_manager_plugin.models import Certificate, CertificateRevision, GenerationJob
from cert_manager_plugin.rest_api.permissions import READ_SCOPE, WRITE_SCOPE
from tests.factories import COURSE_ID, COURSE_KEY, CourseRoleFactory, StandaloneCourseFactory, UserFactory
from tests.rest_api_support import ROLES, client_for, course_url, world  # noqa: F401

pytestmark = pytest.mark.django_db

OTHER_ID = "course-v1:TestX+Other+2026"


def document(**changes: object) -> dict:
    """A valid design document (the classic base, its colours changed, every block given)."""
    doc = {
        "base": "classic",
        "colours": {"primary": "#123456", "accent": "#b8943f", "text": "#26262e", "background": "#ffffff"},
        "font": "serif",
        "logo": "",
        "background": "",
        "show_qr": True,
        "blocks": {
            "title": "Certificate of Achievement",
            "intro": "This certifies that",
            "completion": "{learner_name} has completed {course_name}",
            "footer": "Issued {issue_date}",
        },
        "overrides": {},
    }
    doc.update(changes)
    return doc


def error(response, status: int, code: str) -> dict:
    """Assert the JSON error shape and return the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    return body


def png(width: int = 40, height: int = 20, fmt: str = "PNG") -> bytes:
    """A real image of that size."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads go to a fresh MEDIA_ROOT (the setting_changed signal resets default_storage)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MEDIA_URL = "/media/"
    return tmp_path / "media"


def saved(w, number_of_versions: int = 1) -> int:
    """Save versions through the API as the instructor; the newest number."""
    for n in range(number_of_versions):
        row = api.save_design_version(COURSE_KEY, document(), user=w.instructor, note=f"v{n + 1}")
    return row.number


# --- every endpoint by every role ---------------------------------------------------------------------------

READ = dict(anonymous=401, learner=404, other_learner=404, course_staff=200, instructor=200, global_staff=200)


def write(ok: int) -> dict[str, int]:
    return dict(anonymous=401, learner=404, other_learner=404, course_staff=403, instructor=ok, global_staff=ok)


def asset_body(w) -> dict:
    return {"file": upload("logo.png", png()), "kind": "logo"}


# (name, method, url(world), body(world) or None, format, expected)
ENDPOINTS = [
    ("design-get", "get", lambda w: course_url("design"), None, None, READ),
    ("versions-get", "get", lambda w: course_url("design/versions"), None, None, READ),
    (
        "versions-post",
        "post",
        lambda w: course_url("design/versions"),
        lambda w: {"document": document(), "note": "new colours"},
        "json",
        write(201),
    ),
    ("version-get", "get", lambda w: course_url(f"design/versions/{saved(w)}"), None, None, READ),
    ("assets-post", "post", lambda w: course_url("design/assets"), asset_body, "multipart", write(201)),
    (
        "preview-html",
        "post",
        lambda w: course_url("design/preview"),
        lambda w: {"document": document()},
        "json",
        READ,  # a preview is a read: course staff may ask for one
    ),
    (
        "preview-learner",
        "post",
        lambda w: course_url("design/preview"),
        lambda w: {"document": document(), "username": "bilbo"},
        "json",
        READ,
    ),
    ("apply-get", "get", lambda w: course_url("design/apply"), None, None, READ),
    (
        "apply-post",
        "post",
        lambda w: course_url("design/apply"),
        lambda w: {"version": saved(w)},
        "json",
        write(202),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "url", "body", "fmt", "expected"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_role_endpoint_matrix(world, role, name, method, url, body, fmt, expected):  # noqa: F811
    client = client_for(world.user(role))
    path = url(world)
    kwargs = {"data": body(world), "format": fmt} if body else {}  # rows the body names exist before the counts
    versions, assets, jobs = DesignVersion.objects.count(), DesignAsset.objects.count(), GenerationJob.objects.count()
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == expected[role], (name, role, response.content[:300])
    if response.status_code >= 400:
        error(response, expected[role], response.json()["code"])
        after = (DesignVersion.objects.count(), DesignAsset.objects.count(), GenerationJob.objects.count())
        assert after == (versions, assets, jobs)  # a refused request changes nothing


@pytest.fixture
def stranger(world):  # noqa: F811
    """An instructor of another course: an account that exists, on no team of this course."""
    StandaloneCourseFactory(course_key=OTHER_ID, display_name="Other")
    user = UserFactory(username="elrond")
    CourseRoleFactory(user=user, role="instructor", course_key=OTHER_ID)
    return user


@pytest.mark.parametrize(("name", "method", "url", "body", "fmt", "expected"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_a_stranger_cannot_tell_the_course_exists(world, stranger, name, method, url, body, fmt, expected):  # noqa: F811
    client = client_for(stranger)
    path = url(world)
    existing = getattr(client, method)(path, **({"data": body(world), "format": fmt} if body else {}))
    missing_path = path.replace(COURSE_ID, "course-v1:TestX+Missing+2026")
    missing = getattr(client, method)(missing_path, **({"data": body(world), "format": fmt} if body else {}))
    assert error(existing, 404, "not_found")["message"] == error(missing, 404, "not_found")["message"].replace(
        "course-v1:TestX+Missing+2026", COURSE_ID
    )


def test_a_course_team_role_elsewhere_grants_nothing_here(world, stranger):  # noqa: F811
    client = client_for(stranger)
    assert client.get(course_url("design", OTHER_ID)).status_code == 200
    response = client.post(course_url("design/versions", OTHER_ID), {"document": document()}, format="json")
    assert response.status_code == 201
    assert client.get(course_url("design")).status_code == 404
    assert not DesignVersion.objects.filter(course_key=COURSE_KEY).exists()


# --- restricted OAuth applications and CSRF -----------------------------------------------------------------


def jwt_client(user, *, scopes, filters, restricted: bool = True) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    token = generate_jwt(user, scopes=scopes, filters=filters, is_restricted=restricted)
    client.credentials(HTTP_AUTHORIZATION=f"JWT {token}")
    return client


def test_a_restricted_app_with_the_read_scope_reads_and_previews_but_cannot_save(world):  # noqa: F811
    client = jwt_client(world.instructor, scopes=[READ_SCOPE], filters=[f"content_org:{COURSE_KEY.org}"])
    assert client.get(course_url("design")).status_code == 200
    assert client.get(course_url("design/apply")).status_code == 200
    preview = client.post(course_url("design/preview"), {"document": document()}, format="json")
    assert preview.status_code == 200  # a preview is a read: certificates:read suffices
    refused = client.post(course_url("design/versions"), {"document": document()}, format="json")
    assert WRITE_SCOPE in error(refused, 403, "permission_denied")["message"]
    assert not DesignVersion.objects.exists()


def test_a_restricted_app_with_the_write_scope_saves(world):  # noqa: F811
    scopes = [READ_SCOPE, WRITE_SCOPE]
    client = jwt_client(world.instructor, scopes=scopes, filters=[f"content_org:{COURSE_KEY.org}"])
    assert client.post(course_url("design/versions"), {"document": document()}, format="json").status_code == 201
    writer_only = jwt_client(world.instructor, scopes=[WRITE_SCOPE], filters=[f"content_org:{COURSE_KEY.org}"])
    response = writer_only.post(course_url("design/preview"), {"document": document()}, format="json")
    assert READ_SCOPE in error(response, 403, "permission_denied")["message"]


@pytest.mark.parametrize("filters", [[], ["content_org:OtherX"], [f"content_org:{COURSE_KEY.org.lower()}"]])
def test_a_restricted_app_needs_the_courses_own_org(world, filters):  # noqa: F811
    client = jwt_client(world.instructor, scopes=[READ_SCOPE, WRITE_SCOPE], filters=filters)
    for response in (
        client.get(course_url("design")),
        client.post(course_url("design/preview"), {"document": document()}, format="json"),
        client.post(course_url("design/versions"), {"document": document()}, format="json"),
        client.post(course_url("design/apply"), {}, format="json"),
    ):
        assert f"content_org:{COURSE_KEY.org}" in error(response, 403, "permission_denied")["message"]
    assert not DesignVersion.objects.exists()


def csrf_headers(client) -> dict:
    """Give the session client a CSRF cookie; the header that goes with it."""
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    return {"HTTP_X_CSRFTOKEN": _mask_cipher_secret(secret)}


def test_session_writes_need_the_csrf_token(world):  # noqa: F811
    saved(world)
    client = client_for(world.instructor, csrf=True)
    assert client.get(course_url("design")).status_code == 200  # reads need no token
    for path, body, fmt in (
        ("design/versions", {"document": document()}, "json"),
        ("design/preview", {"document": document()}, "json"),
        ("design/apply", {}, "json"),
        ("design/assets", {"file": upload("l.png", png()), "kind": "logo"}, "multipart"),
    ):
        response = client.post(course_url(path), body, format=fmt)
        assert "CSRF" in error(response, 403, "permission_denied")["message"], path
    assert (DesignVersion.objects.count(), DesignAsset.objects.count(), GenerationJob.objects.count()) == (1, 0, 0)
    headers = csrf_headers(client)
    response = client.post(course_url("design/versions"), {"document": document()}, format="json", **headers)
    assert response.status_code == 201, response.content
    response = client.post(
        course_url("design/assets"), {"file": upload("l.png", png()), "kind": "logo"}, format="multipart", **headers
    )
    assert response.status_code == 201, response.content


def test_course_staff_may_preview_with_the_csrf_token(world):  # noqa: F811
    client = client_for(world.course_staff, csrf=True)
    response = client.post(course_url("design/preview"), {"document": document()}, format="json")
    error(response, 403, "permission_denied")
    headers = csrf_headers(client)
    response = client.post(course_url("design/preview"), {"document": document()}, format="json", **headers)
    assert response.status_code == 200


# --- the design and its versions ----------------------------------------------------------------------------


def test_the_design_before_any_save_lists_the_library(world):  # noqa: F811
    body = client_for(world.course_staff).get(course_url("design")).json()
    assert body["current"] is None
    assert {entry["id"] for entry in body["library"]} >= {"classic", "modern", "minimal"}
    for entry in body["library"]:
        assert entry["name"] and entry["defaults"]["colours"]["primary"].startswith("#")
    assert set(body["variables"]) == {"learner_name", "course_name", "grade", "issue_date", "verify_url"}
    assert set(body["fonts"]) >= {"sans", "serif"}


def test_saving_versions_numbers_them_and_the_newest_is_current(world):  # noqa: F811
    client = client_for(world.instructor)
    first = client.post(course_url("design/versions"), {"document": document(), "note": "first"}, format="json")
    assert first.status_code == 201, first.content
    assert (first.json()["number"], first.json()["note"], first.json()["created_by"]) == (1, "first", "teacher")
    assert first.json()["course_id"] == COURSE_ID
    changed = document(colours={**document()["colours"], "primary": "#ABCDEF"})
    second = client.post(course_url("design/versions"), {"document": changed}, format="json").json()
    assert (second["number"], second["note"]) == (2, "")
    current = client.get(course_url("design")).json()["current"]
    assert current["number"] == 2
    assert current["document"]["colours"]["primary"].lower() == "#abcdef"
    listed = client.get(course_url("design/versions")).json()
    assert (listed["count"], [v["number"] for v in listed["results"]]) == (2, [2, 1])
    one = client.get(course_url("design/versions/1")).json()
    assert (one["number"], one["note"], one["document"]["colours"]["primary"]) == (1, "first", "#123456")


@pytest.mark.parametrize("number", ["3", "0", "-1", "abc", "1.5", "2147483648", "9" * 40])
def test_an_unknown_version_is_a_404(world, number):  # noqa: F811
    saved(world, 2)
    error(client_for(world.instructor).get(course_url(f"design/versions/{number}")), 404, "not_found")


def test_another_courses_versions_are_not_this_courses(world, stranger):  # noqa: F811
    api.save_design_version(api.parse_course_key(OTHER_ID), document(), user=stranger)
    client = client_for(world.global_staff)
    assert client.get(course_url("design")).json()["current"] is None
    error(client.get(course_url("design/versions/1")), 404, "not_found")
    assert client.get(course_url("design/versions/1", OTHER_ID)).status_code == 200


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"blocks": {"title": "Hello {password}"}}, "blocks.title"),
        ({"blocks": {"footer": "x" * 301}}, "blocks.footer"),
        ({"colours": {"primary": "red"}}, "colours.primary"),
        ({"colours": {"primary": "#12345"}}, "colours.primary"),
        ({"base": "baroque"}, "base"),
        ({"font": "comic"}, "font"),
        ({"script": "alert(1)"}, "script"),
        ({"overrides": {"lang:es": {"blocks": {"intro": "{nombre}"}}}}, "overrides.lang:es.blocks.intro"),
        ({"logo": "https://evil.example/logo.svg"}, "logo"),
    ],
    ids=["variable", "too-long", "colour-name", "short-hex", "base", "font", "unknown-key", "override", "logo-url"],
)
def test_an_invalid_document_is_a_400_naming_its_field(world, changes, path):  # noqa: F811
    client = client_for(world.instructor)
    bad = {**document(), **changes}
    body = error(client.post(course_url("design/versions"), {"document": bad}, format="json"), 400, "invalid_input")
    assert path in body["field_errors"], body
    assert body["field_errors"][path][0]
    preview = client.post(course_url("design/preview"), {"document": bad}, format="json")
    assert path in error(preview, 400, "invalid_input")["field_errors"]  # the preview refuses it alike
    assert not DesignVersion.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "document"),
        ({"document": "classic"}, "document"),
        ({"document": [1, 2]}, "document"),
        ({"document": None}, "document"),
        ({"document": document(), "note": "n" * 256}, "note"),
    ],
    ids=["missing", "string", "list", "null", "long-note"],
)
def test_a_malformed_request_is_a_400_naming_its_field(world, body, field):  # noqa: F811
    response = client_for(world.instructor).post(course_url("design/versions"), body, format="json")
    assert field in error(response, 400, "invalid_input")["field_errors"]
    assert not DesignVersion.objects.exists()


def test_hostile_json_bodies_are_400s(world):  # noqa: F811
    client = client_for(world.instructor)
    for raw in (b"{nope", b"[" * 5000, b'{"document": NaN}'):
        for path in ("design/versions", "design/preview", "design/apply"):
            response = client.generic("POST", course_url(path), raw, content_type="application/json")
            error(response, 400, "invalid_input")
    form = client.post(course_url("design/versions"), {"document": "x"})  # a form post: JSON only
    error(form, 415, "unsupported_media_type")
    assert not DesignVersion.objects.exists()


def add_versions(w, start: int, count: int) -> None:
    DesignVersion.objects.bulk_create(
        [
            DesignVersion(course_key=COURSE_KEY, number=start + n + 1, document=document(), created_by=w.instructor)
            for n in range(count)
        ]
    )


def test_the_version_list_queries_do_not_grow_with_versions(world):  # noqa: F811
    client = client_for(world.course_staff)
    url = course_url("design/versions") + "?page_size=500"
    client.get(url)  # warm up
    add_versions(world, 0, 10)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).json()["count"] == 10
    add_versions(world, 10, 590)
    with CaptureQueriesContext(connection) as large:
        body = client.get(url).json()
    assert (body["count"], len(body["results"]), body["results"][0]["number"]) == (600, 500, 600)
    assert body["results"][0]["created_by"] == "teacher"
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_design_read_is_a_constant_number_of_queries(world):  # noqa: F811
    client = client_for(world.course_staff)
    client.get(course_url("design"))
    add_versions(world, 0, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(course_url("design"))
    add_versions(world, 1, 200)
    with CaptureQueriesContext(connection) as many:
        assert client.get(course_url("design")).json()["current"]["number"] == 201
    assert len(many.captured_queries) == len(one.captured_queries)


# --- uploads ------------------------------------------------------------------------------------------------


def post_asset(client, content: bytes, name: str = "logo.png", content_type: str = "image/png", kind: str = "logo"):
    body = {"file": upload(name, content, content_type), "kind": kind}
    return client.post(course_url("design/assets"), body, format="multipart")


@pytest.mark.parametrize(
    ("fmt", "name", "content_type"), [("PNG", "l.png", "image/png"), ("JPEG", "b.jpg", "image/jpeg")]
)
def test_an_image_upload_gives_the_name_for_the_document(world, media, fmt, name, content_type):  # noqa: F811
    client = client_for(world.instructor)
    response = post_asset(client, png(64, 32, fmt), name, content_type, kind="background")
    assert response.status_code == 201, response.content
    asset = response.json()
    assert (asset["kind"], asset["width"], asset["height"]) == ("background", 64, 32)
    assert asset["name"].startswith("cert_manager/designs/") and str(COURSE_KEY) not in asset["name"]
    assert asset["url"]
    assert (media / asset["name"]).exists()
    saved_doc = client.post(
        course_url("design/versions"), {"document": document(background=asset["name"])}, format="json"
    )
    assert saved_doc.status_code == 201, saved_doc.content
    assert saved_doc.json()["document"]["background"] == asset["name"]


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (SVG, "logo.svg", "image/svg+xml"),
        (SVG, "logo.png", "image/png"),  # an SVG under a PNG's name and type
        (b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 200, "logo.png", "image/png"),  # a PNG header on garbage
        (png()[:60], "logo.png", "image/png"),  # a truncated PNG
        (b"%PDF-1.4\n%%EOF\n", "logo.pdf", "application/pdf"),
        (b"GIF89a" + png(), "logo.gif", "image/gif"),
        (b"", "logo.png", "image/png"),
    ],
    ids=["svg", "svg-named-png", "png-header-garbage", "truncated", "pdf", "gif", "empty"],
)
def test_hostile_uploads_are_clear_400s(world, media, content, name, content_type):  # noqa: F811
    response = post_asset(client_for(world.instructor), content, name, content_type)
    body = error(response, 400, "invalid_input")
    assert body["field_errors"]["file"][0]
    assert not DesignAsset.objects.exists()
    assert not list(media.rglob("*.*"))  # nothing stored


def test_an_image_with_too_many_pixels_is_refused(world):  # noqa: F811
    big = io.BytesIO()
    Image.new("1", (4001, 10)).save(big, "PNG")
    body = error(post_asset(client_for(world.instructor), big.getvalue()), 400, "invalid_input")
    assert "4000" in body["field_errors"]["file"][0]
    assert not DesignAsset.objects.exists()


def test_another_kind_or_no_file_is_a_400(world):  # noqa: F811
    client = client_for(world.instructor)
    assert "kind" in error(post_asset(client, png(), kind="favicon"), 400, "invalid_input")["field_errors"]
    response = client.post(course_url("design/assets"), {"kind": "logo"}, format="multipart")
    assert "file" in error(response, 400, "invalid_input")["field_errors"]
    response = client.post(course_url("design/assets"), {"file": "x", "kind": "logo"}, format="json")
    error(response, 415, "unsupported_media_type")
    assert not DesignAsset.objects.exists()


@pytest.fixture
def never_stored(monkeypatch):
    """Fail the test if any part of an upload is written to a temporary file (it would have been read)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the upload was read")

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", refuse)


def twenty_mb() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * (20 * 1024 * 1024)


def test_a_20_mb_upload_is_refused_before_it_is_read(world, never_stored):  # noqa: F811
    body = error(post_asset(client_for(world.instructor), twenty_mb()), 400, "invalid_input")
    assert "2,097,152" in body["message"]
    assert body["field_errors"]["file"]
    assert not DesignAsset.objects.exists()


def test_a_20_mb_upload_through_a_csrf_checked_session_is_not_read_either(world, never_stored):  # noqa: F811
    """The session's CSRF check reads the form before the view: the guard leaves it unread, the view refuses it."""
    client = client_for(world.instructor, csrf=True)
    headers = csrf_headers(client)
    body = {"file": upload("big.png", twenty_mb()), "kind": "logo"}
    response = client.post(course_url("design/assets"), body, format="multipart", **headers)
    assert "2,097,152" in error(response, 400, "invalid_input")["message"]


def test_course_staff_cannot_upload(world, media):  # noqa: F811
    error(post_asset(client_for(world.course_staff), png()), 403, "permission_denied")
    assert not DesignAsset.objects.exists()
    assert not list(media.rglob("*.*"))


# --- previews -----------------------------------------------------------------------------------------------


def preview(client, **body):
    return client.post(course_url("design/preview"), {"document": document(), **body}, format="json")


def assert_safe_page(response) -> str:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/html")
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "img-src 'self' data:;" in csp and "frame-ancestors 'self'" in csp and "form-action 'none'" in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    return response.content.decode()


def counts() -> tuple:
    return (
        DesignVersion.objects.count(),
        Certificate.objects.count(),
        CertificateRevision.objects.count(),
        GenerationJob.objects.count(),
    )


def test_a_preview_for_the_sample_learner_saves_nothing(world):  # noqa: F811
    before = counts()
    page = assert_safe_page(preview(client_for(world.course_staff)))
    assert "Sample Learner" in page
    assert "Certificate of Achievement" in page
    assert "#123456" in page.lower()
    assert counts() == before


def printed_name(user) -> str:
    """The name the plugin prints for a learner: the LMS profile's inside the LMS, else the account's full name."""
    return lms.backend().display_names([user.pk]).get(user.pk) or user.username


def test_a_preview_for_a_real_learner_shows_their_name(world):  # noqa: F811
    name = printed_name(world.learner)
    assert name == ("bilbo" if lms.inside_lms() else "Bilbo Baggins")  # the LMS host's learner has no profile name
    before = counts()
    page = assert_safe_page(preview(client_for(world.instructor), username="bilbo"))
    assert f">{name}<" in page and "Sample Learner" not in page
    by_email = assert_safe_page(preview(client_for(world.instructor), username="bilbo@example.com"))
    assert f">{name}<" in by_email
    assert counts() == before
    assert Certificate.objects.get(user=world.learner).design_version_id is None


def test_a_preview_escapes_what_the_team_typed(world):  # noqa: F811
    blocks = {**document()["blocks"], "title": "<script>alert(1)</script><img src=x onerror=alert(2)>"}
    response = client_for(world.instructor).post(
        course_url("design/preview"), {"document": document(blocks=blocks)}, format="json"
    )
    page = assert_safe_page(response)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("who", ["zz-nobody", "elrond", "pippin", "PIPPIN@example.com"])
def test_a_preview_for_someone_outside_the_course_is_a_404(world, stranger, who):  # noqa: F811
    from tests.factories import CertificateFactory, LearnerRecordFactory

    pippin = UserFactory(username="pippin", email="pippin@example.com")
    LearnerRecordFactory(user=pippin, course_key=OTHER_ID)
    CertificateFactory(user=pippin, course_key=OTHER_ID)
    for role in ("instructor", "course_staff"):
        body = error(preview(client_for(world.user(role)), username=who), 404, "user_not_found")
        assert body["message"] == f"No learner '{who}' in this course."


def test_a_pdf_preview(world):  # noqa: F811
    before = counts()
    response = preview(client_for(world.course_staff), username="bilbo", format="pdf")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("inline")
    assert "no-store" in response["Cache-Control"]
    assert counts() == before


def test_a_preview_request_is_checked(world):  # noqa: F811
    client = client_for(world.instructor)
    assert "format" in error(preview(client, format="docx"), 400, "invalid_input")["field_errors"]
    empty = client.post(course_url("design/preview"), {}, format="json")
    assert "document" in error(empty, 400, "invalid_input")["field_errors"]
    response = client.post(
        course_url("design/preview"), {"document": document()}, format="json", HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 200  # a browser's Accept header still gets the page
    error(preview(client, username="zz\x00"), 404, "user_not_found")
    for language in ("../../etc", "e", "es es", "<b>"):
        assert "language" in error(preview(client, language=language), 400, "invalid_input")["field_errors"]
    assert "mode" in error(preview(client, mode="verified/../x"), 400, "invalid_input")["field_errors"]
    assert preview(client, language="pt-br", mode="verified").status_code == 200


# --- applying a version to issued certificates --------------------------------------------------------------


def test_the_dry_run_before_any_design(world):  # noqa: F811
    body = client_for(world.course_staff).get(course_url("design/apply")).json()
    assert (body["total"], body["version"]) == (0, None)


def test_apply_dry_run_then_start_then_nothing_left(world, django_capture_on_commit_callbacks):  # noqa: F811
    number = saved(world)
    staff, instructor = client_for(world.course_staff), client_for(world.instructor)
    dry = staff.get(course_url("design/apply")).json()
    assert (dry["total"], dry["by_mode"].get("verified"), dry["version"]) == (1, 1, number)
    assert staff.get(course_url(f"design/apply?version={number}")).json() == dry
    revision = Certificate.objects.get(user=world.learner).revision
    with django_capture_on_commit_callbacks(execute=True):
        response = instructor.post(course_url("design/apply"), {}, format="json")
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["kind"], job["course_id"], job["requested_by"]) == ("apply_design", COURSE_ID, "teacher")
    certificate = Certificate.objects.get(user=world.learner)
    assert certificate.design_version.number == number
    assert certificate.revision == revision + 1
    assert staff.get(course_url("design/apply")).json()["total"] == 0
    assert instructor.get(course_url(f"jobs/{job['id']}")).json()["state"] == "succeeded"


def test_a_second_apply_while_the_first_is_queued_starts_no_second_job(world):  # noqa: F811
    saved(world)
    client = client_for(world.instructor)
    first = client.post(course_url("design/apply"), {"version": 1}, format="json")  # queued: commit never comes
    assert first.status_code == 202, first.content
    error(client.post(course_url("design/apply"), {"version": 1}, format="json"), 409, "job_already_running")
    assert GenerationJob.objects.filter(course_key=COURSE_KEY, kind="apply_design").count() == 1


def test_applying_an_unknown_version_or_none_yet(world):  # noqa: F811
    client = client_for(world.instructor)
    error(client.post(course_url("design/apply"), {}, format="json"), 400, "invalid_input")
    saved(world)
    error(client.post(course_url("design/apply"), {"version": 7}, format="json"), 404, "not_found")
    error(client.get(course_url("design/apply?version=7")), 404, "not_found")
    assert "version" in error(client.get(course_url("design/apply?version=abc")), 400, "invalid_input")["field_errors"]
    for number in (0, -3, 2**31, 10**40, "x"):
        bad = client.post(course_url("design/apply"), {"version": number}, format="json")
        assert "version" in error(bad, 400, "invalid_input")["field_errors"]
    assert "version" in error(client.get(course_url("design/apply?version=0")), 400, "invalid_input")["field_errors"]
    assert not GenerationJob.objects.exists()


def test_a_document_with_signatories_and_an_uploaded_signature_saves(world, media):  # noqa: F811
    client = client_for(world.instructor)
    signature = post_asset(client, png(), "s.png", kind="signature")
    assert signature.status_code == 201, signature.content
    assert signature.json()["kind"] == "signature"
    people = [
        {
            "name": "Ada Lovelace",
            "title": "Dean",
            "organization": "Analytical U",
            "signature": signature.json()["name"],
        },
        {"name": "Grace Hopper"},
    ]
    response = client.post(course_url("design/versions"), {"document": document(signatories=people)}, format="json")
    assert response.status_code == 201, response.content
    stored = response.json()["document"]["signatories"]
    assert [s["name"] for s in stored] == ["Ada Lovelace", "Grace Hopper"]
    assert stored[0]["signature"] == signature.json()["name"] and stored[1]["signature"] == ""


@pytest.mark.parametrize(
    ("signatories", "path"),
    [
        ([{"title": "Dean"}], "signatories.0.name"),
        ([{"name": "Ada"}, {"name": "x" * 101}], "signatories.1.name"),
        ([{"name": "Ada", "signature": "https://evil.example/s.png"}], "signatories.0.signature"),
    ],
)
def test_a_bad_signatory_is_a_400_naming_its_field(world, signatories, path):  # noqa: F811
    body = error(
        client_for(world.instructor).post(
            course_url("design/versions"), {"document": document(signatories=signatories)}, format="json"
        ),
        400,
        "invalid_input",
    )
    assert path in body["field_errors"], body
    assert not DesignVersion.objects.exists()


def test_a_signature_must_be_this_courses_signature_upload(world, media):  # noqa: F811
    client = client_for(world.instructor)
    logo = post_asset(client, png(), "l.png", kind="logo").json()["name"]
    people = [{"name": "Ada", "signature": logo}]
    response = client.post(course_url("design/versions"), {"document": document(signatories=people)}, format="json")
    assert "signatories.0.signature" in error(response, 400, "invalid_input")["field_errors"]
