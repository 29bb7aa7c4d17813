"""
What the browser tests share: viewport widths, full-page screenshots, the sideways-scroll check, axe-core,
waiting, signing in and the pseudo-locale text check.

axe-core comes from the npm registry (``./scripts/browser_deps.sh`` installs it into ``var/node/``); the tests
inject ``axe.min.js`` into the real pages. Without it they skip, or fail when services are required
(``CI=true`` / ``CERT_MANAGER_REQUIRE_SERVICES=1``), like Chromium itself (``tests/services.py``).
"""

from __future__ import annotations

import base64
import os
from functools import cache
from pathlib import Path

import pytest

from tests.services import require

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = Path(
    os.environ.get("CERT_MANAGER_AXE_JS") or ROOT / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
)
WIDTHS = (390, 1366)
HEIGHT = 900
#: axe impacts that fail a test: all of them (issue 14 asks for zero violations, not "nothing serious").
BLOCKING = ("minor", "moderate", "serious", "critical")


def set_width(driver, width: int, height: int = HEIGHT) -> None:
    """A viewport exactly ``width`` CSS pixels wide (desktop emulation: no zooming out to fit wide content)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    assert driver.execute_script("return window.innerWidth") == width


def scroll_widths(driver) -> tuple[int, int]:
    return tuple(driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]"))


def assert_no_sideways_scroll(driver, what: str) -> None:
    """The page is no wider than the window: nothing makes the reader scroll sideways."""
    scroll_width, inner_width = scroll_widths(driver)
    if scroll_width > inner_width:
        wide = driver.execute_script(
            "const w = window.innerWidth; return Array.from(document.querySelectorAll('body *'))"
            ".filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 8)"
            ".map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' '"
            " + Math.round(e.getBoundingClientRect().right));"
        )
        pytest.fail(f"{what}: {scroll_width} px wide in a {inner_width} px window; widest: {wide}")


def screenshot(driver, path: Path) -> Path:
    """The whole page (not only the window) as a PNG, at the current width."""
    width, height = driver.execute_script(
        "return [Math.max(document.documentElement.scrollWidth, window.innerWidth),"
        " Math.max(document.documentElement.scrollHeight, window.innerHeight)]"
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 16000), "scale": 1},
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


@cache
def axe_source() -> str:
    return AXE_JS.read_text()


def require_axe() -> None:
    require("axe-core", AXE_JS.is_file(), f"{AXE_JS} missing; run ./scripts/browser_deps.sh (npm install axe-core)")


def axe_violations(driver, include: str | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now (``include``: a CSS selector to limit the check)."""
    require_axe()
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(axe_source())
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const context = arguments[0] ? { include: [arguments[0]] } : document;
        axe.run(context, { resultTypes: ['violations'] })
          .then(r => done(r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary).slice(0, 5),
              count: v.nodes.length}))))
          .catch(e => done({error: String(e)}));
        """,
        include,
    )
    if isinstance(result, dict) and "error" in result:
        pytest.fail(f"axe-core failed: {result['error']}")
    return result


def assert_axe_clean(driver, what: str, include: str | None = None) -> list[dict]:
    """No axe-core violation of any impact; returns every violation (for the report)."""
    violations = axe_violations(driver, include)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{what}: axe-core found {blocking}"
    return violations


def wait(driver, condition, timeout: float = 20, what: str = ""):
    """Wait for ``condition(driver)``; on timeout, say what the panel's feedback and the console showed."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (StaleElementReferenceException, NoSuchElementException)  # lists are re-rendered as they load
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=ignored).until(condition)
    except TimeoutException:
        shown = driver.execute_script(
            "return Array.from(document.querySelectorAll('.cm-feedback')).map(e => e.textContent).join(' | ');"
        )
        pytest.fail(
            f"timed out waiting for {what or condition} at {driver.current_url}; feedback: {shown!r}; "
            f"console: {driver.get_log('browser')}"
        )


