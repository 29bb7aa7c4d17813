"""
Translations in real Chromium: in the pseudo-locale (every translated letter accented, ``tests/i18n_pseudo.py``)
no page shows a plain word, including everything the scripts write (rows, dialogs, feedback, progress), and in
a right-to-left language the pages lay out right to left without sideways scrolling.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cert_manager_plugin.models import Certificate, CertificateException, CertificateInvalidation
from cert_manager_plugin.standalone_host.models import StandaloneCourse
from tests.browser.support import (
    VISIBLE_TEXT_JS,
    WIDTHS,
    assert_no_sideways_scroll,
    by_css,
    click,
    confirm_dialog,
    dismiss_dialog,
    panel_loaded,
    screenshot,
    set_width,
    sign_in,
    untranslated,
    wait,
    wait_dialog,
)
from tests.i18n_pseudo import PSEUDO, pseudo

pytestmark = [pytest.mark.browser]


def use_language(settings, language: str) -> None:
    """
    The live server's language. Its handler (and so its middleware) was built once for the whole session, so the
    language is the host's default here; ``tests/test_translations.py`` covers the choice by ``LocaleMiddleware``.
    """
    settings.LANGUAGE_CODE = language


def data_values() -> list[str]:
    """Every data value a page may show: names, usernames, emails, course, ids, notes."""
    values = []
    for user in get_user_model().objects.all():
        values += [user.username, user.email, user.get_full_name(), user.first_name, user.last_name]
    for course in StandaloneCourse.objects.all():
        values += [course.display_name, str(course.course_key), course.org]
    for cert in Certificate.objects.all():
        values += [str(cert.verify_uuid), cert.name]
    values += list(CertificateException.objects.values_list("notes", flat=True))
    values += list(CertificateInvalidation.objects.values_list("notes", flat=True))
    return values


class Checker:
    def __init__(self, browser) -> None:
        self.browser, self.found = browser, {}
        self.data = data_values()

    def __call__(self, where: str) -> None:
        left = untranslated(self.browser.execute_script(VISIBLE_TEXT_JS), self.data)
        if left:
            self.found[where] = left


def test_pseudo_locale_leaves_no_word_untranslated(browser, live_server, seeded, pseudo_locale, settings, tmp_path):
    use_language(settings, PSEUDO)
    sign_in(browser, live_server, "instructor", "demo-instructor")
    set_width(browser, 390)
    check = Checker(browser)
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    wait(browser, panel_loaded, what="the panel's lists")
    assert browser.execute_script("return document.documentElement.lang") == PSEUDO
    assert pseudo("Generate all certificates…") in by_css(browser, "#cm-generate-all").text
    check("panel")
    screenshot(browser, tmp_path / "pseudo-panel.png")

    click(browser, "#cm-generate-all")
    wait_dialog(browser)
    check("generate-all dialog")
    confirm_dialog(browser)
    # The job's outcome beside the button (its "started" message gives way to it: messages say the current state).
    wait(browser, lambda d: "⟦" in by_css(d, "#cm-generate-progress").text, what="the job's outcome")
    wait(browser, lambda d: not d.find_elements("css selector", "#cm-jobs-body tr[data-state=running]"))
    check("after generate all (feedback, progress, history)")

    click(browser, "#cm-regenerate")
    wait(browser, lambda d: by_css(d, "#cm-feedback-generate").text, what="the no-group error")
    check("regenerate without a group")
    click(browser, "#cm-mode-audit")
    click(browser, "#cm-policies-save")
    wait_dialog(browser)
    check("policy preview dialog")
    confirm_dialog(browser)
    wait(browser, lambda d: by_css(d, "#cm-policies-undo").is_displayed(), timeout=40, what="the offer to undo")
    check("policies applied (feedback, the offer to undo)")
    click(browser, "#cm-policies-undo-button")
    wait_dialog(browser)
    check("undo-policies dialog")
    confirm_dialog(browser)  # back to the demo's policies for the pages below
    wait(browser, lambda d: not by_css(d, "#cm-policies-undo").is_displayed(), timeout=40, what="the undo to end")
    wait(browser, lambda d: not d.find_elements("css selector", "#cm-jobs-body tr[data-state=running]"))

    learner = Certificate.objects.filter(status="downloadable").order_by("user_id").last().user.username
    by_css(browser, "#cm-invalidation-user").send_keys(learner)
    click(browser, "#cm-invalidation-add")
    wait_dialog(browser)
    check("invalidate dialog")
    confirm_dialog(browser)
    wait(browser, lambda d: "⟦" in by_css(d, "#cm-feedback-invalidations").text)
    check("invalidated")
    row = f'#cm-invalidations-body tr[data-username="{learner}"] .cm-revalidate'
    wait(browser, lambda d: d.find_elements("css selector", row), what="the invalidation in the list")
    click(browser, row)
    wait_dialog(browser)
    check("re-validate dialog")
    dismiss_dialog(browser)

    check.data.append("someone-unknown")  # typed by the instructor: data, echoed in the refusal
    by_css(browser, "#cm-exception-user").send_keys("someone-unknown")
    click(browser, "#cm-exception-add")
    wait(browser, lambda d: "⟦" in by_css(d, "#cm-feedback-exceptions").text, what="the refusal")
    check("exception refused (the API's own words are kept, marked)")

    click(browser, "#cm-certificates-body .cm-delete-cert")
    wait_dialog(browser)
    click(browser, "#cm-delete-choice-block")
    check("delete-one dialog (both choices, the notes)")
    dismiss_dialog(browser)
    click(browser, "#cm-export-pdf")
    wait(browser, lambda d: by_css(d, "#cm-export-link").is_displayed(), timeout=60, what="the download link")
    check("exported")
    click(browser, "#cm-delete-all-open")
    wait_dialog(browser)
    check("delete-all dialog")
    dismiss_dialog(browser)
    screenshot(browser, tmp_path / "pseudo-panel-after.png")

    # The learner's pages and the public ones.
    valid = Certificate.objects.filter(status="downloadable").order_by("user_id").first()
    audit = Certificate.objects.filter(status__startswith="audit").first()
    for username in (valid.user.username, audit.user.username):
        sign_in(browser, live_server, username, "demo-learner")
        browser.get(live_server.url + reverse("cert_manager:learner-dashboard"))
        check(f"dashboard of {username}")
    revoked = Certificate.objects.filter(status="unavailable").first()
    for cert in (valid, revoked):
        for name in ("certificate-web", "certificate-verify"):
            browser.get(live_server.url + reverse(f"cert_manager:{name}", kwargs={"verify_uuid": cert.verify_uuid}))
            check(f"{name} ({cert.status})")
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    check("not allowed")
    assert not check.found, check.found


@pytest.mark.parametrize("width", WIDTHS)
def test_a_right_to_left_language_lays_the_pages_out_right_to_left(
    browser, live_server, seeded, pseudo_locale, settings, tmp_path, width
):
    use_language(settings, "ar")
    sign_in(browser, live_server, "instructor", "demo-instructor")
    set_width(browser, width)
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    wait(browser, panel_loaded, what="the panel's lists")
    assert browser.execute_script("return document.documentElement.dir") == "rtl"
    assert by_css(browser, "#cm-panel").get_attribute("dir") == "rtl"
    title, panel = by_css(browser, ".cm-title").rect, by_css(browser, "#cm-panel").rect
    assert panel["x"] + panel["width"] - (title["x"] + title["width"]) < 30, "the heading starts on the right"
    box, label = by_css(browser, "#cm-self-generation").rect, by_css(browser, 'label[for="cm-self-generation"]').rect
    assert box["x"] > label["x"], "a checkbox sits right of its label"
    assert_no_sideways_scroll(browser, f"right-to-left panel at {width} px")
    screenshot(browser, tmp_path / f"rtl-panel-{width}.png")
    cert = Certificate.objects.filter(status="downloadable").first()
    browser.get(live_server.url + reverse("cert_manager:certificate-web", kwargs={"verify_uuid": cert.verify_uuid}))
    assert browser.execute_script("return getComputedStyle(document.querySelector('.cm-facts dt')).direction") == "rtl"
    assert_no_sideways_scroll(browser, f"right-to-left web certificate at {width} px")
    screenshot(browser, tmp_path / f"rtl-certificate-{width}.png")
