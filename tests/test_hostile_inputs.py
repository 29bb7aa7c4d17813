"""
Hostile input beyond the issue-8 list, as a course instructor sends it: each gets a clear 4xx (or is handled as
data), never a 500, and the answer's code says why. One row per input; the closing note of issue 8 lists them.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cert_manager_plugin.models import CertificateException, CourseCertificateSettings, GenerationJob
from tests.factories import COURSE_KEY
from tests.rest_api_support import PREFIX, client_for, course_url, world  # noqa: F401

LONG_COURSE = "course-v1:a+b+" + "c" * 5000

CASES = [
    # (id, method, path (course-relative unless it starts with PREFIX), body kind, body, status, code)
    (
        "sql-in-course-id",
        "get",
        f"{PREFIX}/courses/course-v1:x+y+z' OR 1=1--/settings",
        None,
        None,
        400,
        "invalid_course_key",
    ),
    ("5000-char-course-id", "get", f"{PREFIX}/courses/{LONG_COURSE}/settings", None, None, 404, "not_found"),
    ("nul-in-course-id", "get", f"{PREFIX}/courses/course-v1:a+b+c%00/settings", None, None, 400, "invalid_course_key"),
    ("path-traversal-verify", "get", f"{PREFIX}/verify/..%2F..%2Fetc%2Fpasswd", None, None, 404, "not_found"),
    (
        "braced-uuid",
        "get",
        f"{PREFIX}/verify/{{12345678-1234-1234-1234-123456789abc}}",
        None,
        None,
        404,
        "certificate_not_found",
    ),
    ("json-array-body", "post", "exceptions", "json", [1, 2, 3], 400, "invalid_input"),
    ("json-string-body", "post", "exceptions", "json", "just a string", 400, "invalid_input"),
    ("json-wrong-types", "post", "exceptions", "json", {"user": ["frodo"], "notes": {"a": 1}}, 400, "invalid_input"),
    ("homoglyph-username", "post", "exceptions", "json", {"user": "fr\u043edo"}, 404, "user_not_found"),
    ("like-wildcard-username", "post", "exceptions", "json", {"user": "%"}, 404, "user_not_found"),
    ("nosql-operator-setting", "patch", "settings", "json", {"issue_policy": {"$ne": None}}, 400, "invalid_input"),
    (
        "non-boolean-switch",
        "patch",
        "settings",
        "json",
        {"self_generation_enabled": "yes please"},
        400,
        "invalid_input",
    ),
    ("code-as-job-kind", "post", "jobs", "json", {"kind": "__import__('os')"}, 400, "invalid_input"),
    ("shell-in-export-format", "post", "export", "json", {"format": 'pdf"; rm -rf /'}, 400, "invalid_input"),
    ("sql-in-job-id", "get", "jobs/1%20OR%201=1", None, None, 404, "not_found"),
    ("negative-page", "get", "jobs?page=-1", None, None, 404, "not_found"),
    ("sql-in-status-filter", "get", "certificates?status=downloadable'--", None, None, 400, "invalid_input"),
    ("20000-char-search", "get", "certificates?search=" + "a" * 20000, None, None, 400, "invalid_input"),
    ("traversal-in-username", "delete", "certificates/..%2Fbilbo", None, None, 404, "not_found"),
    ("upload-without-file", "post", "exceptions/bulk", "multipart", None, 400, "invalid_input"),
    (
        "unterminated-csv-quote",
        "post",
        "exceptions/bulk",
        "csv",
        b'"unterminated quote\nfrodo,ok\n',
        400,
        "invalid_input",
    ),
    ("utf16-bom-csv", "post", "exceptions/bulk", "csv", b"\xff\xfe\xfa bad\n", 400, "csv_encoding"),
]


def send(client, method: str, path: str, kind: str | None, body: object):
    url = path if path.startswith(PREFIX) else course_url(path)
    if kind == "json":
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")
    if kind == "multipart":
        return client.post(url, {}, format="multipart")
    if kind == "csv":
        return client.post(url, {"file": SimpleUploadedFile("x.csv", body, "text/csv")}, format="multipart")
    return getattr(client, method)(url)


@pytest.mark.parametrize(
    ("method", "path", "kind", "body", "status", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hostile_input_gets_a_clear_answer_and_changes_nothing(world, method, path, kind, body, status, code):  # noqa: F811
    before = (
        CertificateException.objects.count(),
        GenerationJob.objects.count(),
        CourseCertificateSettings.objects.get(course_key=COURSE_KEY).modified,
    )
    response = send(client_for(world.instructor), method, path, kind, body)
    assert (response.status_code, response.json()["code"]) == (status, code), response.content[:300]
    assert response.json()["message"]
    after = (
        CertificateException.objects.count(),
        GenerationJob.objects.count(),
        CourseCertificateSettings.objects.get(course_key=COURSE_KEY).modified,
    )
    assert after == before


def test_a_wide_csv_row_and_formula_cells_are_row_errors_not_failures(world):  # noqa: F811
    client = client_for(world.instructor)
    wide = send(client, "post", "exceptions/bulk", "csv", b"frodo," + b"x," * 100_000 + b"\n").json()
    assert [e["kind"] for e in wide["errors"]] == ["bad_format"] and wide["added"] == []
    formula = send(client, "post", "exceptions/bulk", "csv", b"=cmd|' /C calc'!A0,=HYPERLINK(\"http://x\")\n").json()
    assert [e["kind"] for e in formula["errors"]] == ["user_not_found"] and formula["added"] == []


def test_header_injection_in_notes_is_kept_as_text(world):  # noqa: F811
    """Notes are never put in a mail header; line breaks in them are a pasted paragraph."""
    response = send(
        client_for(world.instructor), "post", "exceptions", "json", {"user": "frodo", "notes": "x\r\nBcc: a@b.c"}
    )
    assert response.status_code == 201 and response.json()["notes"] == "x\r\nBcc: a@b.c"


def test_a_huge_page_size_is_capped(world):  # noqa: F811
    body = send(client_for(world.instructor), "get", "certificates?page_size=1000000000", None, None).json()
    assert body["count"] >= 1 and len(body["results"]) <= 500
