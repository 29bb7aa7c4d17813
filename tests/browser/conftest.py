"""Real Chromium (Debian's chromium + chromedriver) driven by Selenium against pytest-django's live server."""

from __future__ import annotations

import io
import os
import shutil
import tempfile

import pytest

from tests import i18n_pseudo
from tests.services import require

pseudo_locale = i18n_pseudo.pseudo_locale  # fixtures: the pseudo-locale and Arabic for the browser tests too
pseudo_locale_dir = i18n_pseudo.pseudo_locale_dir

CHROMIUM = os.environ.get("CERT_MANAGER_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CERT_MANAGER_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,2200",
    "--lang=en-US",
]


@pytest.fixture
def browser():
    """A fresh headless Chromium; skipped (failed under CI) when Chromium or Selenium is missing."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        require("Selenium", False, "pip install selenium")
        raise
    require(
        "Chromium",
        bool(shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)),
        f"{CHROMIUM} / {CHROMEDRIVER} missing; apt-get install -y chromium chromium-driver",
    )
    profile = tempfile.mkdtemp(prefix="cm-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def axe_available():
    """axe-core from npm (./scripts/browser_deps.sh); skipped (failed under CI) when missing."""
    from tests.browser.support import require_axe

    require_axe()


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    """
    The demo course (``seed_demo``: real events, 30 learners, an exception, an invalidation, one job) and the
    exports in this test's own media directory. Logins: instructor / demo-instructor, staff / demo-staff,
    learnerNNN / demo-learner.
    """
    from django.core.management import call_command

    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", learners=30, stdout=io.StringIO())
    from devsite.management.commands.seed_demo import COURSE_ID

    return COURSE_ID
