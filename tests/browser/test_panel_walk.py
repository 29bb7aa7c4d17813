"""
An instructor walks through every action of the panel in real Chromium, at 390 px (a phone) and 1366 px (a
laptop): toggle learner requests, course policies (and the offer to apply them), generate all, regenerate by
group, the generation history, exceptions one by one and from a CSV file, exception certificates, invalidate
and re-validate, view, delete one, delete all, export to one PDF, cancel a job. Every action that changes
certificates asks first, saying how many learners it touches; feedback appears beside the action. At each
step: no sideways scrolling, a full-page screenshot in the test's directory, and axe-core on the panel and on
each open dialog (no violation of any impact).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import Select

from cert_manager_plugin.models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CourseCertificateSettings,
    GenerationJob,
    LearnerRecord,
)
from tests.browser.support import (
    WIDTHS,
    all_css,
    assert_axe_clean,
    assert_no_sideways_scroll,
    by_css,
    click,
    confirm_dialog,
    console_errors,
    dismiss_dialog,
    feedback,
    panel_loaded,
    screenshot,
    set_width,
    sign_in,
    wait,
    wait_dialog,
    wait_feedback,
    wait_job_outcome,
)

pytestmark = [pytest.mark.browser]


class Walk:
    """Screenshots, the sideways-scroll check and axe-core at each step of one walk."""

    def __init__(self, driver, tmp_path, width: int) -> None:
        self.driver, self.dir, self.width, self.step = driver, tmp_path / f"screens-{width}", width, 0
        self.axe: dict[str, list] = {}

    def check(self, name: str, *, axe: bool = False, dialog: bool = False) -> None:
        self.step += 1
        label = f"{self.step:02d}-{name}"
        assert_no_sideways_scroll(self.driver, f"{label} at {self.width} px")
        if dialog:  # a modal dialog sits in the window: the window is the picture
            self.dir.mkdir(parents=True, exist_ok=True)
            self.driver.save_screenshot(str(self.dir / f"{label}.png"))
        else:
            screenshot(self.driver, self.dir / f"{label}.png")
        if axe or dialog:
            self.axe[label] = assert_axe_clean(self.driver, label, "#cm-confirm" if dialog else None)


def job_ids(course_key) -> list[int]:
    return list(GenerationJob.objects.filter(course_key=course_key).order_by("id").values_list("id", flat=True))


def wait_job_done(driver, job_id: int) -> None:
    wait(
        driver,
        lambda d: (
            d.execute_script(
                "const r = document.getElementById('cm-job-' + arguments[0]); return r && r.dataset.state;", job_id
            )
            in ("succeeded", "failed", "cancelled")
        ),
        timeout=40,
        what=f"job {job_id} to finish in the history",
    )


def certificate_states(course_key) -> dict[int, tuple[str, str]]:
    """Every certificate of the course: user id -> (status, mode), from the database."""
    rows = Certificate.objects.filter(course_key=course_key).values_list("user_id", "status", "mode")
    return {user_id: (status, mode) for user_id, status, mode in rows}


def changed_between(before: dict, after: dict) -> dict[tuple[str, str, str], int]:
    """(before, after, mode) -> how many certificates changed so, counted from two database snapshots."""
    out: dict[tuple[str, str, str], int] = {}
    for user_id, (status, mode) in after.items():
        old = before.get(user_id)
        if old != (status, mode):
            key = (old[0] if old else "new", status, mode)
            out[key] = out.get(key, 0) + 1
    return out


def dialog_impact(driver) -> dict[tuple[str, str, str], int]:
    """The policy dialog's numbers: (before, after, mode) -> count, read from its list (the words end in the count)."""
    out = {}
    for item in all_css(driver, "#cm-confirm-body .cm-policy-impact li"):
        before, after = item.get_attribute("data-transition").split("->")
        out[(before, after, item.get_attribute("data-mode"))] = int(item.text.rsplit(": ", 1)[1].replace(",", ""))
    return out


def apply_policies_in_the_dialog(driver, course_key) -> dict:
    """Confirm the open policy dialog; the job's changes, counted in the database, are the dialog's numbers."""
    shown, before = dialog_impact(driver), certificate_states(course_key)
    assert shown, "the dialog counts what changes"
    confirm_dialog(driver)
    wait_feedback(driver, "policies", "Applied to existing certificates", timeout=40)
    changed = changed_between(before, certificate_states(course_key))
    assert changed == shown, (changed, shown)
    total = sum(changed.values())
    assert f"existing certificates: {total} certificate" in feedback(driver, "policies"), "the job's own count"
    return changed


