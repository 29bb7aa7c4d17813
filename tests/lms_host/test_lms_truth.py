# ruff: noqa: F811 -- the host fixtures (on_commit, …) are imported from test_plugin_in_lms; course and course_key
# come from tests/lms_host/conftest.py, for this module's COURSE_ID and COURSE_NAME
"""
What a live LMS does that the plugin must meet (issue 13), through edx-platform's own write paths in lms_host.

One test per upstream write path of the LMS's certificate row and lists (docs/decisions/0007-lms-write-paths.rst
says which are honoured and which repaired), what ``save()`` announces, backfill on ``letter_grade``, the
preferred name, and retirement.
"""

from __future__ import annotations

import json

import pytest

from tests.lms_host.test_plugin_in_lms import (  # noqa: F401 (fixtures)
    COURSE_ID,
    COURSE_NAME,
    enroll,
    grade_update,
    heard,
    lms_certificate,
    make_user,
    on_commit,
    ours,
)

pytestmark = [pytest.mark.lms_host, pytest.mark.django_db]


class Sequence:
    """Every announcement listeners hear, in order: (name, status, grade)."""

    NAMES = (
        "COURSE_CERT_CHANGED",
        "COURSE_CERT_AWARDED",
        "COURSE_CERT_REVOKED",
        "CERTIFICATE_CHANGED",
        "CERTIFICATE_CREATED",
        "CERTIFICATE_REVOKED",
    )

    def __init__(self):
        from openedx_events.learning import signals as events

        from openedx.core.djangoapps.signals import signals as lms_signals

        self.heard: list[tuple] = []
        self.signals = {n: getattr(lms_signals if n.startswith("COURSE") else events, n) for n in self.NAMES}
        for name, signal in self.signals.items():
            signal.connect(self._recorder(name), weak=False, dispatch_uid=f"sequence.{name}")

    def _recorder(self, name):
        def record(**kwargs):
            cert = kwargs.get("certificate")
            if cert is not None:
                self.heard.append((name, cert.current_status, cert.grade, cert.mode, cert.name))
            else:
                self.heard.append((name, kwargs["status"], None, kwargs["mode"], None))

        return record

    def take(self) -> list[tuple]:
        heard, self.heard = self.heard, []
        return heard

    def close(self):
        for name, signal in self.signals.items():
            signal.disconnect(dispatch_uid=f"sequence.{name}")


@pytest.fixture
def sequence():
    listener = Sequence()
    yield listener
    listener.close()


# --- what save() announces ------------------------------------------------------------------------------------


def test_85_95_30_90_is_heard_exactly_as_four_lms_saves(course, course_key, sequence, on_commit):
    """Programs and the event bus hear from the plugin what four GeneratedCertificate saves would have told them."""
    from lms.djangoapps.certificates.models import GeneratedCertificate

    learner = make_user("bilbo")
    on_commit(enroll, learner, course_key)
    sequence.take()
    plugin = []
    for percent in (0.85, 0.95, 0.30, 0.90):
        on_commit(grade_update, learner, course_key, percent)
        plugin.append(sequence.take())

    # the same four states written by the LMS itself, on a row of a learner the plugin does not know
    other = make_user("frodo")
    other.profile.name = "Bilbo Baggins"  # the same printed name, so payloads compare
    other.profile.save()
    sequence.take()
    row = GeneratedCertificate(user=other, course_id=course_key, mode="verified", name="Bilbo Baggins")
    reference = []
    for status, grade in (
        ("downloadable", "0.85"),
        ("downloadable", "0.95"),
        ("notpassing", 0.3),
        ("downloadable", "0.9"),
    ):
        if status == "notpassing":
            row.mark_notpassing(mode="verified", grade=grade, source="certificate_generation")
        else:
            row.status, row.grade = status, grade
            row.save()
        reference.append(sequence.take())

    assert plugin == reference
    assert [name for name, *_ in plugin[2]] == [
        "COURSE_CERT_CHANGED",
        "CERTIFICATE_CHANGED",
        "COURSE_CERT_REVOKED",
        "CERTIFICATE_REVOKED",
    ]


# --- backfill reads "passing now" from letter_grade -----------------------------------------------------------


