"""REST API v1 behaviour and every error path, endpoint by endpoint (permissions: tests/test_permissions.py)."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.utils import timezone
from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt
from rest_framework.test import APIClient

from cert_manager_plugin import api
from cert_manager_plugin.models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CertificateRevision,
    CourseCertificateSettings,
    GenerationJob,
    LearnerRecord,
)
from tests.factories import (
    COURSE_ID,
    COURSE_KEY,
    CertificateFactory,
    GenerationJobFactory,
    LearnerRecordFactory,
    UserFactory,
)
from tests.rest_api_support import PREFIX, client_for, course_url, instructor_client, world  # noqa: F401

pytestmark = pytest.mark.django_db


def error(response, status: int, code: str) -> dict:
    """Assert the JSON error shape and return the body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    assert body["status"] == status
    assert body["type"].startswith("https://docs.openedx.org/errors/")
    assert body["instance"] == response.wsgi_request.path
    return body


# --- course ids -------------------------------------------------------------------------------------


def test_malformed_course_id_is_400(instructor_client):  # noqa: F811
    body = error(instructor_client.get(course_url("settings", "not-a-course")), 400, "invalid_course_key")
    assert "not-a-course" in body["message"]


def test_unknown_course_is_404(world, instructor_client):  # noqa: F811
    """Global staff learn that the course does not exist; anyone else gets the answer of a course not theirs."""
    body = error(instructor_client.get(course_url("settings", "course-v1:Nope+X+1")), 404, "not_found")
    assert body["message"] == "Course 'course-v1:Nope+X+1' does not exist or you are not on its course team."
    admin = client_for(world.global_staff)
    error(admin.get(course_url("settings", "course-v1:Nope+X+1")), 404, "course_not_found")


def test_old_style_slash_course_ids_reach_the_view(world, instructor_client):  # noqa: F811
    error(instructor_client.get(course_url("settings", "Org/Course/Run")), 404, "not_found")
    error(client_for(world.global_staff).get(course_url("settings", "Org/Course/Run")), 404, "course_not_found")


# --- settings -----------------------------------------------------------------------------------------


def test_settings_get_and_patch(instructor_client):  # noqa: F811
    body = instructor_client.get(course_url("settings")).json()
    assert body["course_id"] == COURSE_ID
    assert body["self_generation_enabled"] is True
    assert "audit" not in body["eligible_modes"]
    response = instructor_client.patch(
        course_url("settings"),
        {"issue_policy": "after_course_end", "eligible_modes": ["audit", "verified"], "print_grade": False},
        format="json",
    )
    assert response.status_code == 200, response.json()
    row = CourseCertificateSettings.objects.get(course_key=COURSE_KEY)
    assert (row.issue_policy, row.eligible_modes, row.print_grade) == ("after_course_end", ["audit", "verified"], False)
    assert response.json()["issue_policy"] == "after_course_end"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"issue_policy": "whenever"}, "issue_policy"),
        ({"eligible_modes": ["wizard"]}, "eligible_modes"),
        ({"eligible_modes": "verified"}, "eligible_modes"),
        ({"self_generation_enabled": "maybe"}, "self_generation_enabled"),
        ({"colour": "blue"}, "colour"),
        ({"course_id": "course-v1:Other+X+1"}, "course_id"),
    ],
)
def test_settings_patch_rejects_bad_fields(instructor_client, body, field):  # noqa: F811
    response = instructor_client.patch(course_url("settings"), body, format="json")
    assert field in error(response, 400, "invalid_input")["field_errors"]
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).issue_policy == "on_pass"


def test_policy_preview_saves_nothing_and_counts_what_would_change(world, instructor_client):  # noqa: F811
    # The names the certificates print already (inside the LMS a profile's name would be a change of its own).
    for user_id, name in api.display_names(Certificate.objects.values_list("user_id", flat=True)).items():
        Certificate.objects.filter(user_id=user_id).update(name=name)
    before = dict(Certificate.objects.values_list("user__username", "status"))
    response = instructor_client.post(course_url("settings/preview"), {"eligible_modes": ["honor"]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    # bilbo (verified, issued in verified) stops being valid; gollum stays invalidated; merry has no certificate
    assert body["transitions"] == {"downloadable->audit_passing": 1, "new->audit_notpassing": 2}
    assert {(m["before"], m["after"], m["mode"], m["count"]) for m in body["by_mode"]} == {
        ("downloadable", "audit_passing", "verified", 1),
        ("new", "audit_notpassing", "verified", 2),
    }
    assert body["would_change"] == 3 and body["changed"] == ["eligible_modes"]
    assert body["proposed"]["eligible_modes"] == ["honor"] and "verified" in body["current"]["eligible_modes"]
    assert dict(Certificate.objects.values_list("user__username", "status")) == before
    assert "verified" in CourseCertificateSettings.objects.get(course_key=COURSE_KEY).eligible_modes
    assert not GenerationJob.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"eligible_modes": ["wizard"]}, "eligible_modes"),
        ({"issue_policy": "whenever"}, "issue_policy"),
        ({"colour": "blue"}, "colour"),
        ({"self_generation_enabled": False}, "self_generation_enabled"),
        ({}, None),
    ],
)
@pytest.mark.parametrize("endpoint", ["settings/preview", "settings/apply"])
def test_policy_changes_refuse_bad_input_and_save_nothing(world, instructor_client, endpoint, body, field):  # noqa: F811
    found = error(instructor_client.post(course_url(endpoint), body, format="json"), 400, "invalid_input")
    if field is not None:
        assert field in (found.get("field_errors") or {}) or field in found["message"], found
    row = CourseCertificateSettings.objects.get(course_key=COURSE_KEY)
    assert (row.issue_policy, row.self_generation_enabled) == ("on_pass", True)
    assert "verified" in row.eligible_modes
    assert not GenerationJob.objects.exists()