def walk_policy_change_and_undo(driver, walk, course_key) -> None:
    """Audit starts eligible (issued audit certificates); untick it, preview, apply, undo; back to the default."""
    from cert_manager_plugin import api
    from cert_manager_plugin.data import ALL_MODES

    api.update_course_settings(course_key, {"eligible_modes": [*ALL_MODES]})
    api.submit_job(course_key, "generate_all")
    driver.refresh()
    wait(driver, panel_loaded, what="the panel's lists")
    issued_audit = Certificate.objects.filter(course_key=course_key, status="downloadable", mode="audit").count()
    assert issued_audit, "the demo has passing audit learners"

    jobs_before, states = job_ids(course_key), certificate_states(course_key)
    click(driver, "#cm-mode-audit")
    click(driver, "#cm-policies-save")
    text = wait_dialog(driver)
    assert "No longer earn a certificate: Audit." in text and "nothing" not in text.split("\n")[0].lower()
    assert dialog_impact(driver)[("downloadable", "audit_passing", "audit")] == issued_audit
    walk.check("policies-dialog", dialog=True)
    dismiss_dialog(driver)
    wait_feedback(driver, "policies", "Nothing was saved.")
    assert "audit" in CourseCertificateSettings.objects.get(course_key=course_key).eligible_modes
    assert (job_ids(course_key), certificate_states(course_key)) == (jobs_before, states), "a preview writes nothing"

    click(driver, "#cm-policies-save")
    wait_dialog(driver)
    apply_policies_in_the_dialog(driver, course_key)
    assert "audit" not in CourseCertificateSettings.objects.get(course_key=course_key).eligible_modes
    wait(driver, lambda d: by_css(d, "#cm-policies-undo").is_displayed(), what="the offer to undo")
    assert "No longer earn a certificate: Audit." in by_css(driver, "#cm-policies-undo").text
    walk.check("policies-applied")

    click(driver, "#cm-policies-undo-button")
    text = wait_dialog(driver)
    assert "Undo the last policy change?" in text and "Now earn a certificate: Audit." in text
    walk.check("policies-undo-dialog", dialog=True)
    apply_policies_in_the_dialog(driver, course_key)
    assert certificate_states(course_key) == states, "every status is back, same certificates"
    assert "audit" in CourseCertificateSettings.objects.get(course_key=course_key).eligible_modes
    assert by_css(driver, "#cm-mode-audit").is_selected()
    wait(driver, lambda d: not by_css(d, "#cm-policies-undo").is_displayed(), what="no undo of an undo")

    click(driver, "#cm-mode-audit")  # back to the default modes for the rest of the walk
    click(driver, "#cm-policies-save")
    wait_dialog(driver)
    apply_policies_in_the_dialog(driver, course_key)
    wait(driver, lambda d: not locked(d), timeout=40, what="the job buttons to unlock after the last apply")