def test_backfill_and_generate_all_leave_a_learner_who_once_passed_and_now_fails_without_a_certificate(
    course, course_key, on_commit
):
    from django.core.management import call_command

    from cert_manager_plugin import api
    from cert_manager_plugin.models import Certificate, LearnerRecord
    from lms.djangoapps.grades.models import PersistentCourseGrade

    learner, passer = make_user("lobelia"), make_user("rosie")
    for user in (learner, passer):
        enroll(user, course_key)
    Certificate.objects.all().delete()
    LearnerRecord.objects.all().delete()
    for user, percent, passed in ((learner, 0.9, True), (learner, 0.3, False), (passer, 0.8, True)):
        PersistentCourseGrade.update_or_create(
            user_id=user.id,
            course_id=course_key,
            percent_grade=percent,
            letter_grade="Pass" if passed else "",
            passed=passed,
        )
    assert PersistentCourseGrade.read(learner.id, course_key).passed_timestamp is not None, "never cleared"
    LearnerRecord.objects.all().delete()  # as if the plugin were installed now

    call_command("backfill_learner_records", COURSE_ID)
    on_commit(api.submit_job, course_key, "generate_all")

    assert not LearnerRecord.objects.get(user=learner, course_key=course_key).passed
    assert ours(learner, course_key).status == "notpassing"
    assert lms_certificate(learner, course_key).status == "notpassing"
    assert ours(passer, course_key).status == "downloadable"


# --- invalidations made by the LMS are honoured ----------------------------------------------------------------


def _invalidated(user, course_key) -> list[tuple]:
    from cert_manager_plugin.models import CertificateInvalidation

    return list(
        CertificateInvalidation.objects.filter(
            certificate__user=user, certificate__course_key=course_key, active=True
        ).values_list("source", "notes")
    )


def test_a_rejected_proctored_exam_invalidates_for_good(client, course, course_key, on_commit):
    """EXAM_ATTEMPT_REJECTED → certificates.api.invalidate_certificate → invalidate(): no later grade undoes it."""
    from opaque_keys.edx.keys import UsageKey
    from openedx_events.learning.data import ExamAttemptData, UserData, UserPersonalData
    from openedx_events.learning.signals import EXAM_ATTEMPT_REJECTED

    cheat = make_user("gollum")
    on_commit(enroll, cheat, course_key)
    on_commit(grade_update, cheat, course_key, 0.9)
    user = UserData(id=cheat.id, is_active=True, pii=UserPersonalData(username=cheat.username, email=cheat.email))
    attempt = ExamAttemptData(
        student_user=user,
        course_key=course_key,
        usage_key=UsageKey.from_string("block-v1:HostX+CERT+2026+type@sequential+block@exam"),
        exam_type="proctored",
    )
    on_commit(EXAM_ATTEMPT_REJECTED.send_event, exam_attempt=attempt)

    assert _invalidated(cheat, course_key) == [("lms_certificate", _invalidated(cheat, course_key)[0][1])]
    for percent in (0.95, 0.2, 0.99):
        on_commit(grade_update, cheat, course_key, percent)
        assert ours(cheat, course_key).status == "unavailable"
        assert lms_certificate(cheat, course_key).status == "unavailable"
    client.force_login(make_user("eru", is_staff=True))  # the panel's list says where it came from
    [entry] = client.get(f"/api/cert_manager/v1/courses/{COURSE_ID}/invalidations").json()["results"]
    assert (entry["username"], entry["source"]) == ("gollum", "lms_certificate")
    assert entry["source_label"].startswith("Invalidated in the LMS")


def test_an_lms_invalidation_is_ours_with_its_notes_and_lifting_it_there_lifts_ours(course, course_key, on_commit):
    """The legacy dashboard's invalidation view: its list entry, then invalidate(); re-validation: deactivate()."""
    from lms.djangoapps.certificates import api as certs_api

    admin, learner = make_user("saruman", is_staff=True), make_user("grima")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    row = lms_certificate(learner, course_key)

    def invalidate():
        entry = certs_api.create_certificate_invalidation_entry(row, admin, "copied the final essay")
        row.invalidate(source="certificate_invalidation_list")
        return entry

    entry = on_commit(invalidate)
    assert _invalidated(learner, course_key) == [("lms_list", "copied the final essay")]
    on_commit(grade_update, learner, course_key, 0.97)
    assert (ours(learner, course_key).status, lms_certificate(learner, course_key).status) == ("unavailable",) * 2

    on_commit(entry.deactivate)  # v1 re-validation
    assert _invalidated(learner, course_key) == []
    assert (ours(learner, course_key).status, lms_certificate(learner, course_key).status) == ("downloadable",) * 2