def test_policy_apply_then_undo(world, instructor_client, django_capture_on_commit_callbacks):  # noqa: F811
    assert instructor_client.get(course_url("settings/undo")).json() == {
        "job": None, "can_undo": False, "reason": "", "restores": None, "applied": None
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(course_url("settings/apply"), {"eligible_modes": ["honor"]}, format="json")
    assert response.status_code == 202, response.json()
    job = response.json()
    assert job["params"]["policies"]["after"]["eligible_modes"] == ["honor"]
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).eligible_modes == ["honor"]
    world.certificate.refresh_from_db()
    assert world.certificate.status == "audit_passing"
    last = instructor_client.get(course_url("settings/undo")).json()
    assert (last["job"]["id"], last["can_undo"], last["restores"]["eligible_modes"]) == (
        job["id"],
        True,
        job["params"]["policies"]["before"]["eligible_modes"],
    )
    staff_view = client_for(world.course_staff).get(course_url("settings/undo")).json()
    assert staff_view["can_undo"] is True, "course staff see it (and cannot undo: the permission matrix)"
    error(instructor_client.post(course_url("settings/undo"), {"job": "x"}, format="json"), 400, "invalid_input")
    error(
        instructor_client.post(course_url("settings/undo"), {"job": job["id"] + 100}, format="json"),
        409,
        "policy_change_outdated",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(course_url("settings/undo"), {"job": job["id"]}, format="json")
    assert response.status_code == 202, response.json()
    assert response.json()["params"]["undo_of"] == job["id"]
    world.certificate.refresh_from_db()
    assert (world.certificate.status, world.certificate.revision) == ("downloadable", 3)
    assert instructor_client.get(course_url("settings/undo")).json()["reason"] == "undone"


def test_policy_apply_while_a_job_runs_is_409_and_saves_nothing(world, instructor_client):  # noqa: F811
    GenerationJobFactory(state="running", active_course_key=COURSE_ID)
    response = instructor_client.post(course_url("settings/apply"), {"eligible_modes": ["honor"]}, format="json")
    error(response, 409, "job_already_running")
    assert "verified" in CourseCertificateSettings.objects.get(course_key=COURSE_KEY).eligible_modes


def test_malformed_json_is_400(instructor_client):  # noqa: F811
    response = instructor_client.generic("PATCH", course_url("settings"), "{nope", content_type="application/json")
    error(response, 400, "invalid_input")


# --- certificates ---------------------------------------------------------------------------------------


def test_certificate_list_search_filter_and_pages(world, instructor_client):  # noqa: F811
    for n in range(3):
        CertificateFactory(user=UserFactory(username=f"hobbit{n}"), status="notpassing")
    body = instructor_client.get(course_url("certificates") + "?page_size=2").json()
    assert body["count"] == 5
    assert body["num_pages"] == 3
    assert len(body["results"]) == 2
    assert body["next"]
    by_email = instructor_client.get(course_url("certificates") + "?search=BILBO@exa").json()
    assert [c["username"] for c in by_email["results"]] == ["bilbo"]
    by_name = instructor_client.get(course_url("certificates") + "?search=baggins").json()
    assert [c["username"] for c in by_name["results"]] == ["bilbo"]
    notpassing = instructor_client.get(course_url("certificates") + "?status=notpassing,unavailable").json()
    assert {c["status"] for c in notpassing["results"]} == {"notpassing", "unavailable"}
    assert notpassing["count"] == 4


def test_certificate_list_unknown_status_is_400(instructor_client):  # noqa: F811
    body = error(instructor_client.get(course_url("certificates") + "?status=shiny"), 400, "invalid_input")
    assert "status" in body["field_errors"]


def test_certificate_list_bad_page_is_404(instructor_client):  # noqa: F811
    error(instructor_client.get(course_url("certificates") + "?page=99"), 404, "not_found")


def test_certificate_csv_export_escapes_formulas(world, instructor_client):  # noqa: F811
    evil = UserFactory(username="mallory", email="mallory@example.com")
    CertificateFactory(user=evil, name='  =HYPERLINK("http://x","click")')
    response = instructor_client.get(course_url("certificates") + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Username", "Email", "Name", "Status"]
    by_user = {r[0]: r for r in rows[1:]}
    assert set(by_user) == {"bilbo", "gollum", "mallory"}
    assert by_user["mallory"][2] == '\'  =HYPERLINK("http://x","click")'
    assert by_user["bilbo"][2] == "Bilbo Baggins"


def test_certificate_csv_reads_in_words_with_the_codes_in_extra_columns(world, instructor_client):  # noqa: F811
    """Status and mode in words, the grade as a percentage; the codes and the exact grade kept for scripts."""
    CertificateFactory(user=UserFactory(username="pippin"), status="notpassing", mode="honor", grade=0.66)
    response = instructor_client.get(course_url("certificates") + "?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [
        "Username", "Email", "Name", "Status", "Mode", "Grade", "Issued", "Certificate ID", "Last changed",
        "Status code", "Mode code", "Grade (0 to 1)",
    ]  # fmt: skip
    by_user = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert len(by_user) == Certificate.objects.filter(course_key=COURSE_KEY).count()
    for cert in Certificate.objects.filter(course_key=COURSE_KEY).select_related("user"):
        row = by_user[cert.user.username]
        assert (row["Status code"], row["Mode code"], row["Grade (0 to 1)"]) == (
            cert.status,
            cert.mode,
            f"{cert.grade:.4f}",
        )
        assert row["Status"] != cert.status and row["Mode"] != cert.mode, "words, not codes"
    pippin = by_user["pippin"]
    assert (pippin["Status"], pippin["Mode"], pippin["Grade"]) == ("Not earned: grade below passing", "Honor", "66%")


def test_certificate_csv_honours_filters(world, instructor_client):  # noqa: F811
    response = instructor_client.get(course_url("certificates") + "?format=csv&status=unavailable")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["gollum"]


def test_certificate_csv_is_utf8_with_a_bom_for_excel(world, instructor_client):  # noqa: F811
    """Without a charset and a BOM, Excel opened non-ASCII names as mojibake (issue 8, item 8)."""
    for name, user in (("Éowyn Ståhl", "eowyn"), ("李小龍", "lee"), ("=Ωmega", "omega")):
        CertificateFactory(user=UserFactory(username=user), name=name)
    response = instructor_client.get(course_url("certificates") + "?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbfUsername,Email,Name,")
    assert raw.count(b"\xef\xbb\xbf") == 1
    by_user = {r[0]: r for r in csv.reader(io.StringIO(raw.decode("utf-8-sig")))}
    assert (by_user["eowyn"][2], by_user["lee"][2]) == ("Éowyn Ståhl", "李小龍")
    assert by_user["omega"][2] == "'=Ωmega"  # still formula-escaped


def test_certificate_detail_and_errors(world, instructor_client):  # noqa: F811
    body = instructor_client.get(course_url("certificates/bilbo")).json()
    assert (body["username"], body["status"], body["verify_uuid"]) == (
        "bilbo",
        "downloadable",
        str(world.certificate.verify_uuid),
    )
    assert instructor_client.get(course_url("certificates/bilbo@example.com")).json()["username"] == "bilbo"
    error(instructor_client.get(course_url("certificates/nobody")), 404, "user_not_found")
    error(instructor_client.get(course_url("certificates/frodo")), 404, "certificate_not_found")


def test_delete_one_certificate(world, instructor_client):  # noqa: F811
    assert instructor_client.delete(course_url("certificates/bilbo")).status_code == 204
    assert Certificate.objects.get(user=world.learner).status == "deleted"
    listed = instructor_client.get(course_url("certificates")).json()["results"]
    assert {c["username"]: c["status"] for c in listed}["bilbo"] == "deleted", "listed under all statuses"
    deleted = instructor_client.get(course_url("certificates") + "?status=deleted").json()["results"]
    assert [c["username"] for c in deleted] == ["bilbo"]
    valid = instructor_client.get(course_url("certificates") + "?status=downloadable").json()["results"]
    assert "bilbo" not in [c["username"] for c in valid]
    error(instructor_client.delete(course_url("certificates/bilbo")), 404, "certificate_not_found")
    [entry] = instructor_client.get(course_url("jobs")).json()["results"][:1]
    assert (entry["kind"], entry["requested_by"], entry["changed"]) == ("delete", "teacher", 1)
    printed = api.display_names([world.learner.pk])[world.learner.pk]  # the LMS's name inside the LMS
    assert entry["learner"] == {"username": "bilbo", "name": printed}, "the history names the learner"
    assert printed, "a name, not nothing"
    assert instructor_client.get(course_url(f"jobs/{entry['id']}")).json()["learner"] == entry["learner"]


def test_delete_one_and_keep_it_from_coming_back(world, instructor_client):  # noqa: F811
    body = {"invalidate": True, "notes": "shared answers"}
    assert instructor_client.delete(course_url("certificates/bilbo"), body, format="json").status_code == 204
    assert Certificate.objects.get(user=world.learner).status == "deleted"
    entry = CertificateInvalidation.objects.get(certificate=world.certificate, active=True)
    assert (entry.notes, entry.invalidated_by) == ("shared answers", world.instructor)
    listed = instructor_client.get(course_url("invalidations")).json()["results"]
    assert "bilbo" in [i["username"] for i in listed], "on the invalidation list, where it can be re-validated"
    refused = client_for(world.learner).post(course_url("me/certificate"))
    assert refused.status_code == 409 and refused.json()["details"]["reason"] == "unavailable"
    assert Certificate.objects.get(user=world.learner).status == "deleted"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"invalidate": "maybe"}, "invalidate"),
        ({"notes": "why"}, "notes"),  # notes without invalidate would be silently dropped
        ({"invalidate": True, "notes": "x" * 10_001}, "notes"),
        ({"invalidate": True, "colour": "red"}, "colour"),
    ],
)
def test_delete_one_refuses_bad_input_and_deletes_nothing(world, instructor_client, body, field):  # noqa: F811
    found = error(instructor_client.delete(course_url("certificates/bilbo"), body, format="json"), 400, "invalid_input")
    assert field in (found.get("field_errors") or {}) or field in found["message"], found
    assert Certificate.objects.get(user=world.learner).status == "downloadable"
    assert not CertificateInvalidation.objects.filter(certificate=world.certificate).exists()


def test_delete_and_invalidate_an_allowlisted_learner_is_409_and_deletes_nothing(world, instructor_client):  # noqa: F811
    cert = CertificateFactory(user=world.allowlisted)
    response = instructor_client.delete(course_url("certificates/merry"), {"invalidate": True}, format="json")
    error(response, 409, "allowlisted")
    cert.refresh_from_db()
    assert cert.status == "downloadable" and not GenerationJob.objects.filter(kind="delete").exists()


def test_regenerate_one_learner_from_their_row(world, instructor_client):  # noqa: F811
    """Dry run (85% → 95%, stays valid, new revision), then the engine: revision + 1, same verify id."""
    LearnerRecord.objects.filter(user=world.learner).update(percent_grade=0.95)
    Certificate.objects.filter(pk=world.certificate.pk).update(grade=0.85)
    url = course_url("certificates/bilbo/regenerate")

    preview = instructor_client.post(url, {"dry_run": True}, format="json")

    assert preview.status_code == 200, preview.content
    body = preview.json()
    cert = Certificate.objects.get(pk=world.certificate.pk)
    assert (cert.grade, cert.revision) == (0.85, 1), "a dry run writes nothing"
    assert (body["username"], body["dry_run"], body["changed"], body["certificate"]) == ("bilbo", True, True, None)
    assert body["name"] == api.display_names([world.learner.pk])[world.learner.pk]
    assert body["before"] == {"status": "downloadable", "grade": 0.85, "revision": 1}
    assert body["after"] == {"status": "downloadable", "grade": 0.95, "revision": 2}
    assert body["verify_uuid"] == str(cert.verify_uuid)

    done = instructor_client.post(url, {}, format="json").json()

    cert.refresh_from_db()
    assert (cert.status, cert.grade, cert.revision, cert.source) == ("downloadable", 0.95, 2, "instructor")
    assert (done["changed"], done["after"], done["verify_uuid"]) == (
        True,
        {"status": "downloadable", "grade": 0.95, "revision": 2},
        str(world.certificate.verify_uuid),
    )
    assert done["certificate"]["verify_uuid"] == str(world.certificate.verify_uuid), "the same public link"
    assert CertificateRevision.objects.filter(certificate=cert, revision=1, grade=0.85).exists()

    again = instructor_client.post(url, {"dry_run": True}, format="json").json()
    assert (again["changed"], again["before"], again["after"]) == (False, done["after"], done["after"])


def test_regenerate_one_learner_errors(world, instructor_client):  # noqa: F811
    def regenerate(who: str):
        return instructor_client.post(course_url(f"certificates/{who}/regenerate"), {}, format="json")

    error(regenerate("frodo"), 404, "certificate_not_found")
    error(regenerate("nobody"), 404, "user_not_found")
    bad = instructor_client.post(course_url("certificates/bilbo/regenerate"), {"dry_run": "maybe"}, format="json")
    error(bad, 400, "invalid_input")
    assert Certificate.objects.get(pk=world.certificate.pk).revision == 1


