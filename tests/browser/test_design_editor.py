"""
The panel's "Certificate design" card in real Chromium (issue 17), on the seeded demo course.

An instructor picks a built-in design, a colour and a title, previews it for a real learner of the course (their
name in the preview), sees an error of the API beside the field it names, and saves version 1: an issued
certificate's web page keeps its old look until "Apply to issued certificates" (its dry run's numbers are the
database's) runs; then the certificate has a new revision in version 1 and its page shows the new title. Course staff
see the card read only (every editing control disabled, writes refused) and can still preview. axe-core finds no
violation of any impact in the card (and its dialog) at 390 and 1366 pixels, in English and in Arabic (right to left,
the preview mirrored inside its box), and nothing scrolls sideways.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from opaque_keys.edx.keys import CourseKey
from PIL import Image
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from cert_manager_plugin.models import Certificate, CertificateRevision, GenerationJob
from tests.browser.support import (
    WIDTHS,
    all_css,
    assert_axe_clean,
    assert_no_sideways_scroll,
    by_css,
    click,
    console_errors,
    panel_loaded,
    set_width,
    sign_in,
    wait,
)
from tests.browser.test_translations_browser import use_language

pytestmark = [pytest.mark.browser]

OLD_TITLE = "Certificate of Achievement"
NEW_TITLE = "Diploma in Keeping Credentials True"
NEW_PRIMARY = "#7a1f5c"
OTHER_TITLE = "Diploma of Another Mode"
#: What the valid certificates of a course are (``data.PASSING_STATUSES``): the ones "apply" gives a new revision.
VALID = ("downloadable", "generating")


# --- helpers ---------------------------------------------------------------------------------------------------


def open_panel(browser, live_server, course_id: str, who: tuple[str, str]) -> None:
    sign_in(browser, live_server, *who)
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": course_id}))
    wait(browser, panel_loaded, what="the panel's lists")
    wait(browser, editor_ready, what="the design editor and its first preview")


def editor_ready(driver) -> bool:
    return bool(
        driver.execute_script(
            "const c = document.getElementById('cm-design');"
            " return c && c.dataset.ready === 'true' && c.dataset.preview === 'ready'"
            " && !document.querySelector('#cm-design-versions-body [data-loading]');"
        )
    )


def preview_text(driver) -> str:
    """The text of the preview iframe's document (same origin: a sandbox without scripts)."""
    return driver.execute_script(
        "const f = document.getElementById('cm-design-frame');"
        " return f.contentDocument && f.contentDocument.body ? f.contentDocument.body.textContent : '';"
    )


def preview_html(driver) -> str:
    return driver.execute_script(
        "const f = document.getElementById('cm-design-frame');"
        " return f.contentDocument ? f.contentDocument.documentElement.outerHTML : '';"
    )


def wait_preview(driver, text: str, what: str, timeout: float = 20) -> str:
    """The preview has been redrawn and shows ``text``."""
    wait(
        driver,
        lambda d: editor_ready(d) and text in preview_text(d),
        timeout=timeout,
        what=f"{what} in the preview",
    )
    return preview_text(driver)