def test_the_v2_revalidation_lifts_ours_through_the_generation_it_asks_for(course, course_key, on_commit, settings):
    """v2 DELETE invalidations: a queryset update (no signal), then generation, which our creation filter hears."""
    settings.FEATURES = {**settings.FEATURES, "CERTIFICATES_HTML_VIEW": True}  # the LMS generates only then
    from lms.djangoapps.certificates import api as certs_api
    from lms.djangoapps.certificates.generation_handler import (
        CertificateGenerationNotAllowed,
        generate_certificate_task,
    )
    from lms.djangoapps.certificates.models import CertificateInvalidation as LmsInvalidation

    admin, learner = make_user("gandalf", is_staff=True), make_user("boromir")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    row = lms_certificate(learner, course_key)
    on_commit(lambda: (certs_api.create_certificate_invalidation_entry(row, admin, "v2"), row.invalidate()))
    assert ours(learner, course_key).status == "unavailable"

    def revalidate():
        LmsInvalidation.objects.filter(generated_certificate=row, active=True).update(active=False)
        try:
            generate_certificate_task(learner, course_key)
        except CertificateGenerationNotAllowed:
            pass

    on_commit(revalidate)
    assert _invalidated(learner, course_key) == []
    assert ours(learner, course_key).status == "downloadable"


def test_an_invalidation_made_in_the_panel_is_not_lifted_by_the_lms(course, course_key, on_commit):
    from cert_manager_plugin import api
    from lms.djangoapps.certificates import api as certs_api

    learner = make_user("lotho")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    on_commit(api.invalidate_certificate, course_key, learner.username, notes="ours")
    on_commit(certs_api.create_or_update_certificate_allowlist_entry, learner, course_key, "x", enabled=False)
    assert _invalidated(learner, course_key) == [("course_team", "ours")]


# --- the LMS's allowlist and self-generation switch flow into ours ----------------------------------------------


def test_the_lms_allowlist_is_ours_and_removing_it_there_removes_ours_without_invalidating(
    course, course_key, on_commit
):
    from cert_manager_plugin.models import CertificateException
    from lms.djangoapps.certificates import api as certs_api

    friend = make_user("farmer")
    on_commit(enroll, friend, course_key)
    on_commit(grade_update, friend, course_key, 0.1)
    on_commit(certs_api.create_or_update_certificate_allowlist_entry, friend, course_key, "family emergency")
    mine = CertificateException.objects.get(user=friend, course_key=course_key)
    assert (mine.source, mine.notes) == ("lms_list", "family emergency")
    assert ours(friend, course_key).status == "downloadable"

    heard = Sequence()
    try:
        on_commit(certs_api.remove_allowlist_entry, friend, course_key)  # invalidate(), then the entry's delete()
    finally:
        heard.close()
    # the LMS's own invalidate() is heard; no repair to "downloadable" in between (awarded, then revoked again)
    assert [name for name, *_ in heard.take()].count("COURSE_CERT_AWARDED") == 0
    assert not CertificateException.objects.filter(user=friend, course_key=course_key).exists()
    assert _invalidated(friend, course_key) == [], "a removal from the list is not an invalidation"
    assert ours(friend, course_key).status == "notpassing", "the grade decides again"
    assert lms_certificate(friend, course_key).status == "notpassing"


def test_the_lms_generation_toggle_is_ours(course, course_key, on_commit):
    from cert_manager_plugin.models import CourseCertificateSettings
    from lms.djangoapps.certificates import api as certs_api

    certs_api.set_cert_generation_enabled(course_key, True)
    assert CourseCertificateSettings.objects.get(course_key=course_key).self_generation_enabled
    certs_api.set_cert_generation_enabled(course_key, False)
    assert not CourseCertificateSettings.objects.get(course_key=course_key).self_generation_enabled