@pytest.mark.parametrize("confirm", [None, "", "course-v1:TestX+CM101+2027"])
def test_delete_all_needs_the_course_id(world, instructor_client, confirm):  # noqa: F811
    body = {} if confirm is None else {"confirm": confirm}
    response = instructor_client.delete(course_url("certificates"), body, format="json")
    assert error(response, 400, "confirmation_required")["details"]["expected"] == COURSE_ID
    assert Certificate.objects.filter(course_key=COURSE_KEY).count() == 2


def test_status_counts_match_the_database_by_status(world, instructor_client):  # noqa: F811
    """The delete-all dialog counts from ``status_counts``: each number is the database's own count by status."""
    for n, status in enumerate(["notpassing", "notpassing", "audit_passing", "deleted"]):
        CertificateFactory(user=UserFactory(username=f"extra{n}"), status=status)
    body = instructor_client.get(course_url("certificates") + "?page_size=1&status=downloadable").json()
    expected = {}
    for status in Certificate.objects.filter(course_key=COURSE_KEY).values_list("status", flat=True):
        expected[status] = expected.get(status, 0) + 1
    assert body["status_counts"] == expected, "whatever the status filter, every record of the search"
    assert expected == {"downloadable": 1, "unavailable": 1, "notpassing": 2, "audit_passing": 1, "deleted": 1}
    searched = instructor_client.get(course_url("certificates") + "?search=extra").json()["status_counts"]
    assert searched == {"notpassing": 2, "audit_passing": 1, "deleted": 1}
    listed = instructor_client.get(course_url("certificates") + "?page_size=500").json()
    assert listed["count"] == sum(expected.values()), "all statuses, deleted records included"


def test_delete_all_changes_what_status_counts_said(world, instructor_client):  # noqa: F811
    CertificateFactory(user=UserFactory(username="pippin"), status="notpassing")
    CertificateFactory(user=UserFactory(username="sam"), status="deleted")
    counts = instructor_client.get(course_url("certificates")).json()["status_counts"]
    to_change = sum(n for status, n in counts.items() if status != "deleted")
    response = instructor_client.delete(course_url("certificates"), {"confirm": COURSE_ID}, format="json")
    assert response.json() == {"deleted": to_change} == {"deleted": 3}
    after = instructor_client.get(course_url("certificates")).json()["status_counts"]
    assert after == {"deleted": Certificate.objects.filter(course_key=COURSE_KEY).count()} == {"deleted": 4}


def test_delete_all(world, instructor_client):  # noqa: F811
    response = instructor_client.delete(course_url("certificates"), {"confirm": COURSE_ID}, format="json")
    assert response.json() == {"deleted": 2}
    [entry] = instructor_client.get(course_url("jobs")).json()["results"][:1]
    assert (entry["kind"], entry["params"], entry["learner"]) == ("delete", {"scope": "all"}, None)
    assert set(Certificate.objects.filter(course_key=COURSE_KEY).values_list("status", flat=True)) == {"deleted"}
    assert world.invalidation.__class__.objects.get(pk=world.invalidation.pk).active, "invalidation kept"


def test_revisions_newest_first(world, instructor_client):  # noqa: F811
    now = timezone.now()
    for n in (1, 2):
        CertificateRevision.objects.create(
            certificate=world.certificate,
            revision=n,
            status="notpassing" if n == 1 else "downloadable",
            source="grade_event",
            valid_from=now,
            superseded_at=now,
            superseded_by_source="grade_event",
        )
    body = instructor_client.get(course_url("certificates/bilbo/revisions")).json()
    assert [r["revision"] for r in body["results"]] == [2, 1]
    error(instructor_client.get(course_url("certificates/frodo/revisions")), 404, "certificate_not_found")


# --- a learner's story (issue 14, item 5) -------------------------------------------------------------------


def test_learner_history_lists_every_state_newest_first_with_its_cause(world):  # noqa: F811
    cert = world.certificate
    earlier = cert.modified - timezone.timedelta(hours=2)
    job = GenerationJobFactory(
        kind="regenerate", state="succeeded", params={"statuses": ["downloadable"]}, requested_by=world.instructor
    )
    GenerationJob.objects.filter(pk=job.pk).update(
        started=earlier - timezone.timedelta(minutes=1), finished=earlier + timezone.timedelta(minutes=1)
    )
    rows = (
        (1, "notpassing", 0.42, "grade_event", earlier - timezone.timedelta(hours=1), earlier, "job", world.instructor),
        (2, "downloadable", 0.91, "job", earlier, cert.modified, "instructor", world.instructor),
    )
    for revision, status, grade, source, start, end, by_source, by in rows:
        CertificateRevision.objects.create(
            certificate=cert,
            revision=revision,
            status=status,
            grade=grade,
            source=source,
            valid_from=start,
            superseded_at=end,
            superseded_by_source=by_source,
            superseded_by=by,
        )
    Certificate.objects.filter(pk=cert.pk).update(revision=3, source="instructor")
    api.grant_exception(COURSE_KEY, "bilbo", granted_by=world.instructor)
    for role in ("course_staff", "instructor", "global_staff"):
        response = client_for(world.user(role)).get(course_url("learners/bilbo/history"))
        assert response.status_code == 200, (role, response.content)
    body = response.json()
    names = api.learner_names([world.learner.pk, world.instructor.pk])  # as the team reads people (LMS: profiles)
    assert (body["username"], body["name"]) == ("bilbo", names[world.learner.pk].name)
    cert.refresh_from_db()
    expected = [(3, cert.status, cert.grade, "instructor")] + [
        (r.revision, r.status, r.grade, r.source) for r in CertificateRevision.objects.filter(certificate=cert)
    ]
    assert [(s["number"], s["status"], s["grade"], s["source"]) for s in body["states"]] == expected
    current, made_by_job, first = body["states"]
    assert (current["current"], current["valid_to"]) == (True, None)
    name = names[world.instructor.pk].name
    who = f"{name} (teacher)" if name != "teacher" else "teacher"
    assert current["actor"] == {"username": "teacher", "name": name}
    assert current["cause"] == f"Course team, by {who}"
    assert made_by_job["job"] == {"id": job.pk, "title": "Regenerate learner groups: Already received"}
    assert made_by_job["cause"] == f"Generation job: Regenerate learner groups: Already received, by {who}"
    assert (first["actor"], first["job"], first["cause"]) == (None, None, "Grade change")
    assert first["status_label"] == "Not earned: grade below passing"
    assert [(e["kind"], e["actor"]["username"]) for e in body["events"]] == [("exception_added", "teacher")]


def test_learner_history_of_a_learner_without_certificate_and_errors(world, instructor_client):  # noqa: F811
    body = instructor_client.get(course_url("learners/frodo@example.com/history")).json()
    assert (body["username"], body["states"], body["events"]) == ("frodo", [], [])
    error(instructor_client.get(course_url("learners/nobody/history")), 404, "user_not_found")
    error(instructor_client.get(course_url("learners/teacher/history")), 404, "user_not_found")  # not a learner
    error(instructor_client.get(course_url("learners/bilbo/history", "junk")), 400, "invalid_course_key")
    error(client_for(world.learner).get(course_url("learners/bilbo/history")), 404, "not_found")  # not on the team
    error(instructor_client.post(course_url("learners/bilbo/history")), 405, "method_not_allowed")


# --- jobs ---------------------------------------------------------------------------------------------


def test_submit_job_then_conflict(world, instructor_client):  # noqa: F811
    response = instructor_client.post(course_url("jobs"), {"kind": "generate_all"}, format="json")
    assert response.status_code == 202, response.json()
    job = response.json()
    assert (job["kind"], job["state"], job["requested_by"]) == ("generate_all", "queued", "teacher")
    again = instructor_client.post(course_url("jobs"), {"kind": "regenerate", "statuses": ["error"]}, format="json")
    message = error(again, 409, "job_already_running")["message"]
    assert message.startswith("Generate all certificates, asked for by teacher at "), message
    assert "generate_all" not in message and f"job {job['id']}" not in message, "words, never codes"
    assert GenerationJob.objects.filter(course_key=COURSE_KEY).count() == 1
    listed = instructor_client.get(course_url("jobs")).json()
    assert [j["id"] for j in listed["results"]] == [job["id"]]


def test_regenerate_maps_groups_to_statuses(world, instructor_client):  # noqa: F811
    response = instructor_client.post(
        course_url("jobs"), {"kind": "regenerate", "statuses": ["received", "error"]}, format="json"
    )
    assert response.status_code == 202, response.json()
    assert GenerationJob.objects.get().params["statuses"] == ["downloadable", "error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "make_coffee"}, "kind"),
        ({}, "kind"),
        ({"kind": "regenerate"}, "statuses"),
        ({"kind": "regenerate", "statuses": ["shiny"]}, "statuses"),
        ({"kind": "generate_all", "statuses": ["error"]}, "statuses"),
        ({"kind": "generate_exceptions", "scope": "some"}, "scope"),
        ({"kind": "generate_all", "dry_run": "perhaps"}, "dry_run"),
    ],
)
def test_job_request_errors(world, instructor_client, body, field):  # noqa: F811
    response = instructor_client.post(course_url("jobs"), body, format="json")
    assert field in error(response, 400, "invalid_input")["field_errors"]
    assert not GenerationJob.objects.exists()


