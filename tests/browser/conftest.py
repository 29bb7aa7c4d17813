"""Real Chromium (Debian's chromium + chromedriver) driven by Selenium against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from tests.services import require

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
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