@pytest.mark.parametrize("width", WIDTHS)
def test_instructor_walks_every_action_with_confirmations(browser, axe_available, live_server, seeded, tmp_path, width):
    from opaque_keys.edx.keys import CourseKey

    course_key = CourseKey.from_string(seeded)
    for n in range(11):  # an older history than one page holds
        GenerationJob.objects.create(
            course_key=course_key, kind="export", state="succeeded", total=1, processed=1,
            started=timezone.now(), finished=timezone.now(), result={"count": 1, "format": "pdf"},
        )  # fmt: skip
    notpassing = Certificate.objects.filter(course_key=course_key, status="notpassing").order_by("user_id")
    audit = Certificate.objects.filter(course_key=course_key, status__startswith="audit").order_by("user_id")
    pending_user = notpassing[0].user.username
    audit_user = audit[0].user.username
    csv_user = notpassing[1].user.username
    valid_users = list(
        Certificate.objects.filter(course_key=course_key, status="downloadable")
        .exclude(user__in=CertificateException.objects.values("user"))
        .order_by("user_id")
        .values_list("user__username", flat=True)[:2]
    )
    walk = Walk(browser, tmp_path, width)

    sign_in(browser, live_server, "instructor", "demo-instructor")
    set_width(browser, width)
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    wait(browser, panel_loaded, what="the panel's lists")
    walk.check("panel", axe=True)

    # Learner requests: feedback beside the switch.
    click(browser, "#cm-self-generation")
    wait_feedback(browser, "settings", "Learner requests are on.")
    assert CourseCertificateSettings.objects.get(course_key=course_key).self_generation_enabled

    # Course policies: untick audit, see what it changes (nothing saved yet), apply, then undo; each number of
    # each dialog is what the database then shows changed.
    walk_policy_change_and_undo(browser, walk, course_key)
    before = job_ids(course_key)

    # Generate all: a double click opens one dialog and starts one job.
    ActionChains(browser).double_click(by_css(browser, "#cm-generate-all")).perform()
    text = wait_dialog(browser)
    assert (
        "This job checks 30 learners." in text and "cannot be undone" in text
    ) or "No certificate would change" in text
    walk.check("generate-all-dialog", dialog=True)
    confirm_dialog(browser)
    outcome = wait_job_outcome(browser, "generate", "Generate all certificates")
    new = [j for j in job_ids(course_key) if j not in before]
    assert len(new) == 1, f"one job per confirmed click, got {new}"
    wait_job_done(browser, new[0])
    # The counts add up, each one the database's own: changed = certificates the job wrote.
    job = GenerationJob.objects.get(pk=new[0])
    changed = Certificate.objects.filter(course_key=course_key, modified__gte=job.started).count()
    assert (job.changed, job.processed) == (changed, job.total) and job.total > changed
    assert job.processed == job.changed + job.skipped + job.failed
    assert f"{changed} changed, {job.skipped} left as they were, {job.failed} failed" in outcome, outcome
    row = by_css(browser, f"#cm-job-{job.pk}").text
    assert f"{job.total} of {job.total}" in row and f"{changed} changed, {job.skipped} left as they" in row, row
    walk.check("generate-all-done")

    # Regenerate by group: no group is an error beside the button; then one group, confirmed.
    click(browser, "#cm-regenerate")
    wait_feedback(browser, "generate", "Choose at least one learner group.")
    click(browser, "#cm-group-not_received")
    click(browser, "#cm-regenerate")
    text = wait_dialog(browser)
    assert "Regenerate these learner groups?" in text and "This job checks" in text
    confirm_dialog(browser)
    wait_job_outcome(browser, "generate", "Regenerate learner groups")
    regenerate = GenerationJob.objects.filter(course_key=course_key, kind="regenerate").latest("id")
    assert regenerate.params["statuses"] == ["notpassing"]
    wait_job_done(browser, regenerate.pk)
    row = by_css(browser, f"#cm-job-{regenerate.pk}").text
    assert "Regenerate learner groups: Not received (not passing)" in row and "instructor" in row
    assert "notpassing" not in row and "regenerate" not in row, "words, not codes"

    # History: newest first, paginated.
    assert by_css(browser, "#cm-jobs-body tr").get_attribute("id") == f"cm-job-{regenerate.pk}"
    click(browser, "#cm-jobs-next")
    wait(browser, lambda d: "Page 2 of 2" in by_css(d, "#cm-jobs-page-info").text, what="history page 2")
    first_job = min(job_ids(course_key))
    wait(browser, lambda d: all_css(d, f"#cm-job-{first_job}"), what="the oldest job on page 2")
    walk.check("history-page-2")
    click(browser, "#cm-jobs-prev")
    wait(browser, lambda d: "Page 1 of 2" in by_css(d, "#cm-jobs-page-info").text, what="history page 1")

    # Exceptions, one at a time: a learner below passing (pending) and an audit learner (blocked: why).
    # The message gives the real outcome at once: the next job issues it, or why no job can (audit mode).
    audit_mode = LearnerRecord.objects.get(course_key=course_key, user__username=audit_user).mode
    eligible = CourseCertificateSettings.objects.get(course_key=course_key).eligible_modes
    assert audit_mode == "audit" and audit_mode not in eligible
    for username, outcome in (
        (pending_user, "Generate exception certificates to issue theirs."),
        (audit_user, "no certificate can be issued to them: Enrolled as Audit, a mode that earns no certificate"),
    ):
        by_css(browser, "#cm-exception-user").send_keys(username)
        by_css(browser, "#cm-exception-notes").send_keys("Walk-through")
        click(browser, "#cm-exception-add")
        text = wait_feedback(browser, "exceptions", outcome)
        assert "is on the exception list" in text
    assert "Generate exception certificates" not in text, "never the generic hint for a learner no job can certify"
    wait(
        browser,
        lambda d: "Not generated yet" in by_css(d, f'#cm-exceptions-body tr[data-username="{pending_user}"]').text,
    )
    wait(
        browser,
        lambda d: "Enrolled as Audit" in by_css(d, f'#cm-exceptions-body tr[data-username="{audit_user}"]').text,
    )

    # Exceptions from a CSV file: one good line, one refused (said beside the upload, line by line).
    csv = tmp_path / "exceptions.csv"
    csv.write_text(f"username_or_email,notes\n{csv_user},from the CSV\nnobody-here,missing\n")
    by_css(browser, "#cm-exception-file").send_keys(str(csv))
    click(browser, "#cm-exception-upload")
    text = wait_feedback(browser, "exceptions", "1 learner added")
    assert "1 line refused" in text
    assert "Line 3 (nobody-here):" in by_css(browser, "#cm-bulk-result").text
    assert CertificateException.objects.filter(course_key=course_key, user__username=csv_user).exists()
    walk.check("exceptions-csv", axe=True)
    # An empty file: the API's own reason, not a generic sentence.
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    by_css(browser, "#cm-exception-file").send_keys(str(empty))
    click(browser, "#cm-exception-upload")
    text = wait_feedback(browser, "exceptions", "The CSV file was not read.")
    assert "empty" in text, text
    assert feedback_count(browser) == 1, "one message at a time: the previous ones are replaced"

    # Exception certificates for the new entries.
    click(browser, "#cm-scope-new")
    click(browser, "#cm-generate-exceptions")
    text = wait_dialog(browser)
    assert "Generate exception certificates?" in text and "This job checks" in text
    confirm_dialog(browser)
    wait_job_outcome(browser, "generate", "Generate exception certificates")
    job = GenerationJob.objects.filter(course_key=course_key, kind="generate_exceptions").latest("id")
    wait_job_done(browser, job.pk)
    assert Certificate.objects.get(course_key=course_key, user__username=pending_user).status == "downloadable"
    wait(
        browser,
        lambda d: d.find_elements("css selector", f'#cm-exceptions-body tr[data-username="{pending_user}"] time'),
    )

    # Invalidate, then re-validate, each confirmed.
    target = valid_users[0]
    by_css(browser, "#cm-invalidation-user").send_keys(target)
    by_css(browser, "#cm-invalidation-notes").send_keys("Walk-through check")
    click(browser, "#cm-invalidation-add")
    text = wait_dialog(browser)
    assert f"Invalidate the certificate of {target}?" in text and "re-validate" in text
    walk.check("invalidate-dialog", dialog=True)
    confirm_dialog(browser)
    wait_feedback(browser, "invalidations", "is invalidated")
    assert Certificate.objects.get(course_key=course_key, user__username=target).status == "unavailable"
    revalidate = f'#cm-invalidations-body tr[data-username="{target}"] .cm-revalidate'
    wait(browser, lambda d: all_css(d, revalidate), what="the new invalidation's row")
    assert target in by_css(browser, revalidate).get_attribute("aria-label")
    click(browser, revalidate)
    text = wait_dialog(browser)
    assert "Re-validate the certificate of" in text
    confirm_dialog(browser)
    wait_feedback(browser, "invalidations", "is re-validated")
    assert not CertificateInvalidation.objects.filter(certificate__user__username=target, active=True).exists()
    assert Certificate.objects.get(course_key=course_key, user__username=target).status == "downloadable"

    # Certificates: every learner with a row, filtered by status in words; view; delete one.
    Select(by_css(browser, "#cm-status-filter")).select_by_value("downloadable")
    click(browser, "#cm-certificate-filter-submit")
    wait(
        browser,
        lambda d: {r.get_attribute("data-status") for r in all_css(d, "#cm-certificates-body tr")} == {"downloadable"},
    )
    by_css(browser, "#cm-search").send_keys(valid_users[1])
    click(browser, "#cm-certificate-filter-submit")
    row = f'#cm-certificates-body tr[data-username="{valid_users[1]}"]'
    wait(browser, lambda d: len(all_css(d, "#cm-certificates-body tr")) == 1 and all_css(d, row))
    assert by_css(browser, row).find_element("css selector", "[data-label=Status], .cm-cert-status").text == "Valid"
    view = by_css(browser, f"{row} a.cm-link").get_attribute("href")
    assert (
        browser.execute_async_script(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => done(r.status));", view
        )
        == 200
    )
    walk.check("certificates-filtered", axe=True)
    click(browser, f"{row} .cm-delete-cert")
    text = wait_dialog(browser)
    assert "Delete the certificate of" in text and "cannot be undone" in text
    assert "issued again, with the same link" in text and "Delete and keep it from coming back" in text
    assert by_css(browser, "#cm-delete-choice-delete").is_selected(), "a plain deletion unless chosen"
    assert not by_css(browser, "#cm-delete-notes").is_displayed()
    walk.check("delete-one-dialog", dialog=True)
    confirm_dialog(browser)
    wait_feedback(browser, "certificates", "was deleted")
    deleted = Certificate.objects.get(course_key=course_key, user__username=valid_users[1])
    assert deleted.status == "deleted"
    assert not CertificateInvalidation.objects.filter(certificate=deleted, active=True).exists()
    # The history names the job and its learner in words.
    deletion = GenerationJob.objects.filter(course_key=course_key, kind="delete").latest("id")
    name = deleted.user.get_full_name() or deleted.user.username
    wait(
        browser,
        lambda d: f"Delete the certificate of {name}" in by_css(d, f"#cm-job-{deletion.pk}").text,
        what="the deletion in the history, with the learner's name",
    )
    assert "Other (" not in by_css(browser, "#cm-jobs-body").text

    # Delete one and keep it from coming back: an invalidation with its notes, on the invalidation list.
    blocked = valid_users[0]
    search = by_css(browser, "#cm-search")
    search.clear()
    search.send_keys(blocked)
    click(browser, "#cm-certificate-filter-submit")
    row = f'#cm-certificates-body tr[data-username="{blocked}"]'
    wait(browser, lambda d: len(all_css(d, "#cm-certificates-body tr")) == 1 and all_css(d, row))
    click(browser, f"{row} .cm-delete-cert")
    wait_dialog(browser)
    click(browser, "#cm-delete-choice-block")
    wait(browser, lambda d: by_css(d, "#cm-delete-notes").is_displayed(), what="the notes of the invalidation")
    by_css(browser, "#cm-delete-notes").send_keys("Shared the exam answers")
    walk.check("delete-and-block-dialog", dialog=True)
    confirm_dialog(browser)
    wait_feedback(browser, "certificates", "deleted and invalidated")
    cert = Certificate.objects.get(course_key=course_key, user__username=blocked)
    assert cert.status == "deleted"
    assert CertificateInvalidation.objects.get(certificate=cert, active=True).notes == "Shared the exam answers"
    wait(
        browser,
        lambda d: all_css(d, f'#cm-invalidations-body tr[data-username="{blocked}"]'),
        what="the invalidation on the list",
    )

    # Export every valid certificate to one PDF.
    click(browser, "#cm-export-pdf")
    wait(browser, lambda d: by_css(d, "#cm-export-link").is_displayed(), timeout=60, what="the download link")
    assert "/download" in by_css(browser, "#cm-export-link").get_attribute("href")
    assert "certificates exported" in by_css(browser, "#cm-export-status").text
    walk.check("exported")

    # Delete all: the number first, and the course id typed to confirm.
    # Delete all: each number of the dialog is the database's own count, by status.
    records = Certificate.objects.filter(course_key=course_key).exclude(status="deleted")
    valid = records.filter(status="downloadable").count()
    others = records.exclude(status="downloadable").count()
    assert valid and others, "the demo has both"
    click(browser, "#cm-delete-all-open")
    text = wait_dialog(browser)
    assert "Delete all certificates of this course?" in text
    assert f"{valid} valid certificates are withdrawn." in text
    assert f"{others} records without a valid certificate are deleted too:" in text
    for status, words in (("notpassing", "Not earned: grade below passing"), ("unavailable", "Revoked")):
        n = records.filter(status=status).count()
        assert (f"{n} — {words}" in text) == bool(n), (status, n, text)
    listed = [li.text for li in all_css(browser, "#cm-confirm-body li")]
    assert sum(int(item.split(" — ")[0]) for item in listed) == others, listed
    ok = by_css(browser, "#cm-confirm-ok")
    assert not ok.is_enabled(), "nothing typed yet"
    by_css(browser, "#cm-confirm-input").send_keys("course-v1:DemoX+CERT101+2025")
    assert not ok.is_enabled(), "a near miss does not confirm"
    by_css(browser, "#cm-confirm-input").clear()
    by_css(browser, "#cm-confirm-input").send_keys(seeded)
    wait(browser, lambda d: ok.is_enabled(), what="the typed course id to enable Delete")
    walk.check("delete-all-dialog", dialog=True)
    confirm_dialog(browser)
    wait_feedback(browser, "delete-all", f"{valid + others} certificates deleted")
    assert not Certificate.objects.filter(course_key=course_key, status="downloadable").exists()
    everything = GenerationJob.objects.filter(course_key=course_key, kind="delete").latest("id")
    wait(
        browser,
        lambda d: "Delete all certificates of the course" in by_css(d, f"#cm-job-{everything.pk}").text,
        what="delete all in the history, in words",
    )
    history = by_css(browser, "#cm-jobs-body").text
    assert "Other (" not in history and "Everyone on the exception list" not in history, history
    walk.check("deleted-all", axe=True)

    errors = console_errors(browser)
    assert not errors, errors
    assert len(list(walk.dir.glob("*.png"))) >= 10