# --- writes the plugin repairs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("write", ["mark_notpassing", "mark_unverified"])
def test_generation_handler_status_writes_are_repaired(course, course_key, on_commit, write):
    learner = make_user("hamfast")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    row = lms_certificate(learner, course_key)
    if write == "mark_notpassing":
        on_commit(row.mark_notpassing, mode="verified", grade=0.9, source="certificate_generation")
    else:
        on_commit(row.mark_unverified, mode="verified", source="certificate_generation")
    assert lms_certificate(learner, course_key).status == "downloadable"
    assert ours(learner, course_key).status == "downloadable"
    assert _invalidated(learner, course_key) == []


def test_an_enrollment_track_change_does_not_let_the_lms_generate(course, course_key, on_commit):
    from common.djangoapps.student.signals import ENROLLMENT_TRACK_UPDATED
    from lms.djangoapps.certificates.models import GeneratedCertificate

    learner = make_user("halfred")
    on_commit(enroll, learner, course_key, mode="audit")
    on_commit(ENROLLMENT_TRACK_UPDATED.send, sender=None, user=learner, course_key=course_key, mode="verified")
    assert not GeneratedCertificate.objects.filter(user=learner, course_id=course_key).exists()


# --- the name the LMS prints --------------------------------------------------------------------------------


def test_a_name_change_reissues_with_a_revision_and_the_public_page_shows_only_the_new_name(
    client, course, course_key, on_commit
):
    from cert_manager_plugin.models import CertificateRevision

    learner = make_user("sam")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    cert = ours(learner, course_key)
    assert cert.name == "Sam Baggins"
    learner.profile.name = "Samwise Gamgee"
    on_commit(learner.profile.save)
    cert.refresh_from_db()
    assert (cert.name, cert.revision, cert.verify_uuid) == ("Samwise Gamgee", 2, ours(learner, course_key).verify_uuid)
    assert CertificateRevision.objects.filter(certificate=cert, name="Sam Baggins").exists()
    assert lms_certificate(learner, course_key).name == "Samwise Gamgee"
    page = client.get(f"/cert_manager/certificates/{cert.verify_uuid}/verify/").content.decode()
    page += client.get(f"/cert_manager/certificates/{cert.verify_uuid}/").content.decode()
    body = json.dumps(client.get(f"/api/cert_manager/v1/verify/{cert.verify_uuid}").json())
    assert "Samwise Gamgee" in page and "Sam Baggins" not in page and "Sam Baggins" not in body


def test_the_verified_name_is_printed_when_name_affirmation_says_so(course, course_key, on_commit, monkeypatch):
    from types import SimpleNamespace

    from openedx.features.name_affirmation_api import utils

    class Service:
        def should_use_verified_name_for_certs(self, user):
            return True

        def get_verified_name(self, user, is_verified=False):
            return SimpleNamespace(verified_name="Peregrin Took (verified)")

    from lms.djangoapps.certificates import utils as certificate_utils

    monkeypatch.setattr(utils, "get_name_affirmation_service", Service)
    monkeypatch.setattr(certificate_utils, "get_name_affirmation_service", Service)
    learner = make_user("pippin")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    assert ours(learner, course_key).name == "Peregrin Took (verified)"
    assert lms_certificate(learner, course_key).name == "Peregrin Took (verified)"


# --- retirement ---------------------------------------------------------------------------------------------


def test_after_retirement_no_file_page_answer_or_history_row_names_the_learner(
    client, course, course_key, on_commit, settings, tmp_path
):
    from waffle.testutils import override_flag

    from cert_manager_plugin import api
    from lms.djangoapps.certificates.models import GeneratedCertificate
    from openedx.core.djangoapps.user_api.accounts.views import AccountRetirementView

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    learner, other = make_user("smeagol"), make_user("deagol")
    for user in (learner, other):
        on_commit(enroll, user, course_key)
        on_commit(grade_update, user, course_key, 0.9)
    cert = ours(learner, course_key)
    job = on_commit(api.submit_job, course_key, "export", options={"format": "pdf"})
    job = api.get_job(course_key, job.pk)
    stored = api.stored_export(job.result)
    assert stored.exists()
    on_commit(api.delete_certificate, course_key, learner.username)  # a deleted certificate's page too

    with override_flag("certificates.enable_redact_historical_pii_retirement", active=True):
        AccountRetirementView.retire_user(
            learner, retired_username="retired__user_x", retired_email="x@retired.invalid"
        )

    assert not stored.exists(), "the export file named them"
    assert api.get_job(course_key, job.pk).result["removed"] == "retirement"
    history = GeneratedCertificate.history.filter(user_id=learner.id)
    assert history.exists() and set(history.values_list("name", flat=True)) == {""}
    response = client.get(f"/cert_manager/certificates/{cert.verify_uuid}/verify/")
    page = response.content.decode()
    body = json.dumps(client.get(f"/api/cert_manager/v1/verify/{cert.verify_uuid}").json())
    assert response.status_code == 200 and "Smeagol" not in page and "Smeagol" not in body
    on_commit(api.submit_job, course_key, "generate_all")  # no later job writes the name back
    assert ours(learner, course_key).name == "" and lms_certificate(learner, course_key).name == ""