def test_dry_run_counts_without_a_job(world, instructor_client):  # noqa: F811
    response = instructor_client.post(course_url("jobs"), {"kind": "generate_all", "dry_run": True}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"kind", "total", "would_change", "transitions", "not_issued", "learners"}
    assert body["kind"] == "generate_all"
    assert body["total"] >= 1
    assert not GenerationJob.objects.exists()


def test_job_detail_cancel_and_errors(world, instructor_client):  # noqa: F811
    job = GenerationJobFactory(state="queued", active_course_key=COURSE_ID, total=10, processed=4)
    body = instructor_client.get(course_url(f"jobs/{job.pk}")).json()
    assert (body["state"], body["progress"], body["download_url"]) == ("queued", 0.4, None)
    cancelled = instructor_client.delete(course_url(f"jobs/{job.pk}"))
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    error(instructor_client.delete(course_url(f"jobs/{job.pk}")), 409, "job_not_active")
    error(instructor_client.get(course_url("jobs/999999")), 404, "not_found")


def test_job_of_another_course_is_not_found(world, instructor_client):  # noqa: F811
    job = GenerationJobFactory(course_key="course-v1:TestX+Other+2026")
    error(instructor_client.get(course_url(f"jobs/{job.pk}")), 404, "not_found")


def test_export_then_download(world, instructor_client, tmp_path):  # noqa: F811
    response = instructor_client.post(course_url("export"), {"format": "zip"}, format="json")
    assert response.status_code == 202, response.json()
    job = GenerationJob.objects.get(pk=response.json()["id"])
    assert (job.kind, job.params["options"]["format"]) == ("export", "zip")
    error(instructor_client.get(course_url(f"jobs/{job.pk}/download")), 404, "not_found")
    path = tmp_path / "out.zip"
    path.write_bytes(b"PK\x03\x04 test")
    GenerationJob.objects.filter(pk=job.pk).update(
        state="succeeded",
        active_course_key=None,
        result={"file": str(path), "filename": "certs.zip", "content_type": "application/zip", "count": 1},
    )
    body = instructor_client.get(course_url(f"jobs/{job.pk}")).json()
    assert body["download_url"].endswith(f"/jobs/{job.pk}/download")
    assert "file" not in body["result"]
    assert body["result"]["count"] == 1
    download = instructor_client.get(body["download_url"], HTTP_ACCEPT="application/zip")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert 'filename="certs.zip"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"PK\x03\x04 test"
    path.unlink()
    error(instructor_client.get(body["download_url"]), 404, "not_found")


def test_export_rejects_unknown_format(world, instructor_client):  # noqa: F811
    assert (
        "format"
        in error(instructor_client.post(course_url("export"), {"format": "docx"}, format="json"), 400, "invalid_input")[
            "field_errors"
        ]
    )


# --- exceptions ---------------------------------------------------------------------------------------


def test_exception_list_has_the_seed_columns(world, instructor_client):  # noqa: F811
    row = instructor_client.get(course_url("exceptions")).json()["results"][0]
    assert {"name", "email", "granted", "certificate_generated", "notes"} <= set(row)
    assert (row["username"], row["email"], row["certificate_generated"]) == ("merry", "merry@example.com", None)


