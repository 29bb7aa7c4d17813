"""
The panel, the verification pages and the learner dashboard walked in real Chromium in English, Spanish and Arabic,
at 390 px and 1366 px: each page and each dialog in the language (no English catalog string left, no Latin word in
Arabic, right to left in Arabic), axe-core finds no violation of any impact, nothing scrolls sideways, and every
number read on the page, in the language's own digits, is the database's own count.

``test_panel_walk`` walks every action in English with its exact wording; this walk reads what the scripts write in
each language: dialogs, the history, a job's counts, the verify page of a certificate that is no longer valid.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from opaque_keys.edx.keys import CourseKey

from cert_manager_plugin import labels
from cert_manager_plugin.models import Certificate, GenerationJob
from tests.browser.support import (
    VISIBLE_TEXT_JS,
    WIDTHS,
    all_css,
    assert_axe_clean,
    assert_no_sideways_scroll,
    by_css,
    click,
    confirm_dialog,
    dismiss_dialog,
    panel_loaded,
    set_width,
    sign_in,
    wait,
    wait_dialog,
)
from tests.browser.test_panel_walk import certificate_states, changed_between
from tests.browser.test_translations_browser import data_values, use_language
from tests.test_locales import english_left, latin_left

pytestmark = [pytest.mark.browser]

LANGUAGES = ("en", "es", "ar")
#: Arabic-Indic and Eastern Arabic-Indic digits, as ``Intl.NumberFormat("ar")`` may write them.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
#: Group separators a language may put inside a number (dot, comma, Arabic thousands sign, spaces).
GROUPING = re.compile(r"(?<=\d)[.,\u066c\u00a0\u202f ](?=\d{3}(?!\d))")


def numbers(text: str) -> list[int]:
    """The whole numbers a reader sees in ``text``, whatever digits the language writes them in."""
    plain = GROUPING.sub("", text.translate(DIGITS))
    return [int(n) for n in re.findall(r"\d+", plain)]


class Reader:
    """One language at one width: each step is in the language, axe-clean and no wider than the window."""

    def __init__(self, driver, language: str, width: int) -> None:
        self.driver, self.language, self.width = driver, language, width
        self.english: dict[str, list] = {}
        self.latin: dict[str, list] = {}

    def check(self, step: str, include: str | None = None) -> None:
        where = f"{step} ({self.language}, {self.width} px)"
        assert_no_sideways_scroll(self.driver, where)
        assert_axe_clean(self.driver, where, include)
        if self.language == "en":
            return
        texts, data = self.driver.execute_script(VISIBLE_TEXT_JS), data_values()  # data: as the database holds it now
        with translation.override(self.language):
            left = english_left(texts, data, self.language)
        if left:
            self.english[where] = sorted(set(left))[:10]
        latin = latin_left(texts, data) if self.language == "ar" else []
        if latin:
            self.latin[where] = sorted(set(latin))[:10]

    def done(self) -> None:
        assert not self.english, f"English catalog strings left: {self.english}"
        assert not self.latin, f"Latin words on Arabic pages: {self.latin}"


def open_panel(browser, live_server, seeded, language: str, width: int) -> None:
    sign_in(browser, live_server, "instructor", "demo-instructor")
    set_width(browser, width)
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    wait(browser, panel_loaded, what="the panel's lists")
    lang, direction = browser.execute_script("return [document.documentElement.lang, document.documentElement.dir]")
    assert lang.split("-")[0] == language, lang
    assert (direction or "ltr") == ("rtl" if language == "ar" else "ltr")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_panel_reads_true_in_every_language(browser, axe_available, live_server, seeded, settings, language, width):
    use_language(settings, language)
    course_key = CourseKey.from_string(seeded)
    reader = Reader(browser, language, width)
    open_panel(browser, live_server, seeded, language, width)
    reader.check("panel")

    # Delete all: the dialog's numbers, in the language's digits, are the database's counts by status.
    records = Certificate.objects.filter(course_key=course_key).exclude(status="deleted")
    valid = records.filter(status="downloadable").count()
    by_status = {
        s: records.filter(status=s).count()
        for s in records.exclude(status="downloadable").values_list("status", flat=True)
    }
    click(browser, "#cm-delete-all-open")
    wait_dialog(browser)
    listed = [numbers(li.text)[0] for li in all_css(browser, "#cm-confirm-body li")]
    assert sorted(listed) == sorted(n for n in by_status.values() if n), (listed, by_status)
    lead = by_css(browser, "#cm-confirm-body p").text
    assert valid in numbers(lead), (lead, valid)
    reader.check("delete-all dialog", "#cm-confirm")
    dismiss_dialog(browser)

    # Generate all: the history row's counts, whatever order the language puts them in, are the job's own.
    before = set(GenerationJob.objects.values_list("id", flat=True))
    click(browser, "#cm-generate-all")
    wait_dialog(browser)
    reader.check("generate-all dialog", "#cm-confirm")
    confirm_dialog(browser)
    wait(browser, lambda d: set(GenerationJob.objects.values_list("id", flat=True)) - before, what="the job")
    (job_id,) = set(GenerationJob.objects.values_list("id", flat=True)) - before
    state = "const r = document.getElementById('cm-job-' + arguments[0]); return r && r.dataset.state;"
    wait(
        browser,
        lambda d: d.execute_script(state, job_id) == "succeeded",
        timeout=40,
        what="the job to finish in the history",
    )
    job = GenerationJob.objects.get(pk=job_id)
    changed = Certificate.objects.filter(course_key=course_key, modified__gte=job.started).count()
    assert job.changed == changed and job.processed == job.changed + job.skipped + job.failed == job.total
    cells = all_css(browser, f"#cm-job-{job_id} td")
    assert sorted(numbers(cells[7].text)) == sorted([job.changed, job.skipped, job.failed]), cells[7].text
    assert numbers(cells[6].text)[:2] == [job.processed, job.total], cells[6].text
    history = by_css(browser, "#cm-jobs-body").text
    for code in ("generate_all", "regenerate", "downloadable", "notpassing", "succeeded"):
        assert code not in history, f"words, not codes: {code!r} in {history!r}"
    reader.check("history")
    reader.done()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_certificate_no_longer_valid_says_so_once_in_every_language(
    browser, axe_available, live_server, seeded, settings, language, width
):
    use_language(settings, language)
    reader = Reader(browser, language, width)
    set_width(browser, width)
    for status in ("unavailable", "notpassing"):
        cert = Certificate.objects.filter(status=status).order_by("user_id").first()
        browser.get(
            live_server.url + reverse("cert_manager:certificate-verify", kwargs={"verify_uuid": cert.verify_uuid})
        )
        text = by_css(browser, "main").text if all_css(browser, "main") else by_css(browser, "body").text
        with translation.override(language):
            said = translation.gettext("This certificate is no longer valid.")
        if status == "unavailable":
            assert text.count(said) == 1, (status, text)
        reader.check(f"verify page ({status})")
    reader.done()


def impact(driver) -> dict[tuple[str, str, str], int]:
    """The policy dialog's numbers by (before, after, mode), read in any language (the count is the last number)."""
    return {
        (*item.get_attribute("data-transition").split("->"), item.get_attribute("data-mode")): numbers(item.text)[-1]
        for item in all_css(driver, "#cm-confirm-body .cm-policy-impact li")
    }


