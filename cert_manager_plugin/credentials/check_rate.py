"""
How often one client may use the public credential check (``CERT_MANAGER_VC_CHECK_RATE``, e.g. ``"30/m"``).

A check canonicalizes (RDFC-1.0) what an anonymous visitor sends, and may parse a PDF: each costs milliseconds
of CPU. A fixed window per client address (``edx_django_utils.ip``, as the LMS's own rate limits), counted in
Django's ``default`` cache (shared by every process when the site's cache is; a per-process cache counts per
process). The address is hashed before it becomes a key.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from typing import TYPE_CHECKING, NamedTuple

from django.core.cache import cache
from edx_django_utils.ip import get_safest_client_ip

from ..conf import cm_settings

if TYPE_CHECKING:
    from django.http import HttpRequest

log = logging.getLogger(__name__)

#: Seconds in each unit of a rate.
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$", re.IGNORECASE)
DEFAULT_RATE = "30/m"


class Rate(NamedTuple):
    """At most ``count`` checks per ``seconds``."""

    count: int
    seconds: int


def parse_rate(text: str) -> Rate | None:
    """``"30/m"``, ``"100/h"``, ``"5/10s"`` as a ``Rate``; None for an empty rate (no limit); ``ValueError`` else."""
    if not text.strip():
        return None
    match = _RATE.match(text)
    if match is None:
        raise ValueError(f"not a rate: {text!r} (expected e.g. '30/m')")
    count, multiple, unit = match.groups()
    return Rate(int(count), int(multiple or 1) * UNITS[unit.lower()])


def configured_rate() -> Rate | None:
    """The configured rate; the default (logged) when the setting cannot be read."""
    try:
        return parse_rate(cm_settings.VC_CHECK_RATE)
    except ValueError:
        log.warning("CERT_MANAGER_VC_CHECK_RATE %r is not a rate: using %s", cm_settings.VC_CHECK_RATE, DEFAULT_RATE)
        return parse_rate(DEFAULT_RATE)


def request_wait(request: HttpRequest) -> int | None:
    """
    Count one check by the request's client; None when it is allowed, else the seconds until it is again.

    The client is ``edx_django_utils.ip.get_safest_client_ip``: the rightmost address of the chain outside the
    site's own proxies (``CLOSEST_CLIENT_IP_FROM_HEADERS``, the LMS's setting), which a client cannot forge.
    """
    return allow(get_safest_client_ip(request) or "")


def allow(client: str, *, now: float | None = None) -> int | None:
    """
    Count one check by ``client`` (its address); None when it is allowed, else the seconds until it is again.

    Two cache operations (``add`` then ``incr``) per check.
    """
    rate = configured_rate()
    if rate is None:
        return None
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    digest = hashlib.blake2b(client.encode(), digest_size=12).hexdigest()
    key = f"cert_manager:vc_check:{rate.seconds}:{window}:{digest}"
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # gone between add and incr (evicted, or a cache that keeps nothing)
        cache.set(key, 1, timeout=rate.seconds + 1)
        count = 1
    if count <= rate.count:
        return None
    return max(1, int((window + 1) * rate.seconds - now))