def test_add_and_remove_exception(world, instructor_client):  # noqa: F811
    response = instructor_client.post(
        course_url("exceptions"), {"user": "FRODO@example.com", "notes": "medical"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["username"], response.json()["notes"]) == ("frodo", "medical")
    assert CertificateException.objects.filter(user=world.other_learner, granted_by=world.instructor).exists()
    assert instructor_client.delete(course_url("exceptions/frodo")).status_code == 204
    assert not CertificateException.objects.filter(user=world.other_learner).exists()
    error(instructor_client.delete(course_url("exceptions/frodo")), 404, "not_found")


@pytest.mark.parametrize(
    ("user", "status", "code"),
    [
        ("nobody", 404, "user_not_found"),
        ("merry", 409, "already_listed"),
        ("gollum", 409, "invalidated"),
        ("staffer", 404, "user_not_found"),  # an account, but no learner of the course: as unknown as nobody
        ("sam", 409, "not_enrolled"),  # a learner of the course who unenrolled
    ],
)
def test_add_exception_errors(world, instructor_client, user, status, code):  # noqa: F811
    LearnerRecordFactory(user=UserFactory(username="sam"), is_active=False)
    before = CertificateException.objects.count()
    error(instructor_client.post(course_url("exceptions"), {"user": user}, format="json"), status, code)
    assert CertificateException.objects.count() == before


def test_global_staff_get_the_real_reason_for_a_learner(world):  # noqa: F811
    admin = client_for(world.global_staff)
    body = error(admin.post(course_url("exceptions"), {"user": "staffer"}, format="json"), 409, "not_enrolled")
    assert "not enrolled" in body["message"]
    body = error(admin.post(course_url("exceptions"), {"user": "nobody"}, format="json"), 404, "user_not_found")
    assert "No user" in body["message"]


def test_add_exception_needs_a_user(world, instructor_client):  # noqa: F811
    body = error(instructor_client.post(course_url("exceptions"), {"notes": "x"}, format="json"), 400, "invalid_input")
    assert body["field_errors"]["user"]


def test_bulk_exceptions_endpoint(world, instructor_client):  # noqa: F811
    data = "\ufeffusername_or_email,notes\nfrodo,late work\n\nnobody,x\nmerry,again\nstaffer,\ngollum,\na,b,c\n"
    upload = SimpleUploadedFile("list.csv", data.encode(), "text/csv")
    response = instructor_client.post(course_url("exceptions/bulk"), {"file": upload}, format="multipart")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [a["username"] for a in body["added"]] == ["frodo"]
    assert {e["line"]: e["kind"] for e in body["errors"]} == {
        4: "user_not_found",
        5: "already_listed",
        6: "user_not_found",  # staffer has an account but is no learner of the course: no account oracle
        7: "invalidated",
        8: "bad_format",
    }
    assert {e["message"] for e in body["errors"] if e["kind"] == "user_not_found"} == {
        "No learner 'nobody' in this course.",
        "No learner 'staffer' in this course.",
    }
    assert body["summary"]["errors_by_kind"]["bad_format"] == 1
    assert CertificateException.objects.get(user=world.other_learner).notes == "late work"


def test_bulk_exceptions_needs_a_file(world, instructor_client):  # noqa: F811
    body = error(instructor_client.post(course_url("exceptions/bulk"), {}, format="multipart"), 400, "invalid_input")
    assert "file" in body["field_errors"]


def test_bulk_exceptions_file_errors(world, instructor_client, settings):  # noqa: F811
    latin1 = SimpleUploadedFile("list.csv", "frodo,café\n".encode("latin-1"), "text/csv")
    response = instructor_client.post(course_url("exceptions/bulk"), {"file": latin1}, format="multipart")
    assert "UTF-8" in error(response, 400, "csv_encoding")["message"]
    settings.CERT_MANAGER_CSV_MAX_BYTES = 10
    big = SimpleUploadedFile("list.csv", b"frodo,a long note here\n", "text/csv")
    response = instructor_client.post(course_url("exceptions/bulk"), {"file": big}, format="multipart")
    error(response, 400, "csv_too_large")
    assert not CertificateException.objects.filter(user=world.other_learner).exists()


def test_bulk_upload_far_over_the_limit_is_refused_before_it_is_read(world, instructor_client, settings):  # noqa: F811
    settings.CERT_MANAGER_CSV_MAX_BYTES = 10
    huge = SimpleUploadedFile("list.csv", b"frodo,x\n" * 20_000, "text/csv")
    response = instructor_client.post(course_url("exceptions/bulk"), {"file": huge}, format="multipart")
    assert "upload" in error(response, 400, "csv_too_large")["message"]


def test_bulk_utf16_without_bom_is_a_csv_encoding_refusal(world, instructor_client):  # noqa: F811
    upload = SimpleUploadedFile("list.csv", "frodo,late\n".encode("utf-16-le"), "text/csv")
    response = instructor_client.post(course_url("exceptions/bulk"), {"file": upload}, format="multipart")
    assert "UTF-16" in error(response, 400, "csv_encoding")["message"]
    assert not CertificateException.objects.filter(user=world.other_learner).exists()


def test_bulk_rows_with_a_nul_are_refused_like_the_json_endpoint(world, instructor_client):  # noqa: F811
    sam = UserFactory(username="sam")
    LearnerRecordFactory(user=sam)
    upload = SimpleUploadedFile("list.csv", b"frodo,late\x00work\nsam,fine\n", "text/csv")
    response = instructor_client.post(course_url("exceptions/bulk"), {"file": upload}, format="multipart")
    body = response.json()
    assert [a["username"] for a in body["added"]] == ["sam"]
    assert [(e["line"], e["kind"]) for e in body["errors"]] == [(1, "bad_format")]
    assert body["errors"][0]["message"] == "notes must not contain control characters (U+0000)."
    for notes, code_point in (("late\x00work", "U+0000"), ("bell\x07", "U+0007")):
        json_answer = instructor_client.post(course_url("exceptions"), {"user": "frodo", "notes": notes}, format="json")
        assert error(json_answer, 400, "invalid_input")["field_errors"]["notes"] == [
            f"notes must not contain control characters ({code_point})."
        ]
    assert not CertificateException.objects.filter(user=world.other_learner).exists()


# --- invalidations ------------------------------------------------------------------------------------


def test_invalidate_list_and_revalidate(world, instructor_client):  # noqa: F811
    response = instructor_client.post(course_url("invalidations"), {"user": "bilbo", "notes": "cheated"}, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["username"], created["notes"], created["active"]) == ("bilbo", "cheated", True)
    assert Certificate.objects.get(user=world.learner).status == "unavailable"
    active = instructor_client.get(course_url("invalidations")).json()
    assert {i["username"] for i in active["results"]} == {"bilbo", "gollum"}
    assert instructor_client.delete(course_url(f"invalidations/{created['id']}")).status_code == 204
    assert not CertificateInvalidation.objects.get(pk=created["id"]).active
    assert Certificate.objects.get(user=world.learner).status == "downloadable"
    lifted = instructor_client.get(course_url("invalidations") + "?active=false").json()
    assert [i["id"] for i in lifted["results"]] == [created["id"]]
    assert instructor_client.get(course_url("invalidations") + "?active=all").json()["count"] == 2
    error(instructor_client.delete(course_url(f"invalidations/{created['id']}")), 404, "not_found")


@pytest.mark.parametrize(
    ("user", "status", "code"),
    [
        ("nobody", 404, "user_not_found"),
        ("staffer", 404, "user_not_found"),  # an account outside the course looks like no account
        ("frodo", 404, "certificate_not_found"),
        ("merry", 409, "allowlisted"),
        ("gollum", 409, "already_invalidated"),
    ],
)
def test_invalidate_errors(world, instructor_client, user, status, code):  # noqa: F811
    if user == "merry":
        CertificateFactory(user=world.allowlisted)
    before = CertificateInvalidation.objects.count()
    error(instructor_client.post(course_url("invalidations"), {"user": user}, format="json"), status, code)
    assert CertificateInvalidation.objects.count() == before


def test_invalidations_bad_filter(world, instructor_client):  # noqa: F811
    error(instructor_client.get(course_url("invalidations") + "?active=maybe"), 400, "invalid_input")


# --- learner ------------------------------------------------------------------------------------------


def test_my_certificates_only_mine_with_links(world):  # noqa: F811
    CertificateFactory(user=world.learner, course_key="course-v1:TestX+Other+2026", status="notpassing")
    CertificateFactory(user=world.other_learner, status="downloadable")
    body = client_for(world.learner).get(f"{PREFIX}/me/certificates").json()
    assert body["count"] == 2
    by_course = {c["course_id"]: c for c in body["results"]}
    issued = by_course[COURSE_ID]
    uid = world.certificate.verify_uuid
    assert issued["web_url"].endswith(f"/cert_manager/certificates/{uid}/")
    assert issued["pdf_url"].endswith(f"/cert_manager/certificates/{uid}.pdf")
    assert issued["verify_page_url"].endswith(f"/cert_manager/certificates/{uid}/verify/")
    assert issued["verify_api_url"].endswith(f"/api/cert_manager/v1/verify/{uid}")
    assert issued["verify_url"] == issued["verify_api_url"]  # deprecated alias, kept for one release
    # The configured base (CERT_MANAGER_BASE_URL, else the LMS's LMS_ROOT_URL) wins over the request's host.
    configured = getattr(settings, "CERT_MANAGER_BASE_URL", "") or getattr(settings, "LMS_ROOT_URL", "")
    assert issued["web_url"].startswith((configured.rstrip("/") or "http://testserver") + "/")
    assert by_course["course-v1:TestX+Other+2026"]["web_url"] is None


def test_my_course_certificate_and_self_generation(world):  # noqa: F811
    client = client_for(world.other_learner)
    body = client.get(course_url("me/certificate")).json()
    assert (body["status"], body["certificate"], body["self_generation_enabled"]) == (None, None, True)
    refused = error(client.post(course_url("me/certificate")), 409, "self_generation_refused")
    assert refused["details"]["reason"] == "notpassing"
    assert "passing grade" in refused["message"]
    granted = client_for(world.learner).post(course_url("me/certificate"))
    assert granted.status_code == 200, granted.json()
    assert granted.json()["status"] == "downloadable"


def test_self_generation_disabled_is_refused(world):  # noqa: F811
    CourseCertificateSettings.objects.filter(course_key=COURSE_KEY).update(self_generation_enabled=False)
    body = error(client_for(world.learner).post(course_url("me/certificate")), 409, "self_generation_refused")
    assert body["details"]["reason"] == "disabled"


def test_my_course_certificate_course_errors(world):  # noqa: F811
    client = client_for(world.learner)
    error(client.get(course_url("me/certificate", "junk")), 400, "invalid_course_key")
    error(client.get(course_url("me/certificate", "course-v1:Nope+X+1")), 404, "not_found")
    error(
        client_for(world.global_staff).get(course_url("me/certificate", "course-v1:Nope+X+1")), 404, "course_not_found"
    )


# --- public verify ------------------------------------------------------------------------------------


def test_verify_valid_certificate(world):  # noqa: F811
    now = timezone.now()
    CertificateRevision.objects.create(
        certificate=world.certificate,
        revision=1,
        status="notpassing",
        source="grade_event",
        valid_from=now,
        superseded_at=now,
        superseded_by_source="grade_event",
    )
    body = APIClient().get(f"{PREFIX}/verify/{world.certificate.verify_uuid}").json()
    assert body["valid"] is True
    assert (body["learner_name"], body["course_id"], body["course_name"]) == (
        "Bilbo Baggins",
        COURSE_ID,
        "Certificates 101",
    )
    assert body["revoked_reason"] is None
    assert body["revisions"] == []  # a superseded state that was no valid certificate is not shown (issue 8)
    assert "email" not in body


def test_verify_revoked_certificate_never_says_why(world):  # noqa: F811
    cert = world.invalidation.certificate
    body = APIClient().get(f"{PREFIX}/verify/{cert.verify_uuid}").json()
    assert (body["valid"], body["status"]) == (False, "unavailable")
    assert body["revoked_reason"] == "It is no longer valid.", "the same words whatever the cause"


@pytest.mark.parametrize("value", [str(uuid.uuid4()), "not-a-uuid"])
def test_verify_unknown_is_404(world, value):  # noqa: F811
    error(APIClient().get(f"{PREFIX}/verify/{value}"), 404, "certificate_not_found")


def test_verify_ignores_a_broken_jwt(world):  # noqa: F811
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="JWT not.a.token")
    assert client.get(f"{PREFIX}/verify/{world.certificate.verify_uuid}").status_code == 200


def test_verify_is_cacheable_by_revision_and_answers_its_etag_with_304(world):  # noqa: F811
    """Validators and cache headers (cert_manager_plugin.caching); a broken JWT does not get in the way either."""
    url = f"{PREFIX}/verify/{world.certificate.verify_uuid}"
    client = APIClient()
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=60, must-revalidate" and first["ETag"]
    client.credentials(HTTP_AUTHORIZATION="JWT not.a.token")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"])


# --- authentication -----------------------------------------------------------------------------------


def test_jwt_authentication(world):  # noqa: F811
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {generate_jwt(world.instructor)}")
    assert client.get(course_url("settings")).status_code == 200
    response = client.patch(course_url("settings"), {"print_grade": False}, format="json")
    assert response.status_code == 200  # a JWT in the Authorization header needs no CSRF token
    learner = APIClient()
    learner.credentials(HTTP_AUTHORIZATION=f"JWT {generate_jwt(world.learner)}")
    assert learner.get(course_url("settings")).status_code == 404  # not on the team: as if there were no course
    assert learner.get(f"{PREFIX}/me/certificates").json()["count"] == 1


@pytest.mark.parametrize("key_set", ["host's", "empty"])
@pytest.mark.parametrize("key", ["demo-only-secret-key-not-for-production", "any-key-at-all"])
def test_a_forged_jwt_is_refused(world, key, key_set, settings):  # noqa: F811
    """
    The demo host accepted forged JWTs: a token naming a new user with ``administrator: true`` made a staff
    user (issue 8, item 10): signed with the public demo key, or with any key while the JWK set was empty
    (edx-drf-extensions 10.9 then skips the signature; ``VerifiedJwtAuthentication`` checks it).
    """
    if key_set == "empty":
        settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_PUBLIC_SIGNING_JWK_SET": None}
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model
    from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt_token, generate_latest_version_payload

    intruder = SimpleNamespace(username="intruder", id=99_999, email="intruder@example.com")
    payload = {**generate_latest_version_payload(intruder), "administrator": True}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {generate_jwt_token(payload, key)}")
    error(client.get(course_url("settings")), 401, "authentication_failed")
    assert not get_user_model().objects.filter(username="intruder").exists()


def test_bad_jwt_is_401(world):  # noqa: F811
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="JWT not.a.token")
    error(client.get(course_url("settings")), 401, "authentication_failed")


def test_session_writes_need_csrf(world):  # noqa: F811
    client = client_for(world.instructor, csrf=True)
    assert client.get(course_url("settings")).status_code == 200  # reads need no token
    response = client.patch(course_url("settings"), {"print_grade": False}, format="json")
    assert "CSRF" in error(response, 403, "permission_denied")["message"]
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).print_grade is True
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.patch(
        course_url("settings"), {"print_grade": False}, format="json", HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret)
    )
    assert response.status_code == 200, response.json()
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).print_grade is False


def test_session_csrf_on_learner_post(world):  # noqa: F811
    response = client_for(world.learner, csrf=True).post(course_url("me/certificate"))
    error(response, 403, "permission_denied")
    assert not Certificate.objects.filter(user=world.learner, source="self_request").exists()


