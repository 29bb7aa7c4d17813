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
        self.data = data_values()
        self.english: dict[str, list] = {}
        self.latin: dict[str, list] = {}

    def check(self, step: str, include: str | None = None) -> None:
        where = f"{step} ({self.language}, {self.width} px)"
        assert_no_sideways_scroll(self.driver, where)
        assert_axe_clean(self.driver, where, include)
        if self.language == "en":
            return
        texts = self.driver.execute_script(VISIBLE_TEXT_JS)
        with translation.override(self.language):
            left = english_left(texts, self.data, self.language)
        if left:
            self.english[where] = sorted(set(left))[:10]
        latin = latin_left(texts, self.data) if self.language == "ar" else []
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