def type_into(driver, selector: str, text: str) -> None:
    field = by_css(driver, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", field)
    field.clear()
    field.send_keys(text)


def web_page_text(driver, live_server, cert: Certificate) -> str:
    """
    The certificate's web page as the server renders it now. The page is public for ``CERT_MANAGER_PUBLIC_MAX_AGE``
    (60 s): a browser may show its copy that long, so this reader keeps none (the server's answer is the subject).
    """
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.get(live_server.url + reverse("cert_manager:certificate-web", kwargs={"verify_uuid": cert.verify_uuid}))
    return " ".join(driver.execute_script("return document.body.textContent").split())  # as written, not as styled


def dry_run_by_mode(driver) -> dict[str, int]:
    """The apply dialog's numbers by mode (each item ends in its count)."""
    return {
        item.get_attribute("data-mode"): int(item.text.rsplit(": ", 1)[1].replace(",", ""))
        for item in all_css(driver, "#cm-design-confirm-body li[data-mode]")
    }


def design_dialog_open(driver) -> bool:
    return bool(driver.execute_script("return document.getElementById('cm-design-confirm').open;"))


# --- the walk ----------------------------------------------------------------------------------------------------


def test_an_instructor_designs_previews_saves_and_applies(browser, axe_available, live_server, seeded, tmp_path):
    from cert_manager_plugin.designs.library import BUILT_INS
    from cert_manager_plugin.designs.models import DesignVersion

    course_key = CourseKey.from_string(seeded)
    cert = Certificate.objects.filter(course_key=course_key, status="downloadable").order_by("user_id").first()
    revision_before, certificates_before = cert.revision, Certificate.objects.count()
    old_status, old_grade = cert.status, cert.grade  # a design changes the look only
    assert cert.design_version_id is None
    page = web_page_text(browser, live_server, cert)
    assert OLD_TITLE in page and NEW_TITLE not in page

    set_width(browser, 1366)
    open_panel(browser, live_server, seeded, ("instructor", "demo-instructor"))
    assert "No design saved yet" in by_css(browser, "#cm-design-current").text

    # A built-in design: its colours come with it.
    click(browser, "label[for=cm-design-base-modern]")
    modern_primary = BUILT_INS["modern"].colours["primary"].lower()
    assert by_css(browser, "#cm-design-colour-primary-code").get_attribute("value").lower() == modern_primary
    assert by_css(browser, "#cm-design-font").get_attribute("value") == BUILT_INS["modern"].font
    # A colour typed as a code, and a title.
    type_into(browser, "#cm-design-colour-primary-code", NEW_PRIMARY)
    assert by_css(browser, "#cm-design-colour-primary").get_attribute("value").lower() == NEW_PRIMARY
    type_into(browser, "#cm-design-block-title", NEW_TITLE)
    wait_preview(browser, NEW_TITLE, "the new title")
    assert NEW_PRIMARY in preview_html(browser).lower(), "the preview draws the chosen colour"
    assert "Unsaved changes" in by_css(browser, "#cm-design-dirty").text

    # A variable inserted by its button, where the cursor was.
    type_into(browser, "#cm-design-block-intro", "Awarded to ")
    click(browser, ".cm-design-variable[data-variable=learner_name]")
    assert by_css(browser, "#cm-design-block-intro").get_attribute("value") == "Awarded to {learner_name}"
    wait_preview(browser, "Awarded to Sample Learner", "the sample learner in the intro")

    # An unknown variable: the API's error shows beside the field it names; the preview keeps its last drawing.
    type_into(browser, "#cm-design-block-footer", "Signed {dean_name}")
    wait(
        browser,
        lambda d: "dean_name" in by_css(d, "#cm-design-block-footer-error").text,
        what="the footer's error beside the footer",
    )
    assert by_css(browser, "#cm-design-block-footer").get_attribute("aria-invalid") == "true"
    assert NEW_TITLE in preview_text(browser)
    by_css(browser, "#cm-design-block-footer").send_keys(Keys.CONTROL, "a", Keys.BACK_SPACE)  # empty: the default
    wait(browser, lambda d: not by_css(d, "#cm-design-block-footer-error").text, what="the error to go")

    # Preview as a real learner of the course: their name; nothing saved, no certificate made.
    type_into(browser, "#cm-design-preview-as", cert.user.username)
    click(browser, "#cm-design-preview-show")
    text = wait_preview(browser, cert.name, "the learner's name")
    assert "Sample Learner" not in text and NEW_TITLE in text
    assert f"Awarded to {cert.name}" in " ".join(text.split())
    assert not DesignVersion.objects.filter(course_key=course_key).exists()
    assert Certificate.objects.count() == certificates_before

    # A learner outside the course: the error beside the "Preview as" field.
    type_into(browser, "#cm-design-preview-as", "nobody-here")
    click(browser, "#cm-design-preview-show")
    wait(browser, lambda d: by_css(d, "#cm-design-preview-as-error").text, what="the error beside 'Preview as'")
    assert by_css(browser, "#cm-design-preview-as").get_attribute("aria-invalid") == "true"
    type_into(browser, "#cm-design-preview-as", cert.user.username)
    click(browser, "#cm-design-preview-show")
    wait_preview(browser, cert.name, "the learner's name again")

    # Another mode's own title: the fields show that mode's wording over the base's; the base is untouched.
    other = next(m for m in ("masters", "professional", "honor", "verified") if m != cert.mode)
    Select(by_css(browser, "#cm-design-scope-mode")).select_by_value(other)
    assert by_css(browser, "#cm-design-block-title").get_attribute("value") == ""
    assert NEW_TITLE in by_css(browser, "#cm-design-block-title-default").text
    assert not by_css(browser, "#cm-design-base-modern").is_enabled(), "the design itself is the same for every mode"
    type_into(browser, "#cm-design-block-title", "For {nobody}")  # the API's path names this mode's title
    wait(browser, lambda d: "nobody" in by_css(d, "#cm-design-block-title-error").text, what="the override's error")
    type_into(browser, "#cm-design-block-title", OTHER_TITLE)
    wait_preview(browser, OTHER_TITLE, f"the {other} title")
    assert not by_css(browser, "#cm-design-block-title-error").text
    Select(by_css(browser, "#cm-design-scope-mode")).select_by_value("")
    assert by_css(browser, "#cm-design-block-title").get_attribute("value") == NEW_TITLE
    wait_preview(browser, NEW_TITLE, "the base title again")

    # A logo: an SVG is refused beside the field; a PNG is taken and drawn (inlined) in the preview.
    svg, png = tmp_path / "logo.svg", tmp_path / "logo.png"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    Image.new("RGB", (120, 40), "#7a1f5c").save(png)
    by_css(browser, "#cm-design-logo").send_keys(str(svg))
    wait(browser, lambda d: by_css(d, "#cm-design-logo-error").text, what="the SVG's error beside the logo field")
    assert by_css(browser, "#cm-design-logo").get_attribute("aria-invalid") == "true"
    by_css(browser, "#cm-design-logo").send_keys(str(png))
    wait(browser, lambda d: "120 \u00d7 40" in by_css(d, "#cm-design-logo-state").text, what="the uploaded logo")
    assert not by_css(browser, "#cm-design-logo-error").text
    wait(browser, lambda d: editor_ready(d) and "data:image/png" in preview_html(d), what="the logo in the preview")

    # A signatory of the design's own (printed when the course has none in Studio), in the preview.
    click(browser, "#cm-design-signatory-add")
    assert browser.switch_to.active_element.get_attribute("id") == "cm-design-signatory-0-name", "focus on its name"
    type_into(browser, "#cm-design-signatory-0-name", "Grace Hopper")
    wait_preview(browser, "Grace Hopper", "the design's signatory")
    # The course title printed instead of the course's name (standalone: no Studio override).
    type_into(browser, "#cm-design-course-title", "Analytical Engines, revised")
    wait_preview(browser, "Analytical Engines, revised", "the design's course title")

    # The PDF preview: a link to the PDF the API made (nothing saved).
    click(browser, "#cm-design-pdf")
    wait(browser, lambda d: by_css(d, "#cm-design-pdf-link").is_displayed(), what="the PDF preview's link")
    head = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        " fetch(document.getElementById('cm-design-pdf-link').href).then(r => r.blob()).then(b => b.slice(0, 5).text())"
        ".then(done);"
    )
    assert head == "%PDF-"

    # Save, with a note: version 1, in the versions list.
    type_into(browser, "#cm-design-note", "Modern look, new title")
    click(browser, "#cm-design-save")
    wait(browser, lambda d: "Version 1 saved" in by_css(d, "#cm-feedback-design").text, what="the save")
    saved = DesignVersion.objects.get(course_key=course_key)
    assert (saved.number, saved.note, saved.created_by.username) == (1, "Modern look, new title", "instructor")
    assert saved.document["base"] == "modern" and saved.document["colours"]["primary"] == NEW_PRIMARY
    assert saved.document["blocks"]["title"] == NEW_TITLE
    assert saved.document["blocks"]["intro"] == "Awarded to {learner_name}"
    assert list(saved.document["overrides"]) == [f"mode:{other}"]
    assert saved.document["overrides"][f"mode:{other}"]["blocks"] == {"title": OTHER_TITLE}
    assert saved.document["logo"], "the uploaded logo's name"
    assert [s["name"] for s in saved.document["signatories"]] == ["Grace Hopper"]
    assert saved.document["course_title"] == "Analytical Engines, revised"
    wait(browser, lambda d: d.execute_script("return !!document.getElementById('cm-design-version-1')"), what="row")
    row = by_css(browser, "#cm-design-version-1").text
    assert "Modern look, new title" in row and "instructor" in row
    assert "version 1" in by_css(browser, "#cm-design-current").text
    assert not by_css(browser, "#cm-design-dirty").text

    # The issued certificate keeps its look: same revision, no design, the old title on its page.
    cert.refresh_from_db()
    assert (cert.revision, cert.design_version_id) == (revision_before, None)
    panel_url = browser.current_url
    page = web_page_text(browser, live_server, cert)
    assert OLD_TITLE in page and NEW_TITLE not in page

    # Apply: the dry run's numbers are the database's, by mode; then one job, seen through to its end.
    browser.get(panel_url)
    wait(browser, panel_loaded, what="the panel's lists")
    wait(browser, editor_ready, what="the design editor")
    pending = Certificate.objects.filter(course_key=course_key, status__in=VALID).exclude(design_version=saved)
    expected = {}
    for mode in pending.values_list("mode", flat=True):
        expected[mode] = expected.get(mode, 0) + 1
    jobs_before = set(GenerationJob.objects.values_list("id", flat=True))
    click(browser, "#cm-design-apply")
    wait(browser, design_dialog_open, what="the apply dialog")
    dialog = by_css(browser, "#cm-design-confirm").text
    assert f"{sum(expected.values())} certificates would get a new revision in version 1" in dialog, dialog
    assert {m: n for m, n in dry_run_by_mode(browser).items() if n} == expected
    assert_axe_clean(browser, "the apply dialog", "#cm-design-confirm")
    assert set(GenerationJob.objects.values_list("id", flat=True)) == jobs_before, "a dry run starts nothing"
    by_css(browser, "#cm-design-confirm-ok").click()
    wait(browser, lambda d: not design_dialog_open(d), what="the dialog to close")
    wait(
        browser,
        lambda d: d.execute_script("return document.getElementById('cm-design').dataset.jobState") == "succeeded",
        timeout=60,
        what="the apply job to finish",
    )
    (job_id,) = set(GenerationJob.objects.values_list("id", flat=True)) - jobs_before
    job = GenerationJob.objects.get(pk=job_id)
    assert (job.kind, job.state, job.changed) == ("apply_design", "succeeded", sum(expected.values()))
    assert "Done: " in by_css(browser, "#cm-feedback-design-apply").text
    wait(
        browser,
        lambda d: d.execute_script("const r = document.getElementById('cm-job-' + arguments[0]);"
                                   " return r && r.dataset.state;", job_id) == "succeeded",
        timeout=40,
        what="the job in the panel's history",
    )  # fmt: skip

    # Now the certificate has a new revision in version 1 (the old one kept) and its page the new title.
    cert.refresh_from_db()
    assert (cert.revision, cert.design_version_id) == (revision_before + 1, saved.pk)
    kept = CertificateRevision.objects.get(certificate=cert, revision=revision_before)
    assert kept.design_version_id is None and kept.superseded_by_source == "design" == cert.source
    assert (kept.status, kept.grade, cert.status, cert.grade) == (old_status, old_grade, old_status, old_grade)
    assert not Certificate.objects.filter(course_key=course_key, status__in=VALID).exclude(design_version=saved)
    page = web_page_text(browser, live_server, cert)
    assert NEW_TITLE in page and OLD_TITLE not in page
    assert f"Awarded to {cert.name}" in " ".join(page.split())
    assert not console_errors(browser)