def feedback_count(driver) -> int:
    return len([box for box in all_css(driver, ".cm-feedback") if box.text.strip()])


@pytest.mark.parametrize("width", WIDTHS)
def test_a_running_job_shows_progress_and_can_be_cancelled(
    browser, axe_available, live_server, seeded, tmp_path, width
):
    """A job on a worker (here: a row in the running state, half done): progress, buttons locked, Cancel confirmed."""
    from opaque_keys.edx.keys import CourseKey

    course_key = CourseKey.from_string(seeded)
    job = GenerationJob.objects.create(
        course_key=course_key, kind="generate_all", state="running", active_course_key=seeded,
        total=30, processed=15, started=timezone.now(), heartbeat=timezone.now(),
    )  # fmt: skip
    sign_in(browser, live_server, "instructor", "demo-instructor")
    set_width(browser, width)
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    wait(browser, panel_loaded)
    row = f"#cm-job-{job.pk}"
    wait(browser, lambda d: "15 of 30" in by_css(d, row).text, what="the job's progress")
    assert by_css(browser, f"{row} progress").get_attribute("value") == "50"
    assert by_css(browser, "#cm-job-lock").is_displayed(), "new jobs wait for this one"
    assert by_css(browser, "#cm-generate-all").get_attribute("aria-disabled") == "true"
    GenerationJob.objects.filter(pk=job.pk).update(processed=24)
    wait(browser, lambda d: "24 of 30" in by_css(d, row).text, what="live progress")
    assert_no_sideways_scroll(browser, f"running job at {width} px")
    screenshot(browser, tmp_path / f"running-{width}.png")
    click(browser, f"{row} .cm-cancel")
    text = wait_dialog(browser)
    assert f"Cancel job {job.pk}?" in text and "Keep it running" in text
    assert_axe_clean(browser, "cancel dialog", "#cm-confirm")
    confirm_dialog(browser)
    wait_feedback(browser, "jobs", f"Job {job.pk} cancelled.")
    job.refresh_from_db()
    assert job.state == "cancelled"
    wait(browser, lambda d: by_css(d, "#cm-generate-all").get_attribute("aria-disabled") == "false", what="unlock")
    assert not console_errors(browser)


