"""
Images a certificate PDF prints (Studio's signature images, the organization's logo), loaded from local storage only.

Inside the LMS those images are URLs of the LMS's own static files or media: ``staticfiles_storage.url`` of
Studio's ``signature_image_path`` / ``org_logo_path`` and the ``organizations`` logo's storage URL. A PDF is
rendered on the server, so an image is read, never fetched over the network:

* a URL under ``STATIC_URL`` through the static files finders, then ``staticfiles_storage``;
* a URL under ``MEDIA_URL`` through ``default_storage``;
* an absolute local path inside ``STATIC_ROOT`` or ``MEDIA_ROOT``;
* inside the LMS, a course asset (Studio's uploads, "/asset-v1:…") from the LMS's content store, through the
  adapter's ``course_asset``.

Anything else (another host's URL, a file that is not an image or is larger than ``MAX_IMAGE_BYTES``) is skipped
with a warning, and the page prints without it.
"""

from __future__ import annotations

import functools
import io
import logging
import os
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from reportlab.lib.utils import ImageReader

from .. import lms

log = logging.getLogger(__name__)

#: Larger files are not read (a signature or a logo is a few kilobytes).
MAX_IMAGE_BYTES = 2 * 1024 * 1024


def _read_static(name: str) -> bytes | None:
    """A static file by its name: the finders (development), else the collected files' storage."""
    found = finders.find(name)
    if isinstance(found, list):
        found = found[0] if found else None
    if found:
        return _read_path(found)
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as handle:
            return handle.read(MAX_IMAGE_BYTES + 1)
    return None


def _read_media(name: str) -> bytes | None:
    """A file of the default storage (uploads, such as an organization's logo)."""
    if not default_storage.exists(name):
        return None
    with default_storage.open(name) as handle:
        return handle.read(MAX_IMAGE_BYTES + 1)


def _read_path(path: str) -> bytes | None:
    """A local file, read only when it is inside ``STATIC_ROOT``, ``MEDIA_ROOT`` or a static files directory."""
    real = os.path.realpath(path)
    roots = [getattr(settings, "STATIC_ROOT", None), getattr(settings, "MEDIA_ROOT", None)]
    roots += [d[1] if isinstance(d, tuple | list) else d for d in getattr(settings, "STATICFILES_DIRS", ())]
    for finder in finders.get_finders():  # the app directories the finders search
        for storage in getattr(finder, "storages", {}).values():
            roots.append(getattr(storage, "location", None))
    allowed = [os.path.realpath(str(r)) for r in roots if r]
    if not any(real == root or real.startswith(root + os.sep) for root in allowed):
        return None
    if not os.path.isfile(real):
        return None
    with open(real, "rb") as handle:
        return handle.read(MAX_IMAGE_BYTES + 1)


def _local_bytes(url: str) -> bytes | None:
    """
    The bytes behind ``url`` when it names a local static file, media file or path; None otherwise.

    A URL under ``STATIC_URL``/``MEDIA_URL`` as written (a CDN's absolute one too), or whose path is under a
    relative one (the LMS's own absolute URL), is read from that storage by its name: never fetched.
    """
    path = urlsplit(url).path
    if "asset-v1:" in unquote(path) or "/c4x/" in path:  # a course asset, whatever static prefix it was given
        read_asset = getattr(lms.backend(), "course_asset", None)
        return read_asset(url) if read_asset is not None else None
    for prefix, read in ((settings.STATIC_URL, _read_static), (getattr(settings, "MEDIA_URL", ""), _read_media)):
        prefix = str(prefix or "")
        if not prefix or prefix == "/":
            continue
        if url.startswith(prefix):
            return read(unquote(urlsplit(url[len(prefix) :]).path))
        if not prefix.startswith(("http://", "https://")) and path.startswith(prefix):
            return read(unquote(path[len(prefix) :]))
    if os.path.isabs(url) and not url.startswith("//"):
        return _read_path(url)
    return None


@functools.lru_cache(maxsize=32)
def _load(url: str) -> bytes | None:
    """The image's bytes, checked to be an image ReportLab can draw, or None (logged)."""
    try:
        data = _local_bytes(url)
    except (OSError, SuspiciousFileOperation, ValueError) as exc:
        log.warning("cert_manager: the PDF skips the image %r: it cannot be read (%s)", url, exc)
        return None
    if data is None:
        log.warning("cert_manager: the PDF skips the image %r: not a local static or media file", url)
        return None
    if len(data) > MAX_IMAGE_BYTES:
        log.warning("cert_manager: the PDF skips the image %r: larger than %d bytes", url, MAX_IMAGE_BYTES)
        return None
    try:
        ImageReader(io.BytesIO(data)).getSize()
    except Exception as exc:  # noqa: BLE001 - PIL raises many kinds for a file that is not an image
        log.warning("cert_manager: the PDF skips the image %r: not an image (%s)", url, exc)
        return None
    return data


def load_image(url: str) -> ImageReader | None:
    """An image to draw from ``url`` (local storage only, see the module docstring), or None when it cannot be."""
    url = (url or "").strip()
    if not url:
        return None
    data = _load(url)
    return ImageReader(io.BytesIO(data)) if data is not None else None


def clear_image_cache() -> None:
    """Forget the images read so far (tests, or after the files changed)."""
    _load.cache_clear()