def test_mirroring_the_lms_lists_costs_four_statements_when_nothing_changed(course, course_key, on_commit):
    """The creation filter mirrors on every LMS generation attempt (every passing grade with auto-generation on)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cert_manager_plugin import api

    learner = make_user("elanor")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    with CaptureQueriesContext(connection) as queries:
        assert api.lms_lists_changed(learner.id, course_key) is False
    statements = [q["sql"].split()[0] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # the LMS's two lists, our exception, and the UPDATE that lifts no mirrored invalidation
    assert statements == ["SELECT", "SELECT", "SELECT", "UPDATE"], statements


# --- the plugin's lists written to the LMS's: one truth on both pages --------------------------------------------


def test_the_panels_exceptions_are_on_the_lms_list_and_leave_it_with_them(course, course_key, on_commit):
    from cert_manager_plugin import api, selectors
    from lms.djangoapps.certificates import api as certs_api

    boss, friend, other = make_user("elrond", is_staff=True), make_user("arwen"), make_user("aragorn")
    for user in (friend, other):
        on_commit(enroll, user, course_key)
    on_commit(api.grant_exception, course_key, "arwen", notes="approved by the dean", granted_by=boss)
    on_commit(api.import_exceptions, course_key, b"aragorn,by CSV\n", granted_by=boss)
    listed = {e["user_name"]: e["notes"] for e in certs_api.get_allowlist(course_key)}
    assert listed == {"arwen": "approved by the dean", "aragorn": "by CSV"}, "the MFE's built-in page lists them"

    on_commit(api.remove_exception, course_key, "arwen", removed_by=boss)
    assert [e["user_name"] for e in certs_api.get_allowlist(course_key)] == ["aragorn"]
    on_commit(api.grant_exception, course_key, "arwen", notes="granted again", granted_by=boss)  # her row, updated
    listed = {e["user_name"]: e["notes"] for e in certs_api.get_allowlist(course_key)}
    assert listed == {"arwen": "granted again", "aragorn": "by CSV"}
    on_commit(api.remove_exception, course_key, "arwen", removed_by=boss)

    on_commit(certs_api.remove_allowlist_entry, other, course_key)  # removed on the LMS's page: gone here too
    assert not selectors.exceptions(course_key).filter(user=other).exists()


def test_the_panels_invalidations_are_on_the_lms_list_and_lifting_either_lifts_both(course, course_key, on_commit):
    from cert_manager_plugin import api
    from lms.djangoapps.certificates import api as certs_api
    from lms.djangoapps.certificates.models import CertificateInvalidation as LmsInvalidation

    boss, learner = make_user("denethor", is_staff=True), make_user("faramir")
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    invalidation = on_commit(api.invalidate_certificate, course_key, "faramir", notes="plagiarism", invalidated_by=boss)
    assert [(e["user"], e["notes"]) for e in certs_api.get_cert_invalidations_for_course(course_key)] == [
        ("faramir", "plagiarism")
    ]
    on_commit(api.revalidate_certificate, course_key, invalidation.id, revalidated_by=boss)
    assert certs_api.get_cert_invalidations_for_course(course_key) == []
    assert lms_certificate(learner, course_key).status == "downloadable"

    on_commit(api.invalidate_certificate, course_key, "faramir", notes="again", invalidated_by=boss)
    on_commit(LmsInvalidation.objects.get(active=True).deactivate)  # re-validated on the LMS's page
    assert _invalidated(learner, course_key) == []
    assert ours(learner, course_key).status == "downloadable"


def test_invalidations_from_a_csv_file_are_on_the_lms_list_as_single_ones(course, course_key, on_commit):
    """Bulk invalidation (issue 14): each row written to the LMS's list and its certificate, as a single one."""
    from cert_manager_plugin import api
    from cert_manager_plugin.models import CertificateInvalidation
    from lms.djangoapps.certificates import api as certs_api

    boss, one, two = make_user("ecthelion", is_staff=True), make_user("hurin"), make_user("turin")
    for learner in (one, two):
        on_commit(enroll, learner, course_key)
        on_commit(grade_update, learner, course_key, 0.9)
    result = on_commit(
        api.import_invalidations, course_key, b"hurin,copied\nturin,copied too\nnobody,x\n", invalidated_by=boss
    )
    assert (result.as_dict()["summary"]["added"], [e.kind for e in result.errors]) == (2, ["user_not_found"])
    listed = {(e["user"], e["notes"]) for e in certs_api.get_cert_invalidations_for_course(course_key)}
    assert listed == {("hurin", "copied"), ("turin", "copied too")}, "the LMS's own page lists them"
    for learner in (one, two):
        assert lms_certificate(learner, course_key).status == "unavailable"
        assert ours(learner, course_key).status == "unavailable"
    assert set(CertificateInvalidation.objects.filter(active=True).values_list("in_lms", flat=True)) == {True}