def by_css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def all_css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def sign_in(driver, live_server, username: str, password: str = "password") -> None:
    """The devsite's /login/ form, as a person would."""
    driver.delete_all_cookies()
    driver.get(f"{live_server.url}/login/")
    by_css(driver, "#id_username").send_keys(username)
    by_css(driver, "#id_password").send_keys(password)
    by_css(driver, "form button[type=submit]").click()
    wait(driver, lambda d: "/login/" not in d.current_url, what="sign-in")


def console_errors(driver) -> list[dict]:
    """Script errors in the console (an API refusal the page shows, a 4xx on the network, is not one)."""
    return [
        e
        for e in driver.get_log("browser")
        if e.get("level") == "SEVERE" and e.get("source") != "network" and "favicon" not in e["message"]
    ]


# --- pseudo-locale check -------------------------------------------------------------------------------------

#: Every text node, attribute people read (aria-label, title, placeholder, alt, value of buttons) and the
#: document's title, minus <time> elements (dates are data), <code> and the API's own words (.cm-api-message).
VISIBLE_TEXT_JS = """
const skip = el => el.closest('script, style, time, code, .cm-api-message, [data-no-l10n]');
const out = [document.title];
const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const parent = n.parentElement;
  if (!parent || skip(parent)) continue;
  const t = n.textContent.trim();
  if (t) out.push(t);
}
const read = '[aria-label], [title], [placeholder], [alt], input[type=submit], input[type=button], [data-label]';
for (const el of document.querySelectorAll(read)) {
  if (skip(el)) continue;
  for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'data-label']) {
    const v = el.getAttribute(a); if (v && v.trim()) out.push(v.trim());
  }
  if (el.tagName === 'INPUT' && el.value) out.push(el.value);
}
return out;
"""


from tests.i18n_pseudo import untranslated  # noqa: E402, F401 - one definition for pages and browser

# --- the panel's confirmation dialog ---------------------------------------------------------------------------


def dialog_open(driver) -> bool:
    return bool(driver.execute_script("const d = document.getElementById('cm-confirm'); return d && d.open;"))


def wait_dialog(driver, what: str = "the confirmation dialog") -> str:
    """Wait for the dialog; returns its text (title, what it touches, the buttons)."""
    wait(driver, dialog_open, what=what)
    return by_css(driver, "#cm-confirm").text


def confirm_dialog(driver) -> None:
    by_css(driver, "#cm-confirm-ok").click()
    wait(driver, lambda d: not dialog_open(d), what="the dialog to close")


def dismiss_dialog(driver) -> None:
    by_css(driver, "#cm-confirm-cancel").click()
    wait(driver, lambda d: not dialog_open(d), what="the dialog to close")


def feedback(driver, area: str) -> str:
    """The text of one section's feedback box (``cm-feedback-<area>``)."""
    return by_css(driver, f"#cm-feedback-{area}").text


def wait_feedback(driver, area: str, text: str, timeout: float = 20) -> str:
    wait(driver, lambda d: text in feedback(d, area), timeout=timeout, what=f"{text!r} beside the {area} action")
    return feedback(driver, area)


def wait_job_outcome(driver, area: str, kind: str, timeout: float = 40) -> str:
    """
    A job started beside ``area`` has ended: its progress box tells the outcome, and no "started" message stays.

    Returns the box's text (``"<kind> (job N): Finished. 3 changed, 27 left as they were, 0 failed"``).
    """
    box = f"#cm-{area}-progress"
    wait(
        driver,
        lambda d: f"{kind} (job " in by_css(d, box).text and " changed, " in by_css(d, box).text,
        timeout=timeout,
        what=f"the outcome of {kind!r} beside the {area} action",
    )
    assert "started" not in feedback(driver, area), "messages describe the current state only"
    return by_css(driver, box).text


def click(driver, selector: str) -> None:
    """Scroll the element into the middle of the window, then click it as a person would."""
    element = by_css(driver, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def panel_loaded(driver) -> bool:
    """Every list of the panel has been filled by its first request (in any language: no loading row is left)."""
    return driver.execute_script(
        "return ['cm-jobs-body', 'cm-exceptions-body', 'cm-invalidations-body', 'cm-certificates-body']"
        ".every(id => document.getElementById(id) && !document.querySelector('#' + id + ' [data-loading]'))"
        " && document.getElementById('cm-self-generation-state').textContent.length > 0;"
    )
