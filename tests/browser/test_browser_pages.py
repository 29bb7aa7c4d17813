"""
End to end in real Chromium: an instructor drives the panel (REST calls from the page's JS, CSRF and
session included), a learner opens the dashboard and the PDF.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cert_manager_plugin.models import Certificate, CertificateException, CourseCertificateSettings, GenerationJob
from tests.factories import (
    COURSE_ID,
    COURSE_KEY,
    CertificateFactory,
    CourseRoleFactory,
    LearnerRecordFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT = "/tmp/cert_manager_instructor_panel.png"


def wait(browser, condition, timeout: float = 20):
    """Wait for ``condition(browser)``; on timeout, say what the page showed (message box, console)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(browser, timeout, poll_frequency=0.2).until(condition)
    except TimeoutException:
        browser.save_screenshot("/tmp/cert_manager_browser_failure.png")
        shown = browser.execute_script(
            "const m = document.getElementById('cm-message'); return m ? m.textContent : '';"
        )
        pytest.fail(f"timed out at {browser.current_url}; message: {shown!r}; console: {browser.get_log('browser')}")


def by_css(browser, selector: str):
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, selector)


def sign_in(browser, live_server, username: str) -> None:
    """The devsite's /login/ form, as a person would."""
    browser.get(f"{live_server.url}/login/")
    by_css(browser, "#id_username").send_keys(username)
    by_css(browser, "#id_password").send_keys("password")
    by_css(browser, "form button[type=submit]").click()
    wait(browser, lambda d: "/login/" not in d.current_url)


def test_instructor_toggles_adds_exception_generates_and_exports(browser, live_server, course, settings, tmp_path):
    settings.CERT_MANAGER_EXPORT_DIR = str(tmp_path)
    instructor = UserFactory(username="prof")
    CourseRoleFactory(user=instructor, role="instructor")
    passing = [LearnerRecordFactory(user=UserFactory(username=f"pass{i}")).user for i in range(3)]
    frodo = LearnerRecordFactory(user=UserFactory(username="frodo"), passed=False, percent_grade=0.3).user

    sign_in(browser, live_server, "prof")
    browser.get(live_server.url + reverse("cert_manager:instructor-panel", kwargs={"course_id": COURSE_ID}))
    wait(browser, lambda d: "No certificates" in by_css(d, "#cm-certificates-body").text)
    wait(browser, lambda d: "No jobs yet" in by_css(d, "#cm-jobs-body").text)

    by_css(browser, "#cm-self-generation").click()
    wait(browser, lambda d: by_css(d, "#cm-self-generation-state").text == "enabled")
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).self_generation_enabled

    by_css(browser, "#cm-exception-user").send_keys("frodo")
    by_css(browser, "#cm-exception-notes").send_keys("medical leave")
    by_css(browser, "#cm-exception-form button").click()
    wait(browser, lambda d: 'data-username="frodo"' in by_css(d, "#cm-exceptions-body").get_attribute("innerHTML"))
    assert CertificateException.objects.filter(user=frodo, course_key=COURSE_KEY, notes="medical leave").exists()

    by_css(browser, "#cm-generate-all-dry").click()
    wait(browser, lambda d: "would change" in by_css(d, "#cm-dry-run").text)
    assert not Certificate.objects.exists(), "a dry run writes nothing"

    by_css(browser, "#cm-generate-all").click()
    job = wait(browser, lambda d: GenerationJob.objects.filter(kind="generate_all").first())
    wait(browser, lambda d: by_css(d, f"#cm-job-{job.pk}").get_attribute("data-state") == "succeeded")
    issued = set(Certificate.objects.filter(status="downloadable").values_list("user__username", flat=True))
    assert issued == {u.username for u in [*passing, frodo]}
    wait(browser, lambda d: "frodo" in by_css(d, "#cm-certificates-body").text)

    by_css(browser, "#cm-export-pdf").click()
    wait(browser, lambda d: by_css(d, "#cm-export-link").is_displayed(), timeout=40)
    assert "/download" in by_css(browser, "#cm-export-link").get_attribute("href")
    assert "4 certificates exported" in by_css(browser, "#cm-export-status").text

    browser.save_screenshot(SCREENSHOT)
    logs = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE" and "favicon" not in e["message"]]
    assert not logs, logs


def test_learner_sees_certificate_on_dashboard_and_opens_the_pdf(browser, live_server, course):
    learner = UserFactory(username="bilbo", first_name="Bilbo", last_name="Baggins")
    cert = CertificateFactory(user=learner)
    sign_in(browser, live_server, "bilbo")
    browser.get(live_server.url + reverse("cert_manager:learner-dashboard"))
    row = by_css(browser, "#cm-learner-certificates tbody tr")
    assert "Certificates 101" in row.text and "Valid" in row.text
    link = by_css(browser, "a.cm-link-pdf")
    href = link.get_attribute("href")
    assert href.endswith(f"/cert_manager/certificates/{cert.verify_uuid}.pdf")
    fetched = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'),"
        " String.fromCharCode(...new Uint8Array(b.slice(0, 5)))])));",
        href,
    )
    assert fetched == [200, "application/pdf", "%PDF-"]
    link.click()
    wait(browser, lambda d: d.current_url.endswith(".pdf"))

    by_css(browser, "body")  # the web certificate link works too
    browser.get(live_server.url + reverse("cert_manager:certificate-web", kwargs={"verify_uuid": cert.verify_uuid}))
    assert "Valid certificate" in by_css(browser, "#certificate-status").text


def test_learner_requests_a_certificate(browser, live_server, course):
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, self_generation_enabled=True)
    learner = LearnerRecordFactory(user=UserFactory(username="sam")).user
    sign_in(browser, live_server, "sam")
    browser.get(live_server.url + reverse("cert_manager:learner-dashboard"))
    by_css(browser, "button.cm-request").click()
    wait(browser, lambda d: Certificate.objects.filter(user=learner, status="downloadable").exists())
    wait(browser, lambda d: len(d.find_elements("css selector", "a.cm-link-pdf")) == 1)