def history_open(driver) -> bool:
    return bool(driver.execute_script("const d = document.getElementById('cm-history'); return d && d.open;"))


@pytest.mark.parametrize("width", WIDTHS)
def test_instructor_reads_a_learners_story_in_the_history_dialog(
    browser, axe_available, live_server, seeded, tmp_path, width
):
    """Issue 14, item 5: a learner's 85 -> 95 -> 40 -> 95 story, newest first, each state as the tables hold it."""
    import io

    from django.core.management import call_command
    from opaque_keys.edx.keys import CourseKey

    from cert_manager_plugin.models import CertificateRevision

    course_key = CourseKey.from_string(seeded)
    username = (
        Certificate.objects.filter(course_key=course_key, status="downloadable")
        .exclude(user__in=CertificateException.objects.values("user"))
        .order_by("user_id")
        .values_list("user__username", flat=True)
        .first()
    )
    for percent in ("85", "95", "40", "95"):  # the LMS's grade events, as the demo sends them
        call_command("demo_grade", username, percent, wait=5, stdout=io.StringIO())
    cert = Certificate.objects.get(course_key=course_key, user__username=username)
    revisions = {r.revision: r for r in CertificateRevision.objects.filter(certificate=cert)}
    expected = [(cert.revision, cert.status, cert.grade)] + [
        (n, revisions[n].status, revisions[n].grade) for n in sorted(revisions, reverse=True)
    ]
    assert [g for _, _, g in expected[:3]] == [0.95, 0.40, 0.95], "the story reached the certificate"

    sign_in(browser, live_server, "instructor", "demo-instructor")
    set_width(browser, width)
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    wait(browser, panel_loaded, what="the panel's lists")
    by_css(browser, "#cm-search").send_keys(username)
    click(browser, "#cm-certificate-filter-submit")
    row = f'#cm-certificates-body tr[data-username="{username}"]'
    wait(browser, lambda d: len(all_css(d, "#cm-certificates-body tr")) == 1 and all_css(d, row))
    click(browser, f"{row} .cm-history-open")
    wait(browser, history_open, what="the history dialog")
    wait(browser, lambda d: all_css(d, "#cm-history-states li"), what="the learner's states")
    assert "states, newest first" in by_css(browser, "#cm-history-status").text
    items = all_css(browser, "#cm-history-states > li")
    shown = [(int(li.get_attribute("data-number")), li.get_attribute("data-status")) for li in items]
    assert shown == [(n, status) for n, status, _ in expected], "every state, newest first, as the tables hold it"
    labels = {"downloadable": "Valid", "notpassing": "Not earned: grade below passing"}
    for index, (li, (n, status, grade)) in enumerate(zip(items, expected, strict=True)):
        text = li.text
        assert f"Revision {n}" in text and labels.get(status, "") in text
        assert (f"{round(grade * 100)}%" if grade is not None else "none") in text, (n, grade, text)
        assert li.find_elements("css selector", "time"), "dated, with the time of day"
        if index < 3:
            assert "Grade change" in text, "the cause: the LMS's grade events"
    assert "current" in items[0].text and "now (the current state)" in items[0].text
    assert_no_sideways_scroll(browser, f"history dialog at {width} px")
    browser.save_screenshot(str(tmp_path / f"history-{width}.png"))
    assert_axe_clean(browser, "history dialog", "#cm-history")
    by_css(browser, "#cm-history-close").click()
    wait(browser, lambda d: not history_open(d), what="the dialog to close")
    assert browser.switch_to.active_element.get_attribute("class").find("cm-history-open") >= 0, "focus returns"
    assert not console_errors(browser)