# --- hostile request bodies and unexpected errors (DEBUG off, as in production) -------------------------------

#: Every endpoint that reads a JSON body, with a valid body for it.
JSON_WRITES = [
    ("patch", "settings", {"print_grade": False}),
    ("delete", "certificates", {"confirm": COURSE_ID}),
    ("post", "jobs", {"kind": "generate_all", "dry_run": True}),
    ("post", "exceptions", {"user": "frodo", "notes": "x"}),
    ("post", "invalidations", {"user": "bilbo", "notes": "x"}),
    ("post", "export", {"format": "pdf"}),
]
JSON_WRITE_IDS = [f"{method}-{path}" for method, path, _ in JSON_WRITES]


@pytest.fixture
def production_client(world, settings):  # noqa: F811
    """An instructor's client against DEBUG off, seeing 500s as responses (not re-raised exceptions)."""
    settings.DEBUG = False
    client = client_for(world.instructor)
    client.raise_request_exception = False
    return client


def send(client, method: str, path: str, body, content_type: str = "application/json"):
    return client.generic(method.upper(), course_url(path), body, content_type=content_type)


@pytest.mark.parametrize("hostile", ["[" * 5000, '{"a":' * 5000, "[" * 33 + "]" * 33], ids=["arrays", "objects", "33"])
@pytest.mark.parametrize(("method", "path", "valid"), JSON_WRITES, ids=JSON_WRITE_IDS)
def test_deeply_nested_json_is_a_400_on_every_json_write_endpoint(production_client, method, path, valid, hostile):
    """``[`` x 5000 used to raise RecursionError: an HTML 500 with DEBUG off (issue 8, item 5)."""
    body = error(send(production_client, method, path, hostile), 400, "invalid_input")
    assert "nested deeper than 32" in body["message"]
    assert not GenerationJob.objects.exists()
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).print_grade is True


@pytest.mark.parametrize(("method", "path", "valid"), JSON_WRITES, ids=JSON_WRITE_IDS)
def test_every_json_parse_failure_is_a_400_in_the_error_shape(production_client, method, path, valid):
    for raw in (
        b"{nope",
        b'{"user": "frodo", "notes": "\xff\xfe"}',  # not UTF-8
        b'{"print_grade": NaN}',
        b'{"print_grade": ' + b"9" * 5000 + b"}",  # over Python's integer digit limit
    ):
        error(send(production_client, method, path, raw), 400, "invalid_input")


@pytest.mark.parametrize(("method", "path", "valid"), JSON_WRITES, ids=JSON_WRITE_IDS)
def test_a_body_over_the_size_limit_is_a_413(production_client, method, path, valid):
    from cert_manager_plugin.rest_api.parsers import MAX_BYTES

    padded = json.dumps({**valid, "padding": "x" * MAX_BYTES})
    body = error(send(production_client, method, path, padded), 413, "request_too_large")
    assert f"{MAX_BYTES:,}" in body["message"]


def test_the_hosts_lower_upload_limit_lowers_the_json_limit(production_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({"user": "frodo", "notes": "n" * 200})
    error(send(production_client, "post", "exceptions", body), 413, "request_too_large")
    assert send(production_client, "post", "exceptions", json.dumps({"user": "frodo"})).status_code == 201


def test_brackets_inside_strings_do_not_count_as_nesting(production_client):
    notes = "[{" * 200 + ' \\" ] } " '
    response = send(production_client, "post", "exceptions", json.dumps({"user": "frodo", "notes": notes}))
    assert response.status_code == 201, response.content
    assert response.json()["notes"] == notes.strip()


def test_shallow_but_wrongly_shaped_bodies_are_field_errors(production_client):
    error(send(production_client, "post", "jobs", "[[[1]]]"), 400, "invalid_input")
    error(send(production_client, "patch", "settings", '{"eligible_modes": [[["honor"]]]}'), 400, "invalid_input")
    error(send(production_client, "post", "exceptions", '"frodo"'), 400, "invalid_input")


def test_a_form_body_on_a_json_endpoint_is_a_json_415(production_client):
    response = send(production_client, "post", "jobs", "kind=generate_all", "application/x-www-form-urlencoded")
    error(response, 415, "unsupported_media_type")


def test_an_unexpected_error_is_a_logged_json_500_with_an_error_id(production_client, monkeypatch, caplog):
    from cert_manager_plugin import api

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api, "get_course_settings", broken)
    with caplog.at_level("ERROR", logger="cert_manager_plugin"):
        response = production_client.get(course_url("settings"))
    body = error(response, 500, "server_error")
    assert response["Content-Type"] == "application/json"
    error_id = body["details"]["error_id"]
    assert error_id in body["message"]
    assert b"secret internals" not in response.content
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info[0] is RuntimeError


def test_an_unexpected_error_rolls_back_what_the_request_wrote(production_client, monkeypatch):
    """With ATOMIC_REQUESTS (the LMS's default database), a JSON 500 commits nothing, as Django's own 500."""
    from django.db import connection

    from cert_manager_plugin import api

    real = api.update_course_settings

    def write_then_crash(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("after the write")

    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    monkeypatch.setattr(api, "update_course_settings", write_then_crash)
    response = production_client.patch(course_url("settings"), {"print_grade": False}, format="json")
    error(response, 500, "server_error")
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).print_grade is True


def test_an_unexpected_error_during_the_access_check_is_a_json_500_too(production_client, monkeypatch):
    from cert_manager_plugin import api

    monkeypatch.setattr(api, "is_global_staff", lambda user: 1 / 0)
    error(production_client.get(course_url("settings")), 500, "server_error")


def test_an_unexpected_error_still_reaches_djangos_signal_and_debug(world, settings, monkeypatch):  # noqa: F811
    """Error trackers listen to got_request_exception; with DEBUG on, Django's debug answer is kept."""
    from cert_manager_plugin import api

    monkeypatch.setattr(api, "get_course_settings", lambda *a, **k: 1 / 0)
    settings.DEBUG = False
    with pytest.raises(ZeroDivisionError):  # the test client re-raises what got_request_exception carried
        client_for(world.instructor).get(course_url("settings"))
    settings.DEBUG = True
    client = client_for(world.instructor)
    client.raise_request_exception = False
    response = client.get(course_url("settings"))
    assert response.status_code == 500 and b"ZeroDivisionError" in response.content


# --- negotiation and methods ----------------------------------------------------------------------------


def test_csv_by_accept_header(world, instructor_client):  # noqa: F811
    response = instructor_client.get(course_url("certificates"), HTTP_ACCEPT="text/csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbfUsername,Email,Name")


def test_unsupported_format_elsewhere_is_a_json_404(world, instructor_client):  # noqa: F811
    error(instructor_client.get(course_url("settings") + "?format=csv"), 404, "not_found")


def test_page_size_is_capped(world, instructor_client, monkeypatch):  # noqa: F811
    from cert_manager_plugin.rest_api.pagination import CertManagerPagination

    assert CertManagerPagination.max_page_size == 500
    monkeypatch.setattr(CertManagerPagination, "max_page_size", 1)
    body = instructor_client.get(course_url("certificates") + "?page_size=100000").json()
    assert (len(body["results"]), body["count"], body["num_pages"]) == (1, 2, 2)


def test_wrong_method_is_a_json_405(world, instructor_client):  # noqa: F811
    error(instructor_client.put(course_url("settings"), {}, format="json"), 405, "method_not_allowed")
    error(instructor_client.delete(course_url("certificates/bilbo/revisions")), 405, "method_not_allowed")


def test_unknown_path_under_the_prefix_is_a_json_404(world, instructor_client):  # noqa: F811
    error(instructor_client.get(f"{PREFIX}/nothing/here"), 404, "not_found")
    error(instructor_client.get(course_url("jobs/abc")), 404, "not_found")


def test_options_lists_the_methods(world, instructor_client):  # noqa: F811
    response = instructor_client.options(course_url("jobs"))
    assert response.status_code == 200
    assert {"GET", "POST"} <= {m.strip() for m in response["Allow"].split(",")}


# --- export downloads through the storage API ---------------------------------------------------------------


@pytest.fixture
def export_media(settings, tmp_path):
    """default_storage: a FileSystemStorage on a fresh MEDIA_ROOT (exports never land in the repository)."""
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.com"  # exports print absolute links (QR codes)
    settings.CERT_MANAGER_EXPORT_DIR = None
    settings.CERT_MANAGER_EXPORT_STORAGE = "default"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "tmp").mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    return tmp_path / "media"


def finished_export(fmt: str = "pdf") -> GenerationJob:
    """An export job of the test course run to the end by the rendering module (as a worker would)."""
    from cert_manager_plugin.rendering import export

    job = GenerationJobFactory(kind="export", state="running", params={"options": {"format": fmt}})
    result = export.run_export_job(job)
    GenerationJob.objects.filter(pk=job.pk).update(state="succeeded", result=result, active_course_key=None)
    job.refresh_from_db()
    return job


def test_export_in_a_filesystem_storage_is_streamed(world, instructor_client, export_media):  # noqa: F811
    from django.core.files.storage import default_storage

    job = finished_export("zip")
    body = instructor_client.get(course_url(f"jobs/{job.pk}")).json()
    assert "file" not in body["result"] and body["result"]["storage"] == "default"
    download = instructor_client.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert f'filename="{job.result["filename"]}"' in download["Content-Disposition"]
    with default_storage.open(job.result["file"], "rb") as handle:
        assert b"".join(download.streaming_content) == handle.read()


