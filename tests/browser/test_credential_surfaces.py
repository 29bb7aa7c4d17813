"""
Verifiable credentials in real Chromium, in English, Spanish and Arabic (right to left), at 390 px and 1366 px.

One story per language on the demo course: the instructor panel shows the course's credential expiry (a bad value is
refused beside the field, a good one saved and announced) and each certificate's credential state; the learner's
"Download credential" gives a signed file; the public check page, given that file pasted, says it is valid, and once
the learner's grade drops below passing (the LMS's own grade events) says it is suspended, as the panel does too.
Every step: the page is in the language (``lang``, ``dir``), axe-core finds no violation of any impact and nothing
scrolls sideways.

The words are the catalogs' own: the shipped ``.po`` files are compiled for this test (``shipped_catalogs``), and
each expected sentence is asked of Django's gettext in the language, never written here in Spanish or Arabic; the
sentences the catalogs already translate must come out translated (the catalogs are really in use). A sentence
added since the catalogs were last updated reads in English in every language until then: gettext gives the same
English, so the checks still hold and the language switch and direction are still checked. (The whole-page
"no English left" check of ``test_language_walk`` is left to that walk: while new sentences wait for their
translation, a new sentence that contains an older, translated one would read as English left.)
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation.trans_real import DjangoTranslation
from opaque_keys.edx.keys import CourseKey

from cert_manager_plugin import api, labels
from cert_manager_plugin.models import Certificate
from tests.browser.support import (
    WIDTHS,
    all_css,
    assert_axe_clean,
    assert_no_sideways_scroll,
    by_css,
    click,
    panel_loaded,
    set_width,
    sign_in,
    wait,
    wait_feedback,
)
from tests.browser.test_translations_browser import use_language
from tests.i18n_pseudo import ROOT, parse_po, write_mo

pytestmark = [pytest.mark.browser]

LANGUAGES = ("en", "es", "ar")
LOCALE = ROOT / "cert_manager_plugin" / "locale"


def compile_catalog(po: Path, mo: Path) -> None:
    """A shipped ``.po`` as the ``.mo`` Django reads: its translated entries (plurals and contexts kept)."""
    catalog: dict[str, str] = {}
    for entry in parse_po(po):
        strings = entry.get("msgstr", {})
        if not entry["msgid"]:
            catalog[""] = strings.get(0, "")
            continue
        if not all(strings.values()):
            continue  # untranslated: gettext falls back to the English
        key = entry["msgid"] if entry.get("msgctxt") is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry.get("msgid_plural") is not None:
            catalog[f"{key}\x00{entry['msgid_plural']}"] = "\x00".join(strings[i] for i in sorted(strings))
        else:
            catalog[key] = strings[0]
    write_mo(catalog, mo)


@pytest.fixture(scope="session")
def shipped_catalogs_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("shipped-catalogs")
    for language in ("es", "ar"):
        for po in sorted((LOCALE / language / "LC_MESSAGES").glob("*.po")):
            compile_catalog(po, root / language / "LC_MESSAGES" / f"{po.stem}.mo")
    return root


@pytest.fixture
def shipped_catalogs(settings, shipped_catalogs_dir):
    """The shipped translations, whether or not ``.mo`` files were compiled next to the ``.po`` files."""
    settings.LOCALE_PATHS = [str(shipped_catalogs_dir), *settings.LOCALE_PATHS]


@pytest.fixture
def signing(settings, live_server):
    """A demo signing key; the issuer named by the live server's address (the status lists' URLs)."""
    from cert_manager_plugin.credentials import keys

    settings.CERT_MANAGER_VC_DEMO_KEY = True
    settings.CERT_MANAGER_BASE_URL = live_server.url
    keys.forget_loaded_keys()
    yield settings
    keys.forget_loaded_keys()


def said(language: str, text: str, context: str | None = None) -> str:
    """What the catalog of ``language`` says for ``text`` (the English itself until it is translated)."""
    with translation.override(language):
        return translation.pgettext(context, text) if context else translation.gettext(text)


def said_by_script(language: str, text: str) -> str:
    """What the scripts' catalog (``djangojs``, the panel's JavaScript) of ``language`` says for ``text``."""
    return DjangoTranslation(language, domain="djangojs").gettext(text)


class Surfaces:
    """One language: each surface checked at both widths (in the language, axe-clean, nothing scrolls sideways)."""

    def __init__(self, driver, language: str) -> None:
        self.driver, self.language = driver, language

    def in_language(self, where: str) -> None:
        lang, direction = self.driver.execute_script(
            "return [document.documentElement.lang, document.documentElement.dir]"
        )
        assert lang.split("-")[0] == self.language, (where, lang)
        assert (direction or "ltr") == ("rtl" if self.language == "ar" else "ltr"), (where, direction)
        panel = all_css(self.driver, "#cm-panel")
        if panel:
            assert panel[0].get_attribute("dir") == ("rtl" if self.language == "ar" else "ltr"), where

    def check(self, where: str, include: str | None = None, ready=None) -> None:
        """``where`` at each width (``ready``: what to wait for after the resize)."""
        self.in_language(where)
        for width in WIDTHS:
            set_width(self.driver, width)
            if ready:
                wait(self.driver, ready, what=f"{where} at {width} px")
            label = f"{where} ({self.language}, {width} px)"
            assert_no_sideways_scroll(self.driver, label)
            assert_axe_clean(self.driver, label, include)


def open_panel(driver, live_server, course_id: str) -> None:
    sign_in(driver, live_server, "instructor", "demo-instructor")
    driver.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": course_id}))
    wait(driver, panel_loaded, what="the panel's lists")
    wait(driver, lambda d: by_css(d, "#cm-credential-days-state").text.strip(), what="the credential expiry")


def credential_cell(driver, username: str):
    return by_css(driver, f'#cm-certificates-body tr[data-username="{username}"] .cm-cert-credential')


def show_learner(driver, username: str) -> None:
    """Search the certificate list for one learner (the list's first page may not hold them)."""
    field = by_css(driver, "#cm-search")
    field.clear()
    field.send_keys(username)
    click(driver, "#cm-certificate-filter-submit")
    wait(
        driver,
        lambda d: [r.get_attribute("data-username") for r in all_css(d, "#cm-certificates-body tr")] == [username],
        what=f"{username}'s row",
    )


def download_credential(driver, directory: Path) -> dict:
    """Click the learner's "Download credential" and read the file Chromium saved."""
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(directory)})
    click(driver, ".cm-link-credential")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done = [p for p in directory.glob("credential-*.json") if p.stat().st_size]
        if done:
            return json.loads(done[0].read_text(encoding="utf-8"))
        time.sleep(0.2)
    pytest.fail(f"no credential file in {directory}: {list(directory.iterdir())}")