def open_panel(browser, live_server, seeded: str, width: int) -> None:
    sign_in(browser, live_server, "instructor", "demo-instructor")
    set_width(browser, width)
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    wait(browser, panel_loaded, what="the panel's lists")
    browser.execute_script("window.cmSamePage = true;")  # gone if the page reloads


def locked(driver) -> bool:
    return by_css(driver, "#cm-generate-all").get_attribute("aria-disabled") == "true"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_job_started_elsewhere_locks_the_open_panel_and_shows_progress_without_a_reload(
    browser, axe_available, live_server, seeded, tmp_path, width
):
    """Issue 14, item 7: a second instructor's panel learns of a running job, follows it, then unlocks."""
    from django.contrib.auth import get_user_model
    from opaque_keys.edx.keys import CourseKey

    course_key = CourseKey.from_string(seeded)
    open_panel(browser, live_server, seeded, width)
    assert not locked(browser) and not by_css(browser, "#cm-job-lock").is_displayed()
    colleague = get_user_model().objects.create_user("colleague", "colleague@example.com", "password")
    # Another instructor's job, as a worker runs it (here: its row, a fifth done).
    job = GenerationJob.objects.create(
        course_key=course_key, kind="regenerate", params={"statuses": ["notpassing"]}, state="running",
        active_course_key=seeded, total=30, processed=6, started=timezone.now(), heartbeat=timezone.now(),
        requested_by=colleague,
    )  # fmt: skip
    wait(browser, locked, timeout=30, what="the job buttons to lock without a reload")
    assert by_css(browser, "#cm-job-lock").is_displayed()
    row = f"#cm-job-{job.pk}"
    wait(browser, lambda d: "6 of 30" in by_css(d, row).text, what="the job in the history")
    wait(browser, lambda d: "6 of 30" in by_css(d, "#cm-generate-progress").text, what="its progress box")
    said = wait_feedback(browser, "jobs", "started by colleague, is running")
    assert "regenerate" not in said and "notpassing" not in said and f"job {job.pk}" not in said.lower(), said
    assert by_css(browser, "#cm-feedback-jobs").get_attribute("aria-live") == "polite"
    GenerationJob.objects.filter(pk=job.pk).update(processed=18)
    wait(browser, lambda d: "18 of 30" in by_css(d, row).text, what="live progress")
    assert by_css(browser, f"{row} progress").get_attribute("value") == "60"
    assert_no_sideways_scroll(browser, f"a colleague's job at {width} px")
    screenshot(browser, tmp_path / f"colleague-job-{width}.png")
    assert_axe_clean(browser, "a colleague's job")
    GenerationJob.objects.filter(pk=job.pk).update(
        state="succeeded", processed=30, changed=3, skipped=27, finished=timezone.now(), active_course_key=None
    )
    wait(browser, lambda d: not locked(d), timeout=30, what="the buttons to unlock when it ends")
    assert not by_css(browser, "#cm-job-lock").is_displayed()
    said = wait_feedback(browser, "jobs", "has ended")
    assert "3 changed, 27 left as they were, 0 failed" in said
    assert by_css(browser, row).get_attribute("data-state") == "succeeded"
    assert browser.execute_script("return window.cmSamePage === true;"), "no reload"
    assert not console_errors(browser)


def test_the_job_watch_pauses_while_the_page_is_hidden_and_polls_one_at_a_time(browser, live_server, seeded):
    """The light poll stops while the tab is hidden, asks at once when it shows again, and never runs twice."""
    import time

    open_panel(browser, live_server, seeded, 1366)
    browser.execute_script(
        """
        window.cmWatchCalls = 0;
        const original = window.fetch;
        window.fetch = function (url, options) {
          if (String(url).indexOf("state=active") >= 0) { window.cmWatchCalls += 1; }
          return original.call(this, url, options);
        };
        """
    )
    wait(browser, lambda d: d.execute_script("return window.cmWatchCalls;") >= 1, timeout=15, what="a first watch")
    browser.execute_script(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});"
        "document.dispatchEvent(new Event('visibilitychange'));"
    )
    hidden_at = browser.execute_script("return window.cmWatchCalls;")
    time.sleep(9)  # more than two watch periods
    assert browser.execute_script("return window.cmWatchCalls;") == hidden_at, "no request while hidden"
    browser.execute_script(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});"
        "document.dispatchEvent(new Event('visibilitychange'));"
        "document.dispatchEvent(new Event('visibilitychange'));"  # twice: still one watcher
    )
    wait(browser, lambda d: d.execute_script("return window.cmWatchCalls;") > hidden_at, timeout=3, what="at once")
    shown_at = browser.execute_script("return window.cmWatchCalls;")
    time.sleep(3)
    assert browser.execute_script("return window.cmWatchCalls;") - shown_at <= 1, "one watcher, not two"


def shown_usernames(driver) -> list[str]:
    return [tr.get_attribute("data-username") for tr in all_css(driver, "#cm-certificates-body tr[data-username]")]