def test_export_in_a_remote_storage_redirects_to_its_url(world, instructor_client, export_media, tmp_path):  # noqa: F811
    from django.conf import settings
    from django.core.files.storage import storages
    from django.test import override_settings

    memory = {"BACKEND": "django.core.files.storage.InMemoryStorage", "OPTIONS": {"base_url": "https://s3.example/"}}
    with override_settings(STORAGES={**settings.STORAGES, "exports": memory}, CERT_MANAGER_EXPORT_STORAGE="exports"):
        job = finished_export("pdf")
        assert job.result["storage"] == "exports" and storages["exports"].exists(job.result["file"])
        assert not any(p.is_file() for p in tmp_path.rglob("*")), "nothing written to the local filesystem"
        download = instructor_client.get(course_url(f"jobs/{job.pk}/download"))
        assert download.status_code == 302
        assert download["Location"] == f"https://s3.example/{job.result['file']}"
        storages["exports"].delete(job.result["file"])  # expired, or removed by a bucket lifecycle rule
        error(instructor_client.get(course_url(f"jobs/{job.pk}/download")), 404, "not_found")


def test_deleted_export_file_is_a_404_not_a_500(world, instructor_client, export_media):  # noqa: F811
    from django.core.files.storage import default_storage

    job = finished_export("pdf")
    default_storage.delete(job.result["file"])
    body = error(instructor_client.get(course_url(f"jobs/{job.pk}/download")), 404, "not_found")
    assert str(job.pk) in body["message"]
    GenerationJob.objects.filter(pk=job.pk).update(result={**job.result, "storage": "gone-from-settings"})
    error(instructor_client.get(course_url(f"jobs/{job.pk}/download")), 404, "not_found")


def test_export_saved_in_the_deprecated_export_dir_is_still_served(world, instructor_client, settings, tmp_path):  # noqa: F811
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.com"
    settings.CERT_MANAGER_EXPORT_DIR = str(tmp_path / "exports")
    job = finished_export("pdf")
    assert (tmp_path / "exports" / job.result["file"]).is_file()
    download = instructor_client.get(course_url(f"jobs/{job.pk}/download"))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_export_download_checks_the_course_role_before_the_storage(world, export_media):  # noqa: F811
    job = finished_export("pdf")
    for role in ("learner", "other_learner"):
        response = client_for(world.user(role)).get(course_url(f"jobs/{job.pk}/download"))
        assert response.status_code == 404 and "Location" not in response  # not on the team: no such course
    assert client_for(world.course_staff).get(course_url(f"jobs/{job.pk}/download")).status_code == 200


# --- issue 8: verify shows the valid history only; exports print absolute links; an empty export says so -----


def test_verify_of_a_revoked_certificate_shows_status_dates_and_valid_revisions_only(world):  # noqa: F811
    cert = world.invalidation.certificate
    Certificate.objects.filter(pk=cert.pk).update(grade=0.37, revision=3)
    now = timezone.now()
    for revision, status, grade in ((1, "downloadable", 0.91), (2, "notpassing", 0.37)):
        CertificateRevision.objects.create(
            certificate=cert,
            revision=revision,
            status=status,
            grade=grade,
            issued_date=now if status == "downloadable" else None,
            source="grade_event",
            valid_from=now,
            superseded_at=now,
            superseded_by_source="grade_event",
        )
    response = APIClient().get(f"{PREFIX}/verify/{cert.verify_uuid}")
    body = response.json()
    assert (body["valid"], body["status"], body["revision"]) == (False, "unavailable", 3)
    assert body["revoked_reason"] and body["modified"]
    assert [(r["revision"], r["status"]) for r in body["revisions"]] == [(1, "downloadable")]
    assert set(body["revisions"][0]) == {"revision", "status", "issued_date", "valid_from", "superseded_at"}
    keys, values = set(), []

    def walk(node):
        if isinstance(node, dict):
            keys.update(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        else:
            values.append(node)

    walk(body)
    assert {k for k in keys if "grade" in k} == {"grade"}, "a grade field, never filled for a revoked certificate"
    assert body["grade"] is None and all(state["grade"] is None for state in body["history"])
    assert not [v for v in values if v in (0.37, 0.91, 37, 91) or (isinstance(v, str) and "%" in v)]
    # every state, numbered 1, 2, 3 newest first; a state that was not valid says only so (issue 14, item 5)
    assert [(h["number"], h["state"], h["label"], h["current"]) for h in body["history"]] == [
        (3, "no_longer_valid", "No longer valid", True),
        (2, "no_longer_valid", "No longer valid", False),
        (1, "valid", "Valid", False),
    ]
    assert not {"status", "source", "cause"} & {k for h in body["history"] for k in h}, "never why"


def test_an_export_started_without_a_base_url_setting_links_to_the_requests_site(
    world,  # noqa: F811
    instructor_client,  # noqa: F811
    export_media,
    settings,
    django_capture_on_commit_callbacks,
):
    from pypdf import PdfReader

    settings.CERT_MANAGER_BASE_URL = ""
    settings.LMS_ROOT_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(course_url("export"), {"format": "pdf"}, format="json")
    assert response.status_code == 202, response.json()
    job = GenerationJob.objects.get(pk=response.json()["id"])
    assert job.params["options"] == {"format": "pdf", "base_url": "http://testserver"}
    assert job.state == "succeeded", job.error
    download = instructor_client.get(course_url(f"jobs/{job.pk}/download"))
    text = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages[0].extract_text()
    assert f"Verify: http://testserver/cert_manager/certificates/{world.certificate.verify_uuid}/" in text


def test_an_export_with_a_base_url_setting_records_no_request_address(
    world,  # noqa: F811
    instructor_client,  # noqa: F811
    export_media,
    django_capture_on_commit_callbacks,
):
    from pypdf import PdfReader

    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(course_url("export"), {"format": "pdf"}, format="json")
    job = GenerationJob.objects.get(pk=response.json()["id"])
    assert job.params["options"] == {"format": "pdf"} and job.state == "succeeded", job.error
    download = instructor_client.get(course_url(f"jobs/{job.pk}/download"))
    text = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages[0].extract_text()
    assert f"Verify: https://lms.example.com/cert_manager/certificates/{world.certificate.verify_uuid}/" in text


def test_an_export_with_no_certificate_is_a_409_and_no_job_nor_file(
    world,  # noqa: F811
    instructor_client,  # noqa: F811
    export_media,
    django_capture_on_commit_callbacks,
):
    Certificate.objects.filter(course_key=COURSE_KEY, status="downloadable").update(status="notpassing")
    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(course_url("export"), {"format": "pdf"}, format="json")
    body = error(response, 409, "nothing_to_export")
    assert body["message"] == "No certificates to export (statuses: downloadable)."
    assert not GenerationJob.objects.filter(kind="export").exists()
    assert not any(p.is_file() for p in export_media.rglob("*"))


@pytest.mark.parametrize(
    "alias", ["course-v1:testx+cm101+2026", "course-v1:TestX+CM101+2026+branch@draft", "course-v1:TESTX+cm101+2026"]
)
def test_every_endpoint_resolves_an_alias_to_the_course_s_own_key(world, instructor_client, alias):  # noqa: F811
    body = instructor_client.get(f"{PREFIX}/courses/{alias}/settings").json()
    assert body["course_id"] == COURSE_ID
    response = instructor_client.post(f"{PREFIX}/courses/{alias}/jobs", {"kind": "generate_all"}, format="json")
    assert response.status_code == 202 and response.json()["course_id"] == COURSE_ID
    again = instructor_client.post(f"{PREFIX}/courses/{COURSE_ID}/jobs", {"kind": "generate_all"}, format="json")
    assert again.status_code in (202, 409)  # the first may have finished (eager); never a second active job
    assert GenerationJob.objects.filter(course_key=COURSE_KEY).exclude(state__in=["succeeded", "failed"]).count() <= 1


# --- sorting, searching and CSV files of the lists (issue 14) ------------------------------------------------


def _rows(response) -> list[list[str]]:
    """A CSV download's rows (header first), after checking it is a UTF-8 attachment with a BOM."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _sorted_usernames(key: str) -> list[str]:
    """The course's certificates ordered in Python (empty values last, ties by id): what ``ordering`` must give."""
    field = key.lstrip("-")
    rows = list(Certificate.objects.filter(course_key=COURSE_KEY).select_related("user").order_by("id"))

    def value(cert):
        return cert.user.username if field == "username" else getattr(cert, field)

    def fold(v):
        return v.lower() if field == "name" else v

    present = [c for c in rows if value(c) is not None]
    empty = [c for c in rows if value(c) is None]
    present.sort(key=lambda c: fold(value(c)), reverse=key.startswith("-"))  # stable: ties keep id order
    return [c.user.username for c in present + empty]


@pytest.mark.parametrize(
    "key",
    [f"{sign}{k}" for k in ("username", "name", "status", "grade", "mode", "issued_date", "modified") for sign in "+-"],
)
def test_certificate_list_sorts_by_each_column(world, instructor_client, key):  # noqa: F811
    now = timezone.now()
    for n, (status, mode, grade, name) in enumerate(
        [
            ("notpassing", "honor", 0.4, "zed Ünal"),
            ("downloadable", "audit", None, "Emile Äble"),  # no accented first letter: collations agree
            ("deleted", "verified", 0.4, "anna"),
            ("downloadable", "verified", 0.95, "Bob"),
        ]
    ):
        CertificateFactory(
            user=UserFactory(username=f"u{n}"),
            status=status,
            mode=mode,
            grade=grade,
            name=name,
            issued_date=None if status != "downloadable" else now - timezone.timedelta(days=n),
            modified=now - timezone.timedelta(hours=n),
        )
    key = key.lstrip("+")
    body = instructor_client.get(course_url("certificates") + f"?page_size=100&ordering={key}").json()
    assert [r["username"] for r in body["results"]] == _sorted_usernames(key)
    assert body["count"] == Certificate.objects.filter(course_key=COURSE_KEY).count()


@pytest.mark.parametrize("bad", ["user__email", "--grade", "grade,name", "id", "verify_uuid", "?"])
def test_an_unknown_sort_order_is_a_clear_400(world, instructor_client, bad):  # noqa: F811
    body = error(instructor_client.get(course_url("certificates"), {"ordering": bad}), 400, "invalid_input")
    assert "sort" in body["message"] and "username" in body["message"]
    assert "ordering" in body["field_errors"]


def test_the_certificate_csv_follows_the_sort_order(world, instructor_client):  # noqa: F811
    response = instructor_client.get(course_url("certificates") + "?format=csv&ordering=-username")
    assert [r[0] for r in _rows(response)[1:]] == _sorted_usernames("-username")


def _listed_learners(world):  # noqa: F811
    """Exceptions and invalidations with names and notes that test case, accents and SQL wildcards."""
    from tests.factories import CertificateExceptionFactory, CertificateInvalidationFactory

    people = [
        ("zoe", "Zoë", "Ünal", "ZOE@Example.com", "100% attendance"),
        ("ann_b", "Ann", "Bee", "annb@example.com", "plain"),
        ("annxb", "Ann", "Xb", "annxb@example.com", "=cmd|' /C calc'!A0"),
    ]
    for username, first, last, email, notes in people:
        user = UserFactory(username=username, first_name=first, last_name=last, email=email)
        LearnerRecordFactory(user=user)
        CertificateExceptionFactory(user=user, notes=notes)
        cert = CertificateFactory(
            user=UserFactory(username=f"{username}-inv", email=f"inv-{email}"), name=f"{first} {last}"
        )
        CertificateInvalidationFactory(certificate=cert, notes=notes)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("ZOË", {"zoe"}),  # case, and a letter outside ASCII (SQLite's own lower() leaves it as it is)
        ("ünal", {"zoe"}),
        ("zoe@example", {"zoe"}),
        ("100%", {"zoe"}),  # % matches itself, not "anything"
        ("0% a", {"zoe"}),
        ("ann_b", {"ann_b"}),  # _ matches itself, not "any one character" (annxb)
        ("%", {"zoe"}),
        ("_", {"ann_b"}),
        ("ann bee", {"ann_b"}),
        ("nobody-at-all", set()),
    ],
)
def test_exception_and_invalidation_lists_search(world, instructor_client, search, expected):  # noqa: F811
    _listed_learners(world)
    exceptions = instructor_client.get(course_url("exceptions"), {"search": search}).json()
    assert {r["username"] for r in exceptions["results"]} == expected
    invalidations = instructor_client.get(course_url("invalidations"), {"search": search, "active": "all"}).json()
    assert {r["username"] for r in invalidations["results"]} == {f"{u}-inv" for u in expected}


