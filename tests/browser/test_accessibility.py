"""
Accessibility in real Chromium: axe-core (npm, injected into the real pages) finds no violation of any impact
on the panel (instructor and read-only course staff), the learner dashboard, the web certificate
(valid and revoked) and the verification page, at 390 px and 1366 px; and the whole panel works with the
keyboard alone (every control reachable with Tab, visible focus, dialogs that keep and return focus).
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from cert_manager_plugin.models import Certificate, GenerationJob
from tests.browser.support import (
    WIDTHS,
    assert_axe_clean,
    by_css,
    dialog_open,
    panel_loaded,
    set_width,
    sign_in,
    wait,
    wait_feedback,
    wait_job_outcome,
)

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_nothing_serious_on_any_page(browser, axe_available, live_server, seeded, tmp_path, width):
    valid = Certificate.objects.filter(status="downloadable").order_by("user_id").first()
    revoked = Certificate.objects.get(status="unavailable")
    panel = reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded})

    def page(name: str, cert) -> str:
        return reverse(f"cert_manager:{name}", kwargs={"verify_uuid": cert.verify_uuid})

    pages = [
        ("panel (instructor)", ("instructor", "demo-instructor"), panel),
        ("panel (course staff, read only)", ("staff", "demo-staff"), panel),
        ("learner dashboard", (valid.user.username, "demo-learner"), reverse("cert_manager:learner-dashboard")),
        ("web certificate", None, page("certificate-web", valid)),
        ("web certificate (revoked)", None, page("certificate-web", revoked)),
        ("verification page", None, page("certificate-verify", valid)),
    ]
    report = {}
    for name, login, path in pages:
        if login:
            sign_in(browser, live_server, *login)
        set_width(browser, width)
        browser.get(live_server.url + path)
        if path == panel:
            wait(browser, panel_loaded, what="the panel's lists")
        violations = assert_axe_clean(browser, f"{name} at {width} px")
        report[name] = {v["id"]: [v["impact"], v["count"]] for v in violations}
    (tmp_path / f"axe-{width}.json").write_text(json.dumps(report, indent=1))
    print(f"axe-core at {width} px (zero violations of any impact): {report}")


def focusables(browser) -> list[str]:
    """Every control of the panel a keyboard must reach (visible, enabled), by a readable key."""
    return browser.execute_script(
        """
        // A radio group is one Tab stop (its other options are reached with the arrow keys).
        const key = el => el.type === 'radio' ? 'radio:' + el.name
          : el.id || (el.className + ':' + (el.getAttribute('aria-label') || el.textContent.trim()));
        return Array.from(document.querySelectorAll(
            '#cm-panel a[href], #cm-panel button, #cm-panel input, #cm-panel select'))
          .filter(el => !el.disabled && el.offsetParent !== null && !el.closest('dialog'))
          .map(key);
        """
    )


def active(browser) -> dict:
    return browser.execute_script(
        """
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {key: el.type === 'radio' ? 'radio:' + el.name
                  : el.id || (el.className + ':' + (el.getAttribute('aria-label') || el.textContent.trim())),
                id: el.id, inDialog: !!el.closest('dialog'), outline: style.outlineStyle, width: style.outlineWidth};
        """
    )


def press(browser, *keys) -> None:
    ActionChains(browser).send_keys(*keys).perform()


def tab_to(browser, element_id: str, limit: int = 400) -> None:
    for _ in range(limit):
        press(browser, Keys.TAB)
        if active(browser)["id"] == element_id:
            return
    pytest.fail(f"#{element_id} was never reached with Tab")


@pytest.mark.parametrize("width", WIDTHS)
def test_keyboard_only_walk_through_the_panel(browser, axe_available, live_server, seeded, width):
    sign_in(browser, live_server, "instructor", "demo-instructor")
    set_width(browser, width)
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": seeded}))
    wait(browser, panel_loaded, what="the panel's lists")

    # Tab reaches every control, each with a visible focus ring.
    wanted = set(focusables(browser))
    reached, unringed = set(), []
    browser.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
    for _ in range(len(wanted) * 3 + 40):
        press(browser, Keys.TAB)
        now = active(browser)
        if now["key"] in wanted:
            reached.add(now["key"])
            if now["outline"] in ("none", "") or now["width"] in ("0px", ""):
                unringed.append(now["key"])
        if reached == wanted:
            break
    assert reached == wanted, f"never reached with Tab: {sorted(wanted - reached)}"
    assert not unringed, f"focus not visible on {unringed}"

    # Enter on "Generate all" opens the dialog with the focus inside; Tab stays inside; Escape returns focus.
    browser.execute_script("window.scrollTo(0, 0); document.activeElement.blur();")
    tab_to(browser, "cm-generate-all")
    press(browser, Keys.ENTER)
    wait(browser, dialog_open, what="the dialog (keyboard)")
    wait(browser, lambda d: active(d)["inDialog"], what="focus inside the dialog")
    for _ in range(6):
        press(browser, Keys.TAB)
        assert active(browser)["inDialog"], "Tab left the modal dialog"
    press(browser, Keys.ESCAPE)
    wait(browser, lambda d: not dialog_open(d), what="Escape to close the dialog")
    wait(browser, lambda d: active(d)["id"] == "cm-generate-all", what="focus back on the button that opened it")
    busy = "return document.getElementById('cm-generate-all').getAttribute('aria-busy')"
    wait(browser, lambda d: d.execute_script(busy) is None, what="the button ready again (its dialog's work done)")

    # Again, confirming from the keyboard: one job.
    before = GenerationJob.objects.count()
    press(browser, Keys.ENTER)
    wait(browser, dialog_open, what="the dialog again")
    while active(browser)["id"] != "cm-confirm-ok":
        press(browser, Keys.TAB)
    press(browser, Keys.ENTER)
    wait_job_outcome(browser, "generate", "Generate all certificates")
    assert GenerationJob.objects.count() == before + 1

    # A radio group with the arrow keys.
    tab_to(browser, "cm-scope-new")
    press(browser, Keys.ARROW_DOWN)
    assert by_css(browser, "#cm-scope-all").is_selected() and active(browser)["id"] == "cm-scope-all"

    # A group checkbox with Space, the regenerate button with Enter, confirmed with the keyboard.
    tab_to(browser, "cm-group-received")
    press(browser, Keys.SPACE)
    assert by_css(browser, "#cm-group-received").is_selected()
    tab_to(browser, "cm-regenerate")
    press(browser, Keys.ENTER)
    wait(browser, dialog_open, what="the regenerate dialog")
    while active(browser)["id"] != "cm-confirm-ok":
        press(browser, Keys.TAB)
    press(browser, Keys.ENTER)
    wait_job_outcome(browser, "generate", "Regenerate learner groups")

    # Delete all from the keyboard: the typed course id, then Enter.
    tab_to(browser, "cm-delete-all-open")
    press(browser, Keys.ENTER)
    wait(browser, dialog_open, what="the delete-all dialog")
    assert active(browser)["id"] == "cm-confirm-input", "the typed confirmation gets the focus"
    press(browser, seeded, Keys.ENTER)
    wait_feedback(browser, "delete-all", "certificates deleted")
    assert not Certificate.objects.filter(status="downloadable").exists()