@pytest.mark.parametrize("width", WIDTHS)
def test_instructor_sorts_searches_downloads_and_invalidates_from_a_file(
    browser, axe_available, live_server, seeded, tmp_path, width
):
    """Sortable certificate columns, list searches and CSV files, sample files, bulk invalidation's row report."""
    from django.db.models import F
    from opaque_keys.edx.keys import CourseKey

    course_key = CourseKey.from_string(seeded)
    certs = Certificate.objects.filter(course_key=course_key)
    open_panel(browser, live_server, seeded, width)
    header = "#cm-certificates thead th:nth-child(4)"
    assert by_css(browser, "#cm-certificates thead th:first-child").get_attribute("aria-sort") == "ascending"
    if width > 900:  # wide: the column headers are buttons
        assert by_css(browser, f"{header} .cm-sort").is_displayed()
        click(browser, f"{header} .cm-sort")
    else:  # stacked rows show no header row: its buttons are gone (no invisible Tab stop), "Sort by" sorts
        assert not by_css(browser, f"{header} .cm-sort").is_displayed()
        Select(by_css(browser, "#cm-sort")).select_by_value("grade")
    wait(browser, lambda d: by_css(d, header).get_attribute("aria-sort") == "ascending", what="sorted by grade")
    by_grade = certs.order_by(F("grade").asc(nulls_last=True), "id").values_list("user__username", flat=True)
    wait(browser, lambda d: shown_usernames(d) == list(by_grade[:25]), what="rows by grade")
    assert by_css(browser, "#cm-certificates thead th:first-child").get_attribute("aria-sort") is None
    if width > 900:
        click(browser, f"{header} .cm-sort")
        assert Select(by_css(browser, "#cm-sort")).first_selected_option.get_attribute("value") == "-grade"
    else:
        Select(by_css(browser, "#cm-sort")).select_by_value("-grade")
    by_grade = certs.order_by(F("grade").desc(nulls_last=True), "id").values_list("user__username", flat=True)
    wait(browser, lambda d: shown_usernames(d) == list(by_grade[:25]), what="rows by grade, descending")
    labels = by_css(browser, "#cm-certificates-body tr td:nth-child(4)").get_attribute("data-label")
    assert labels == "Grade", "stacked rows label the cell with the header's words, once"
    assert by_css(browser, header).get_attribute("aria-sort") == "descending"
    assert "ordering=-grade" in by_css(browser, "#cm-certificates-csv").get_attribute("href")

    # The exception list: search (any case) and its CSV file, which follows the search.
    listed = CertificateException.objects.filter(course_key=course_key).select_related("user").first()
    by_css(browser, "#cm-exceptions-list-search").send_keys(listed.user.username.upper())
    click(browser, "#cm-exceptions-list-filter button[type=submit]")
    wait(browser, lambda d: [r.get_attribute("data-username") for r in all_css(d, "#cm-exceptions-body tr")]
         == [listed.user.username], what="the exception list searched")  # fmt: skip
    link = by_css(browser, "#cm-exceptions-list-csv").get_attribute("href")
    assert "exceptions?format=csv&search=" in link
    got = browser.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0], {credentials: 'same-origin'})"
        ".then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t])));",
        link,
    )
    assert got[0] == 200 and got[1].startswith("text/csv")
    rows = got[2].lstrip("\ufeff").splitlines()
    assert rows[0].startswith("Username,Email,Name,") and len(rows) == 2 and rows[1].startswith(listed.user.username)
    for sample in ("#cm-exception-sample", "#cm-invalidation-sample"):
        href = by_css(browser, sample).get_attribute("href")
        assert href.startswith("data:text/csv") and "username_or_email%2Cnotes" in href
    assert by_css(browser, "#cm-invalidations-list-csv").get_attribute("href").endswith("invalidations?format=csv")
    assert by_css(browser, "#cm-jobs-csv").get_attribute("href").endswith("jobs?format=csv")

    # Bulk invalidation: confirmed with the file's count, then a line-by-line report; counts match the database.
    valid = list(
        certs.filter(status="downloadable")
        .exclude(user__in=CertificateException.objects.values("user"))
        .order_by("user_id")
        .values_list("user__username", flat=True)[:2]
    )
    path = tmp_path / "invalidate.csv"
    lines = ["username_or_email,notes", f"{valid[0]},copied", f"{valid[1]},copied", "nobody-here,x",
             f"{listed.user.username},x", f"{valid[0]},again"]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = CertificateInvalidation.objects.filter(active=True).count()
    by_css(browser, "#cm-invalidation-file").send_keys(str(path))
    click(browser, "#cm-invalidation-upload")
    text = wait_dialog(browser)
    assert "names 5 learners" in text
    assert_axe_clean(browser, "bulk invalidation dialog", "#cm-confirm")
    confirm_dialog(browser)
    said = wait_feedback(browser, "invalidations", "2 certificates invalidated.")
    assert "3 lines refused" in said
    report = by_css(browser, "#cm-invalidation-bulk-result").text
    assert "Line 4 (nobody-here)" in report and "Line 6" in report and "twice" in report and "exception list" in report
    assert CertificateInvalidation.objects.filter(active=True).count() - before == 2
    assert set(certs.filter(user__username__in=valid).values_list("status", flat=True)) == {"unavailable"}
    wait(browser, lambda d: all(all_css(d, f'#cm-invalidations-body tr[data-username="{u}"]') for u in valid))
    assert_no_sideways_scroll(browser, f"lists at {width} px")
    screenshot(browser, tmp_path / f"lists-{width}.png")
    assert_axe_clean(browser, "the panel with its list tools")
    assert not console_errors(browser)


# --- issue 14 extras: section links, back to top, learner names in dry runs, regenerate one learner ----------


def focused_id(driver) -> str:
    return driver.execute_script("return document.activeElement && document.activeElement.id")


def top_of(driver, selector: str) -> float:
    return driver.execute_script("return document.querySelector(arguments[0]).getBoundingClientRect().top", selector)