def apply_and_count(driver, course_key) -> None:
    """Confirm the policy dialog: what the job changes, counted in the database, is what the dialog said."""
    shown, before = impact(driver), certificate_states(course_key)
    assert shown, "the dialog counts what changes"
    confirm_dialog(driver)
    wait(driver, lambda d: changed_between(before, certificate_states(course_key)) == shown, timeout=40)
    wait(driver, lambda d: not d.find_elements("css selector", "#cm-jobs-body tr[data-state=running]"), timeout=40)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ("es", "ar"))
def test_the_new_tools_read_true_in_spanish_and_arabic(
    browser, axe_available, live_server, seeded, settings, language, width
):
    """
    Items 4-8 and the extras in the language (``test_panel_walk`` walks them in English with their exact words):
    the policy impact and its undo, a learner's history, the delete-one choices, a colleague's job, an audit
    exception, sorting, section links, and the learner's share actions; numbers against the database.
    """
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from selenium.webdriver.support.ui import Select

    from cert_manager_plugin import api
    from cert_manager_plugin.data import ALL_MODES

    use_language(settings, language)
    course_key = CourseKey.from_string(seeded)
    default_modes = list(api.get_course_settings(course_key).eligible_modes)
    assert "audit" not in default_modes
    api.update_course_settings(course_key, {"eligible_modes": [*ALL_MODES]})
    api.submit_job(course_key, "generate_all")
    reader = Reader(browser, language, width)
    open_panel(browser, live_server, seeded, language, width)
    assert all_css(browser, ".cm-toc a"), "section links"

    # Item 4: untick audit; the impact before anything is saved, then apply, then undo; each count the database's.
    states = certificate_states(course_key)
    click(browser, "#cm-mode-audit")
    click(browser, "#cm-policies-save")
    wait_dialog(browser)
    issued_audit = Certificate.objects.filter(course_key=course_key, status="downloadable", mode="audit").count()
    assert impact(browser)[("downloadable", "audit_passing", "audit")] == issued_audit
    reader.check("policy impact dialog", "#cm-confirm")
    apply_and_count(browser, course_key)
    wait(browser, lambda d: by_css(d, "#cm-policies-undo").is_displayed(), what="the offer to undo")
    reader.check("policies applied, the offer to undo")
    click(browser, "#cm-policies-undo-button")
    wait_dialog(browser)
    reader.check("undo dialog", "#cm-confirm")
    apply_and_count(browser, course_key)
    assert certificate_states(course_key) == states, "undo puts every status back"

    # Extras: sort by grade, highest first: the rows' order is the database's.
    Select(by_css(browser, "#cm-sort")).select_by_value("-grade")
    expected = list(
        Certificate.objects.filter(course_key=course_key)
        .exclude(grade=None)
        .order_by("-grade", "user__username", "id")
        .values_list("user__username", flat=True)[:5]
    )
    wait(
        browser,
        lambda d: [r.get_attribute("data-username") for r in all_css(d, "#cm-certificates-body tr")][:5] == expected,
        what="the table sorted by grade",
    )
    reader.check("sorted by grade")

    # Item 5: one learner's history, each state as the tables hold it.
    cert = Certificate.objects.get(course_key=course_key, user__username=expected[0])
    click(browser, f'#cm-certificates-body tr[data-username="{expected[0]}"] .cm-history-open')
    wait(browser, lambda d: all_css(d, "#cm-history-states > li"), what="the learner's states")
    shown = [int(li.get_attribute("data-number")) for li in all_css(browser, "#cm-history-states > li")]
    assert shown == list(range(cert.revision, 0, -1)), "every state, numbered 1..n, newest first"
    reader.check("history dialog", "#cm-history")
    by_css(browser, "#cm-history-close").click()

    # Item 6: delete one offers to keep it from coming back (read, then cancelled: nothing deleted).
    click(browser, f'#cm-certificates-body tr[data-username="{expected[0]}"] .cm-delete-cert')
    wait_dialog(browser)
    click(browser, "#cm-delete-choice-block")
    reader.check("delete-one dialog", "#cm-confirm")
    dismiss_dialog(browser)
    assert Certificate.objects.get(pk=cert.pk).status == cert.status

    # Item 8: an exception for an audit learner says at once why no certificate can follow (audit earns none again).
    api.update_course_settings(course_key, {"eligible_modes": default_modes})
    audit = Certificate.objects.filter(course_key=course_key, mode="audit").order_by("user_id").first()
    by_css(browser, "#cm-exception-user").send_keys(audit.user.username)
    click(browser, "#cm-exception-add")
    wait(browser, lambda d: by_css(d, "#cm-feedback-exceptions").text.strip(), what="the exception's outcome")
    with translation.override(language):
        mode_word = str(labels.MODE_LABELS["audit"])
    assert mode_word in by_css(browser, "#cm-feedback-exceptions").text, "the real reason: the audit mode"
    reader.check("audit exception")

    # Item 7: a colleague's job locks this panel and shows its progress without a reload.
    colleague = get_user_model().objects.create_user("colleague", "colleague@example.com", "password")
    job = GenerationJob.objects.create(
        course_key=course_key, kind="regenerate", params={"statuses": ["notpassing"]}, state="running",
        active_course_key=seeded, total=30, processed=6, started=timezone.now(), heartbeat=timezone.now(),
        requested_by=colleague,
    )  # fmt: skip
    wait(browser, lambda d: by_css(d, "#cm-job-lock").is_displayed(), timeout=30, what="the lock, without a reload")
    wait(browser, lambda d: numbers(by_css(d, f"#cm-job-{job.pk} td.cm-job-progress").text)[:2] == [6, 30])
    reader.check("a colleague's job")
    GenerationJob.objects.filter(pk=job.pk).update(
        state="succeeded", processed=30, changed=3, skipped=27, finished=timezone.now(), active_course_key=None
    )
    wait(browser, lambda d: not by_css(d, "#cm-job-lock").is_displayed(), timeout=30, what="the unlock")
    reader.check("the colleague's job ended")

    # Extras: the learner's share actions on their dashboard.
    valid = Certificate.objects.filter(course_key=course_key, status="downloadable").order_by("user_id").first()
    sign_in(browser, live_server, valid.user.username, "demo-learner")
    browser.get(live_server.url + reverse("cert_manager:learner-dashboard"))
    assert all_css(browser, ".cm-share"), "copy link and LinkedIn for a valid certificate"
    reader.check("learner dashboard with share actions")
    reader.done()
