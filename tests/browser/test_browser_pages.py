"""
The learner's side in real Chromium, at 390 px and 1366 px: the dashboard (links, the request button only
where it works, the reason otherwise), the PDF, the web certificate (Download PDF in the first screen) and
the public verification page (a page, not JSON); a revoked certificate shows no grade.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cert_manager_plugin.models import Certificate, CourseCertificateSettings, LearnerRecord
from tests.browser.support import (
    WIDTHS,
    all_css,
    assert_axe_clean,
    assert_no_sideways_scroll,
    by_css,
    console_errors,
    screenshot,
    set_width,
    sign_in,
    wait,
)
from tests.factories import COURSE_KEY, CertificateFactory, LearnerRecordFactory, UserFactory

pytestmark = [pytest.mark.browser]


def fetch(browser, url: str) -> list:
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'),"
        " String.fromCharCode(...new Uint8Array(b.slice(0, 5)))])));",
        url,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_learner_dashboard_certificate_pdf_and_verification(
    browser, axe_available, live_server, seeded, tmp_path, width
):
    cert = Certificate.objects.filter(status="downloadable").order_by("user_id").first()
    sign_in(browser, live_server, cert.user.username, "demo-learner")
    set_width(browser, width)
    browser.get(live_server.url + reverse("cert_manager:learner-dashboard"))
    card = by_css(browser, "#cm-learner-certificates .cm-course-card")
    assert "Certificates 101" in card.text and "Valid" in card.text
    assert str(cert.course_key) not in by_css(browser, "main").text, "the course's name, never its id"
    assert_no_sideways_scroll(browser, f"dashboard at {width} px")
    assert_axe_clean(browser, "learner dashboard")
    screenshot(browser, tmp_path / f"dashboard-{width}.png")

    pdf = by_css(browser, "a.cm-link-pdf")
    assert pdf.is_displayed() and pdf.rect["x"] + pdf.rect["width"] <= width, "Download PDF without scrolling sideways"
    assert fetch(browser, pdf.get_attribute("href")) == [200, "application/pdf", "%PDF-"]

    verify = by_css(browser, "a.cm-link-verify").get_attribute("href")
    assert verify.endswith(f"/cert_manager/certificates/{cert.verify_uuid}/verify/")
    by_css(browser, "a.cm-link-verify").click()
    wait(browser, lambda d: "/verify/" in d.current_url)
    assert "This certificate is valid." in by_css(browser, "#verify-status").text, "a page for people, not JSON"
    assert_no_sideways_scroll(browser, f"verification page at {width} px")
    assert_axe_clean(browser, "verification page")
    screenshot(browser, tmp_path / f"verify-{width}.png")

    browser.get(live_server.url + reverse("cert_manager:certificate-web", kwargs={"verify_uuid": cert.verify_uuid}))
    assert "Valid certificate" in by_css(browser, "#certificate-status").text
    download = by_css(browser, "#certificate-pdf-link")
    assert download.rect["y"] + download.rect["height"] <= browser.execute_script("return window.innerHeight"), (
        "Download PDF is in the first screen"
    )
    assert_no_sideways_scroll(browser, f"web certificate at {width} px")
    assert_axe_clean(browser, "web certificate")
    screenshot(browser, tmp_path / f"certificate-{width}.png")
    assert not console_errors(browser)


@pytest.mark.parametrize("width", WIDTHS)
def test_revoked_certificate_pages_show_no_grade(browser, axe_available, live_server, seeded, tmp_path, width):
    cert = Certificate.objects.get(status="unavailable")
    grade = f"{round(cert.grade * 100)}%"
    set_width(browser, width)
    for name in ("certificate-web", "certificate-verify"):
        browser.get(live_server.url + reverse(f"cert_manager:{name}", kwargs={"verify_uuid": cert.verify_uuid}))
        text = by_css(browser, "main").text
        assert "This certificate is no longer valid" in text and "No longer valid" in text
        assert "revoked" not in text.lower() and "invalidated" not in text.lower(), "never why, in public"
        assert text.count("It is no longer valid.") <= 1
        assert grade not in text and "has successfully completed" not in text
        assert_no_sideways_scroll(browser, f"{name} (revoked) at {width} px")
        assert_axe_clean(browser, f"{name} (revoked)")
        screenshot(browser, tmp_path / f"{name}-revoked-{width}.png")


def test_learner_requests_a_certificate(browser, live_server, course):
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, self_generation_enabled=True)
    learner = LearnerRecordFactory(user=UserFactory(username="sam")).user
    sign_in(browser, live_server, "sam")
    set_width(browser, 390)
    browser.get(live_server.url + reverse("cert_manager:learner-dashboard"))
    by_css(browser, "button.cm-request").click()
    wait(browser, lambda d: Certificate.objects.filter(user=learner, status="downloadable").exists())
    wait(browser, lambda d: len(all_css(d, "a.cm-link-pdf")) == 1, what="the PDF link after the reload")
    assert not all_css(browser, "button.cm-request")


def test_a_learner_who_cannot_get_a_certificate_sees_why_not_a_button(browser, live_server, course):
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, self_generation_enabled=True)
    LearnerRecordFactory(user=UserFactory(username="audrey"), mode="audit")
    LearnerRecordFactory(user=UserFactory(username="nell"), passed=False, percent_grade=0.2)
    CertificateFactory(user=UserFactory(username="nell2"), status="notpassing", issued_date=None)
    for username, reason in (
        ("audrey", "Your enrollment mode does not earn a certificate in this course."),
        ("nell", "You have not reached the passing grade yet."),
    ):
        sign_in(browser, live_server, username)
        browser.get(live_server.url + reverse("cert_manager:learner-dashboard"))
        assert not all_css(browser, "button.cm-request")
        assert reason in by_css(browser, ".cm-reason").text
    assert LearnerRecord.objects.count() == 2


#: navigator.clipboard replaced before a click: what "Copy link" writes is kept (no clipboard permission needed).
RECORD_CLIPBOARD = (
    "window.__copied = null;"
    "Object.defineProperty(navigator, 'clipboard', {configurable: true, value: {writeText: function (text) {"
    " window.__copied = text; return Promise.resolve(); }}});"
)
REFUSE_CLIPBOARD = (
    "Object.defineProperty(navigator, 'clipboard', {configurable: true, value: {writeText: function () {"
    " return Promise.reject(new Error('denied')); }}});"
)


@pytest.mark.parametrize("width", WIDTHS)
def test_learner_copies_the_verification_link_and_adds_the_certificate_to_linkedin(
    browser, axe_available, live_server, seeded, tmp_path, width
):
    """Issue 14 extras: share actions on the dashboard and on the owner's certificate page, none for visitors."""
    cert = Certificate.objects.filter(status="downloadable").order_by("user_id").first()
    verify_url = live_server.url + reverse("cert_manager:certificate-verify", kwargs={"verify_uuid": cert.verify_uuid})
    sign_in(browser, live_server, cert.user.username, "demo-learner")
    set_width(browser, width)
    browser.get(live_server.url + reverse("cert_manager:learner-dashboard"))
    valid = Certificate.objects.filter(user=cert.user, status="downloadable").count()
    assert len(all_css(browser, ".cm-course-card .cm-share")) == valid, "share actions on valid certificates only"

    browser.execute_script(RECORD_CLIPBOARD)
    by_css(browser, ".cm-copy-link").click()
    wait(browser, lambda d: by_css(d, ".cm-share-status").text == "Link copied.", what="the copy confirmation")
    assert browser.execute_script("return window.__copied") == verify_url
    linkedin = by_css(browser, "a.cm-linkedin").get_attribute("href")
    assert linkedin.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=")
    assert f"certId={cert.verify_uuid}" in linkedin and f"issueYear={cert.issued_date.year}" in linkedin
    assert_no_sideways_scroll(browser, f"dashboard with share actions at {width} px")
    assert_axe_clean(browser, "learner dashboard with share actions")

    browser.execute_script(REFUSE_CLIPBOARD)  # a browser that refuses: the link is shown, selected
    by_css(browser, ".cm-copy-link").click()
    wait(browser, lambda d: by_css(d, ".cm-share-fallback").is_displayed(), what="the link to copy by hand")
    field = by_css(browser, ".cm-share-url")
    assert field.get_attribute("value") == verify_url
    assert browser.execute_script("return document.activeElement") == field
    assert by_css(browser, ".cm-share-status").text, "the live region says what to do"
    assert_no_sideways_scroll(browser, f"dashboard with the link shown at {width} px")
    assert_axe_clean(browser, "learner dashboard, link shown")
    screenshot(browser, tmp_path / f"dashboard-share-{width}.png")

    web = live_server.url + reverse("cert_manager:certificate-web", kwargs={"verify_uuid": cert.verify_uuid})
    browser.get(web)
    browser.execute_script(RECORD_CLIPBOARD)
    by_css(browser, "#certificate-status .cm-copy-link").click()
    wait(browser, lambda d: by_css(d, ".cm-share-status").text == "Link copied.", what="the copy confirmation")
    assert browser.execute_script("return window.__copied") == verify_url
    assert_no_sideways_scroll(browser, f"web certificate with share actions at {width} px")
    assert_axe_clean(browser, "web certificate with share actions")
    assert not console_errors(browser)

    browser.delete_all_cookies()  # an anonymous visitor of the same page
    browser.get(web)
    assert "Valid certificate" in by_css(browser, "#certificate-status").text
    assert not all_css(browser, ".cm-share, .cm-copy-link, .cm-linkedin")
