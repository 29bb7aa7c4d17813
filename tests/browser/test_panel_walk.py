"""
An instructor walks through every action of the panel in real Chromium, at 390 px (a phone) and 1366 px (a
laptop): toggle learner requests, course policies (and the offer to apply them), generate all, regenerate by
group, the generation history, exceptions one by one and from a CSV file, exception certificates, invalidate
and re-validate, view, delete one, delete all, export to one PDF, cancel a job. Every action that changes
certificates asks first, saying how many learners it touches; feedback appears beside the action. At each
step: no sideways scrolling, a full-page screenshot in the test's directory, and axe-core on the panel and on
each open dialog (no serious or critical violation).
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

    # Course policies: saving one offers to apply it, with a dry run's numbers; dismissing starts nothing.
    before = job_ids(course_key)
    click(browser, "#cm-mode-audit")
    click(browser, "#cm-policies-save")
    wait(browser, lambda d: by_css(d, "#cm-policies-followup").is_displayed(), what="the offer to apply")
    assert "would change" in by_css(browser, "#cm-policies-followup").text
    assert "audit" in CourseCertificateSettings.objects.get(course_key=course_key).eligible_modes
    click(browser, "#cm-policies-apply")
    text = wait_dialog(browser)
    assert "certificates would change" in text and "Audit" not in text.split("\n")[0]
    walk.check("policies-dialog", dialog=True)
    dismiss_dialog(browser)
    assert job_ids(course_key) == before, "dismissing the dialog starts nothing"
    click(browser, "#cm-mode-audit")  # back to the default modes
    click(browser, "#cm-policies-save")
    wait_feedback(browser, "policies", "No existing certificate changes")

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
    walk.check("delete-one-dialog", dialog=True)
    confirm_dialog(browser)
    wait_feedback(browser, "certificates", "was deleted")
    deleted = Certificate.objects.get(course_key=course_key, user__username=valid_users[1])
    assert deleted.status == "deleted"
    # The history names the job and its learner in words.
    deletion = GenerationJob.objects.filter(course_key=course_key, kind="delete").latest("id")
    name = deleted.user.get_full_name() or deleted.user.username
    wait(
        browser,
        lambda d: f"Delete the certificate of {name}" in by_css(d, f"#cm-job-{deletion.pk}").text,
        what="the deletion in the history, with the learner's name",
    )
    assert "Other (" not in by_css(browser, "#cm-jobs-body").text

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