def test_course_staff_see_the_design_read_only_and_can_preview(browser, live_server, seeded):
    from cert_manager_plugin import api

    course_key = CourseKey.from_string(seeded)
    document = {**api.design_library()["library"][0]["defaults"]}
    document["blocks"] = {**document["blocks"], "title": NEW_TITLE}
    document["signatories"] = [{"name": "Grace Hopper"}]
    instructor = get_user_model().objects.get(username="instructor")
    api.save_design_version(course_key, document, user=instructor, note="By the instructor")
    cert = Certificate.objects.filter(course_key=course_key, status="downloadable").order_by("user_id").first()

    set_width(browser, 390)
    open_panel(browser, live_server, seeded, ("staff", "demo-staff"))
    assert_no_sideways_scroll(browser, "the design card, staff, 390 px")
    editable = browser.execute_script(
        "return Array.from(document.querySelectorAll("
        "'#cm-design-library input, #cm-design-colours input, #cm-design-look input, #cm-design-look select,"
        " #cm-design-blocks input, #cm-design-blocks button, #cm-design-signatories input,"
        " #cm-design-signatories button'))"
        ".filter(el => !el.matches(':disabled')).map(el => el.id || el.className);"
    )
    assert not editable, f"staff can edit: {editable}"
    assert by_css(browser, "#cm-design-signatory-0-name").get_attribute("value") == "Grace Hopper"
    assert not all_css(browser, "#cm-design-save, #cm-design-apply, #cm-design-note")
    assert by_css(browser, "#cm-design-block-title").get_attribute("value") == NEW_TITLE
    assert "version 1" in by_css(browser, "#cm-design-current").text
    assert "By the instructor" in by_css(browser, "#cm-design-version-1").text

    # A version opens in the preview (nothing to save: staff cannot).
    click(browser, "#cm-design-version-1 .cm-design-open")
    wait(browser, lambda d: "The preview shows version 1." in by_css(d, "#cm-feedback-design").text, what="version 1")
    wait_preview(browser, NEW_TITLE, "version 1's title")

    # The preview works: a real learner's name.
    type_into(browser, "#cm-design-preview-as", cert.user.username)
    click(browser, "#cm-design-preview-show")
    wait_preview(browser, cert.name, "the learner's name (staff)")

    # And the API refuses the writes the disabled controls would make.
    status = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const cfg = JSON.parse(document.getElementById('cm-config').textContent);
        const token = document.querySelector('#cm-panel input[name=csrfmiddlewaretoken]').value;
        fetch(cfg.api + 'design/versions', {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRFToken': token},
            body: JSON.stringify({document: arguments[0], note: 'staff'})}).then(r => done(r.status));
        """,
        document,
    )
    assert status in (403, 404), status
    assert not console_errors(browser)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ("en", "ar"))
def test_axe_finds_nothing_in_the_design_editor(browser, axe_available, live_server, seeded, settings, language, width):
    from cert_manager_plugin import api

    use_language(settings, language)
    course_key = CourseKey.from_string(seeded)
    document = {**api.design_library()["library"][1]["defaults"]}
    api.save_design_version(course_key, document, user=None, note="")  # a version, so the apply dialog has numbers

    set_width(browser, width)
    open_panel(browser, live_server, seeded, ("instructor", "demo-instructor"))
    direction = browser.execute_script("return getComputedStyle(document.getElementById('cm-design')).direction")
    assert direction == ("rtl" if language == "ar" else "ltr")
    where = f"the design editor ({language}, {width} px)"
    assert_no_sideways_scroll(browser, where)
    assert_axe_clean(browser, where, "#cm-design")

    # The preview sits inside its box, scaled to fit, from the box's start edge (the right one in Arabic).
    frame, box = browser.execute_script(
        "const r = e => { const b = e.getBoundingClientRect(); return [b.left, b.right]; };"
        " return [r(document.getElementById('cm-design-frame')), r(document.getElementById('cm-design-frame-box'))];"
    )
    assert box[0] - 1 <= frame[0] and frame[1] <= box[1] + 1, (frame, box)
    start = 1 if language == "ar" else 0
    assert abs(frame[start] - box[start]) <= 2, (frame, box)

    # Both widths of the preview, and the apply dialog.
    for preview_width in (390, 1366):
        click(browser, f"label[for=cm-design-width-{preview_width}]")
        wait(
            browser,
            lambda d, w=preview_width: d.execute_script(
                "return document.getElementById('cm-design').dataset.previewWidth"
            ) == str(w),
            what=f"the preview at {preview_width} px",
        )  # fmt: skip
        assert_no_sideways_scroll(browser, f"{where}, preview at {preview_width} px")
    click(browser, "#cm-design-apply")
    wait(browser, design_dialog_open, what="the apply dialog")
    assert_axe_clean(browser, f"{where}: the apply dialog", "#cm-design-confirm")
    by_css(browser, "#cm-design-confirm-cancel").click()
    wait(browser, lambda d: not design_dialog_open(d), what="the dialog to close")
    focused = "return document.activeElement.id"
    wait(browser, lambda d: d.execute_script(focused) == "cm-design-apply", what="focus back on the button")
    assert not console_errors(browser)
