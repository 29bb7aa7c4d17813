"""The public credential check's rate per client: the setting, the fixed window, the client's address."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from cert_manager_plugin.credentials import check_rate

#: A cache that keeps what it is given (the LMS host's test settings use a DummyCache, which counts nothing).
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "check-rate"}}


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.CACHES = LOCMEM
    cache.clear()


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("30/m", check_rate.Rate(30, 60)),
        ("100/h", check_rate.Rate(100, 3600)),
        ("5/10s", check_rate.Rate(5, 10)),
        (" 2 / min ", check_rate.Rate(2, 60)),
        ("1000/day", check_rate.Rate(1000, 86400)),
        ("", None),
    ],
)
def test_rates_are_read_as_count_per_period(text, rate):
    assert check_rate.parse_rate(text) == rate


@pytest.mark.parametrize("text", ["30", "thirty/m", "30/w", "/m", "30/m/h"])
def test_a_malformed_rate_is_refused_and_the_setting_falls_back_to_the_default(settings, text, caplog):
    with pytest.raises(ValueError):
        check_rate.parse_rate(text)
    settings.CERT_MANAGER_VC_CHECK_RATE = text
    assert check_rate.configured_rate() == check_rate.Rate(30, 60)
    assert "is not a rate" in caplog.text


def test_a_client_gets_its_count_per_window_then_a_wait_until_the_next(settings):
    settings.CERT_MANAGER_VC_CHECK_RATE = "3/m"
    start = 6000.0  # the start of a one-minute window
    assert [check_rate.allow("198.51.100.1", now=start + i) for i in range(3)] == [None, None, None]
    assert check_rate.allow("198.51.100.1", now=start + 15) == 45, "seconds until the next window"
    assert check_rate.allow("198.51.100.2", now=start + 15) is None, "another client counts apart"
    assert check_rate.allow("198.51.100.1", now=start + 60) is None, "a new window"


def test_without_a_rate_nothing_is_counted(settings):
    settings.CERT_MANAGER_VC_CHECK_RATE = ""
    assert all(check_rate.allow("198.51.100.1", now=1.0) is None for _ in range(100))


def test_the_client_is_the_address_a_client_cannot_forge(settings):
    settings.CERT_MANAGER_VC_CHECK_RATE = "1/m"
    first = RequestFactory().post("/", REMOTE_ADDR="8.8.4.4")  # a public address, straight to the site
    assert check_rate.request_wait(first) is None
    forged = RequestFactory().post("/", REMOTE_ADDR="8.8.4.4", HTTP_X_FORWARDED_FOR="1.0.0.1")
    assert check_rate.request_wait(forged) is not None, "a made-up X-Forwarded-For is no new client"
    proxied = RequestFactory().post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.0.0.1")
    assert check_rate.request_wait(proxied) is None, "behind the site's private-range proxy: the client's own count"