def test_section_links_and_back_to_top_move_the_focus_on_a_phone(browser, axe_available, live_server, seeded, tmp_path):
    """At 390 px: every section link scrolls to its section and focuses its heading; "Back to top" comes back."""
    from selenium.webdriver.common.keys import Keys

    sign_in(browser, live_server, "instructor", "demo-instructor")
    set_width(browser, 390)
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    wait(browser, panel_loaded, what="the panel's lists")
    links = [a.get_attribute("hash") for a in all_css(browser, ".cm-toc a")]
    sections = [f"#{s.get_attribute('id')}" for s in all_css(browser, "#cm-panel section.cm-card")]
    assert links == sections, "a link to every section, in the page's order"
    assert len(all_css(browser, "#cm-panel section.cm-card .cm-back-to-top a")) == len(sections)
    assert_no_sideways_scroll(browser, "panel with section links at 390 px")
    assert_axe_clean(browser, "panel with section links")
    address = browser.current_url

    for index, section in enumerate(sections):
        link = by_css(browser, f'.cm-toc a[href="{section}"]')
        browser.execute_script("window.scrollTo(0, 0);")
        if index % 2:  # the keyboard: Tab to the link, Enter
            browser.execute_script("arguments[0].focus();", link)
            link.send_keys(Keys.ENTER)
        else:
            link.click()
        heading = f"{section}-title"
        wait(browser, lambda d, h=heading: focused_id(d) == h[1:], what=f"the focus on {heading}")
        at_bottom = browser.execute_script(
            "return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2"
        )
        top = top_of(browser, section)
        assert -2 <= top <= (browser.execute_script("return window.innerHeight") - 60 if at_bottom else 40), (
            f"{section} is at the top of the window (or the page is scrolled to its end): {top}"
        )
        back = by_css(browser, f"{section} .cm-back-to-top a")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", back)
        back.send_keys(Keys.ENTER) if index % 2 else back.click()
        wait(browser, lambda d: focused_id(d) == "cm-panel-title", what="the focus back on the panel's title")
        assert top_of(browser, ".cm-title") >= -2 and browser.execute_script("return window.scrollY") < 400
    assert browser.current_url == address, "the address is left alone (the LMS's dashboard keeps its own in it)"
    assert_no_sideways_scroll(browser, "panel after the section walk at 390 px")
    screenshot(browser, tmp_path / "sections-390.png")
    assert not console_errors(browser)


@pytest.mark.parametrize("width", WIDTHS)
def test_instructor_sees_who_a_job_would_change_and_regenerates_one_learner(
    browser, axe_available, live_server, seeded, tmp_path, width
):
    """Dry runs name the learners (first 50, then "and N more"); a row's Regenerate shows 85% → 95% first."""
    from opaque_keys.edx.keys import CourseKey

    course_key = CourseKey.from_string(seeded)
    valid = (
        Certificate.objects.filter(course_key=course_key, status="downloadable")
        .exclude(user__in=CertificateException.objects.values("user"))
        .order_by("user_id")
        .select_related("user")
    )
    changed = list(valid[:3])
    for cert in changed:  # grades that moved without an event reaching the plugin: the certificates lag behind
        Certificate.objects.filter(pk=cert.pk).update(grade=0.85)
        LearnerRecord.objects.filter(course_key=course_key, user=cert.user).update(percent_grade=0.95, passed=True)
    target = changed[0]
    walk = Walk(browser, tmp_path, width)
    sign_in(browser, live_server, "instructor", "demo-instructor")
    set_width(browser, width)
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    wait(browser, panel_loaded, what="the panel's lists")

    click(browser, "#cm-generate-all")
    text = wait_dialog(browser)
    names = by_css(browser, "#cm-confirm-body .cm-learner-names").text
    for cert in changed:
        assert f"({cert.user.username})" in names and cert.name in names, (cert.user.username, names)
    walk.check("dry-run-names", dialog=True)
    assert "3" in text
    dismiss_dialog(browser)

    by_css(browser, "#cm-search").send_keys(target.user.username)
    click(browser, "#cm-certificate-filter-submit")
    row = f'#cm-certificates-body tr[data-username="{target.user.username}"]'
    wait(browser, lambda d: len(all_css(d, "#cm-certificates-body tr")) == 1 and all_css(d, row))
    click(browser, f"{row} .cm-regenerate-cert")
    text = wait_dialog(browser)
    assert target.name in text and "85%" in text and "95%" in text, text
    assert "stays Valid" in text and "new revision (2)" in text, text
    walk.check("regenerate-dialog", dialog=True)
    assert Certificate.objects.get(pk=target.pk).revision == 1, "nothing written before the confirmation"
    confirm_dialog(browser)
    wait_feedback(browser, "certificates", "was regenerated")
    wait(browser, lambda d: "95%" in by_css(d, row).text, what="the row's new grade")
    after = Certificate.objects.get(pk=target.pk)
    assert (after.grade, after.revision, after.verify_uuid, after.source) == (0.95, 2, target.verify_uuid, "instructor")
    assert focused_id(browser) == "" and browser.execute_script(
        "return document.activeElement.classList.contains('cm-regenerate-cert')"
    ), "the focus stays on the row's button"
    walk.check("regenerated", axe=True)

    click(browser, f"{row} .cm-regenerate-cert")  # again: nothing would change, said beside the table
    wait_feedback(browser, "certificates", "Nothing would change")
    assert Certificate.objects.get(pk=target.pk).revision == 2
    assert not console_errors(browser)

    sign_in(browser, live_server, "staff", "demo-staff")  # course staff read: no Regenerate button
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    wait(browser, panel_loaded, what="the panel's lists")
    assert all_css(browser, "#cm-certificates-body tr") and not all_css(browser, ".cm-regenerate-cert")