def test_an_entry_never_written_to_the_lms_survives_its_absence_there(course, course_key, on_commit):
    """Exceptions made before the plugin wrote the LMS's list are not lost when the LMS's list is read."""
    from cert_manager_plugin import api
    from cert_manager_plugin.models import CertificateException

    learner = make_user("beregond")
    on_commit(enroll, learner, course_key)
    CertificateException.objects.create(user=learner, course_key=course_key, notes="old", in_lms=False)
    assert api.lms_lists_changed(learner.id, course_key) is False
    assert CertificateException.objects.filter(user=learner, course_key=course_key, notes="old").exists()


def test_delete_and_keep_out_is_on_the_lms_list_and_the_lms_row_stays_deleted(course, course_key, on_commit):
    from cert_manager_plugin import api, errors
    from lms.djangoapps.certificates import api as certs_api

    boss, learner = make_user("boromir", is_staff=True), make_user("ioreth")
    api.update_course_settings(course_key, {"self_generation_enabled": True})
    on_commit(enroll, learner, course_key)
    on_commit(grade_update, learner, course_key, 0.9)
    assert lms_certificate(learner, course_key).status == "downloadable"
    on_commit(api.delete_and_invalidate, course_key, "ioreth", notes="", deleted_by=boss)
    assert (ours(learner, course_key).status, lms_certificate(learner, course_key).status) == ("deleted", "deleted")
    assert [e["user"] for e in certs_api.get_cert_invalidations_for_course(course_key)] == ["ioreth"]
    with pytest.raises(errors.SelfGenerationRefused):
        on_commit(api.request_certificate, course_key, learner)
    on_commit(grade_update, learner, course_key, 0.95)
    on_commit(api.submit_job, course_key, "generate_all")
    assert lms_certificate(learner, course_key).status == "deleted", "nothing in the LMS brings it back"


def test_a_mode_turned_off_and_undone_shows_on_the_lms_row(course, course_key, on_commit):
    from cert_manager_plugin import api
    from cert_manager_plugin.data import ALL_MODES

    learner = make_user("hirgon")
    api.update_course_settings(course_key, {"eligible_modes": list(ALL_MODES)})
    on_commit(enroll, learner, course_key, mode="audit")
    on_commit(grade_update, learner, course_key, 0.9)
    row = lms_certificate(learner, course_key)
    assert (row.status, row.mode) == ("downloadable", "audit")
    preview = api.preview_policy_change(course_key, {"eligible_modes": [m for m in ALL_MODES if m != "audit"]})
    assert preview["transitions"] == {"downloadable->audit_passing": 1}
    job = on_commit(api.apply_policy_change, course_key, {"eligible_modes": [m for m in ALL_MODES if m != "audit"]})
    assert (lms_certificate(learner, course_key).status, ours(learner, course_key).status) == (
        "audit_passing",
        "audit_passing",
    )
    on_commit(api.undo_policy_change, course_key, job.pk)
    row = lms_certificate(learner, course_key)
    assert (row.status, row.verify_uuid) == ("downloadable", ours(learner, course_key).verify_uuid.hex)