def check_pasted(driver, live_server, document: dict) -> tuple[str, str]:
    """Paste the credential into the public check page: (its state, its headline)."""
    driver.delete_all_cookies()  # anyone: an employer, not signed in
    driver.get(live_server.url + reverse("cert_manager:credential-verify"))
    area = by_css(driver, "textarea[name=credential]")
    driver.execute_script("arguments[0].value = arguments[1];", area, json.dumps(document, indent=2))
    by_css(driver, "form[method=post] button[type=submit]").click()
    wait(driver, lambda d: all_css(d, "[data-state]"), what="the check's answer")
    result = by_css(driver, "[data-state]")
    return result.get_attribute("data-state"), by_css(driver, "[data-state] h2").text


@pytest.mark.parametrize("language", LANGUAGES)
def test_credentials_read_true_in_the_panel_the_download_and_the_check_page(
    browser, axe_available, live_server, seeded, settings, shipped_catalogs, signing, tmp_path, language
):
    use_language(settings, language)
    course_key = CourseKey.from_string(seeded)
    page = Surfaces(browser, language)
    cert = Certificate.objects.filter(course_key=course_key, status="downloadable").order_by("user_id").first()
    username = cert.user.username

    # The panel: the expiry, in words; a bad value refused beside the field, in the API's words; a good one saved.
    open_panel(browser, live_server, seeded)
    assert by_css(browser, "label[for=cm-credential-days]").text == said(language, "Credentials valid for (days)")
    never = said_by_script(language, "Credentials never expire (no expiry).")
    assert by_css(browser, "#cm-credential-days-state").text == never
    field = by_css(browser, "#cm-credential-days")
    for bad in ("0", "abc"):
        field.clear()
        field.send_keys(bad)
        click(browser, "#cm-credentials-save")
        wait_feedback(browser, "credentials", said_by_script(language, "The expiry was not changed."))
        error = by_css(browser, "#cm-credential-days-error")
        assert error.is_displayed() and error.text.strip(), f"the API's reason beside the field for {bad!r}"
        assert field.get_attribute("aria-invalid") == "true"
        assert api.credential_valid_for_days(course_key) is None, "nothing saved"
    page.check("panel: a refused expiry", "#cm-credentials")
    field.clear()
    field.send_keys("365")
    click(browser, "#cm-credentials-save")
    wait(browser, lambda d: "cm-feedback-success" in by_css(d, "#cm-feedback-credentials").get_attribute("class"))
    assert api.credential_valid_for_days(course_key) == 365
    assert not by_css(browser, "#cm-credential-days-error").is_displayed()
    assert by_css(browser, "#cm-feedback-credentials").get_attribute("aria-live") == "polite"
    page.check("panel: the expiry saved", "#cm-credentials")
    api.set_credential_valid_for_days(course_key, None)

    # The learner downloads their credential from their dashboard.
    sign_in(browser, live_server, username, "demo-learner")
    browser.get(live_server.url + reverse("cert_manager:learner-dashboard"))
    link = by_css(browser, ".cm-link-credential")
    assert link.text == said(language, "Download credential")
    page.check("learner dashboard")
    document = download_credential(browser, tmp_path / f"downloads-{language}")
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"] and document["proof"]["proofValue"]
    assert cert.user.email not in json.dumps(document)

    # The panel names the certificate's credential: active.
    open_panel(browser, live_server, seeded)
    show_learner(browser, username)
    cell = credential_cell(browser, username)
    with translation.override(language):
        active, suspended = (str(labels.CREDENTIAL_STATE_LABELS[s]) for s in ("active", "suspended"))
    assert (cell.get_attribute("data-credential"), cell.text) == ("active", active)
    page.check("panel: the certificate's credential", "#cm-certificates", ready=lambda d: credential_cell(d, username))

    # The check page, given the pasted file: valid.
    state, headline = check_pasted(browser, live_server, document)
    assert (state, headline) == ("valid", said(language, "This credential is valid."))
    page.check("check page: valid")

    # The learner's grade drops below passing (the LMS's grade events): suspended, on the check page and in the panel.
    call_command("demo_grade", username, "20", stdout=io.StringIO())
    assert Certificate.objects.get(pk=cert.pk).status != "downloadable"
    state, headline = check_pasted(browser, live_server, document)
    assert (state, headline) == ("suspended", said(language, "This credential is suspended."))
    page.check("check page: suspended")
    open_panel(browser, live_server, seeded)
    show_learner(browser, username)
    cell = credential_cell(browser, username)
    assert (cell.get_attribute("data-credential"), cell.text) == ("suspended", suspended)
    page.check("panel: a suspended credential", "#cm-certificates", ready=lambda d: credential_cell(d, username))


@pytest.mark.parametrize("language", ("es", "ar"))
def test_the_words_the_walk_reads_are_translated_in_the_shipped_catalogs(settings, shipped_catalogs, language):
    """The catalogs the walk compiles are the shipped ones: the sentences they already hold come out translated."""
    for text in ("This credential is valid.", "This credential is suspended.", "Download credential"):
        assert said(language, text) != text, (language, text)
    for text in ("Credentials never expire (no expiry).", "The expiry was not changed."):
        assert said_by_script(language, text) != text, (language, text)