@pytest.mark.parametrize("resource", ["certificates", "exceptions", "invalidations", "jobs"])
def test_a_search_with_a_nul_character_is_invalid_input_on_every_database(world, instructor_client, resource):  # noqa: F811
    response = instructor_client.get(course_url(resource), {"search": "bil\x00bo"})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_input" and "search" in response.json()["field_errors"]


def test_the_history_searches_by_requester_and_lists_the_active_job(world, instructor_client):  # noqa: F811
    GenerationJobFactory(requested_by=world.instructor, state="succeeded")
    running = GenerationJobFactory(requested_by=UserFactory(username="Ådmin_2"), state="running")
    body = instructor_client.get(course_url("jobs"), {"search": "ådmin_"}).json()
    assert [j["id"] for j in body["results"]] == [running.pk]
    assert instructor_client.get(course_url("jobs"), {"search": "%"}).json()["count"] == 0
    active = instructor_client.get(course_url("jobs"), {"state": "active"}).json()
    assert [j["id"] for j in active["results"]] == [running.pk]
    assert (
        active["count"] == GenerationJob.objects.filter(course_key=COURSE_KEY, state__in=["queued", "running"]).count()
    )
    GenerationJob.objects.filter(pk=running.pk).update(state="cancelled", active_course_key=None)
    assert instructor_client.get(course_url("jobs"), {"state": "active"}).json()["count"] == 0
    error(instructor_client.get(course_url("jobs"), {"state": "done"}), 400, "invalid_input")


def test_list_csv_files_are_escaped_and_in_words(world, instructor_client):  # noqa: F811
    _listed_learners(world)
    rows = _rows(instructor_client.get(course_url("exceptions") + "?format=csv"))
    assert rows[0][:3] == ["Username", "Email", "Name"] and rows[0][-2:] == ["Added by", "Source code"]
    by_user = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert len(by_user) == CertificateException.objects.filter(course_key=COURSE_KEY).count()
    assert by_user["annxb"]["Notes"] == "'=cmd|' /C calc'!A0"
    assert (by_user["zoe"]["Added by"], by_user["zoe"]["Source code"]) == ("Course team", "course_team")
    rows = _rows(instructor_client.get(course_url("invalidations") + "?format=csv&search=annxb"))
    assert [r[0] for r in rows[1:]] == ["annxb-inv"]
    assert dict(zip(rows[0], rows[1], strict=True))["Notes"] == "'=cmd|' /C calc'!A0"
    assert dict(zip(rows[0], rows[1], strict=True))["State"] == "Active"
    evil = UserFactory(username="@evil")
    GenerationJobFactory(requested_by=evil, kind="regenerate", params={"statuses": ["notpassing"]})
    rows = _rows(instructor_client.get(course_url("jobs") + "?format=csv"))
    job = dict(zip(rows[0], rows[1], strict=True))
    assert (job["Requested by"], job["Job kind code"]) == ("'@evil", "regenerate")
    assert job["What"].startswith("Regenerate") and "notpassing" not in job["What"]
    assert (job["State"], job["State code"]) == ("Finished", "succeeded")
    assert len(rows) - 1 == GenerationJob.objects.filter(course_key=COURSE_KEY).count()


@pytest.mark.parametrize("path", ["exceptions", "invalidations", "jobs"])
def test_list_csv_files_are_for_the_course_team_only(world, path):  # noqa: F811
    url = course_url(path) + "?format=csv"
    # A learner is refused as anyone outside the course team is (404, no course oracle), in JSON, not a file.
    assert error(client_for(world.learner).get(url), 404, "not_found")["message"]
    assert client_for(None).get(url).status_code == 401
    assert client_for(world.course_staff).get(url).status_code == 200  # course staff read


def test_bulk_invalidations_endpoint(world, instructor_client):  # noqa: F811
    CertificateFactory(user=world.allowlisted)
    data = "\ufeffusername_or_email,notes\nbilbo,cheated\nnobody,x\nfrodo,x\nmerry,x\ngollum,x\nbilbo,x\na,b,c\n"
    upload = SimpleUploadedFile("list.csv", data.encode(), "text/csv")
    before = CertificateInvalidation.objects.filter(active=True).count()
    response = instructor_client.post(course_url("invalidations/bulk"), {"file": upload}, format="multipart")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [a["username"] for a in body["added"]] == ["bilbo"]
    assert {e["line"]: e["kind"] for e in body["errors"]} == {
        3: "user_not_found",
        4: "certificate_not_found",
        5: "allowlisted",
        6: "already_invalidated",
        7: "duplicate",
        8: "bad_format",
    }
    assert CertificateInvalidation.objects.filter(active=True).count() - before == body["summary"]["added"] == 1
    assert Certificate.objects.get(user=world.learner).status == "unavailable"
    again = instructor_client.post(
        course_url("invalidations/bulk"), {"file": SimpleUploadedFile("l.csv", b"bilbo,x\n")}, format="multipart"
    ).json()
    assert (again["summary"]["added"], again["errors"][0]["kind"]) == (0, "already_invalidated")
    assert CertificateInvalidation.objects.filter(active=True).count() - before == 1


def test_bulk_invalidations_file_errors_and_roles(world, instructor_client):  # noqa: F811
    latin1 = SimpleUploadedFile("list.csv", "bilbo,café\n".encode("latin-1"), "text/csv")
    response = instructor_client.post(course_url("invalidations/bulk"), {"file": latin1}, format="multipart")
    error(response, 400, "csv_encoding")
    error(instructor_client.post(course_url("invalidations/bulk"), {}, format="multipart"), 400, "invalid_input")
    upload = SimpleUploadedFile("list.csv", b"bilbo,x\n", "text/csv")
    staff = client_for(world.course_staff).post(course_url("invalidations/bulk"), {"file": upload}, format="multipart")
    assert staff.status_code == 403
    csrf = client_for(world.instructor, csrf=True).post(
        course_url("invalidations/bulk"), {"file": SimpleUploadedFile("l.csv", b"bilbo,x\n")}, format="multipart"
    )
    assert csrf.status_code == 403
    assert not CertificateInvalidation.objects.filter(certificate__user=world.learner).exists()
