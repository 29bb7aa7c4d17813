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

A certificate design's logo and background (``designs.models.DesignAsset``) are files of ``default_storage`` named by
the design: ``prepare_stored_image`` reads them by that name (only under ``DESIGN_ASSET_PREFIX``), through the same
checks and cache.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import zlib
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from .. import lms

log = logging.getLogger(__name__)

#: Larger files are not read (a signature or a logo is a few kilobytes).
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: Where design assets are in ``default_storage`` (``designs.models``: ``cert_manager/designs/<course digest>/…``).
DESIGN_ASSET_PREFIX = "cert_manager/designs/"


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
    return _read_checked(url, _local_bytes, "not a local static or media file")


def _read_checked(where: str, read: Callable[[str], bytes | None], missing: str) -> bytes | None:
    """``read(where)`` checked by ``_checked``; None, logged (``missing`` when it found nothing), otherwise."""
    try:
        data = read(where)
    except (OSError, SuspiciousFileOperation, ValueError) as exc:
        log.warning("cert_manager: the PDF skips the image %r: it cannot be read (%s)", where, exc)
        return None
    if data is None:
        log.warning("cert_manager: the PDF skips the image %r: %s", where, missing)
        return None
    return _checked(where, data)


def _checked(url: str, data: bytes) -> bytes | None:
    """``data`` when it is an image ReportLab can draw and not too large; else None (logged)."""
    if len(data) > MAX_IMAGE_BYTES:
        log.warning("cert_manager: the PDF skips the image %r: larger than %d bytes", url, MAX_IMAGE_BYTES)
        return None
    try:
        ImageReader(io.BytesIO(data)).getSize()
    except Exception as exc:  # noqa: BLE001 - PIL raises many kinds for a file that is not an image
        log.warning("cert_manager: the PDF skips the image %r: not an image (%s)", url, exc)
        return None
    return data


@functools.lru_cache(maxsize=32)
def _load_stored(name: str) -> bytes | None:
    """A design asset's bytes from ``default_storage``, checked as ``_load`` checks; None (logged) otherwise."""
    if not name.startswith(DESIGN_ASSET_PREFIX) or ".." in name.split("/"):
        log.warning("cert_manager: the PDF skips the image %r: not a design asset", name)
        return None
    return _read_checked(name, _read_media, "not in the storage")


class PreparedImage(NamedTuple):
    """A design asset encoded once as a PDF image (``prepare_stored_image``), drawn by any document."""

    key: str  # its form name in a document
    width: int  # pixels
    height: int
    head: bytes  # the image object's dictionary, open (``/SMask`` and ``>>`` follow), and its stream
    stream: bytes
    alpha: tuple[bytes, bytes] | None  # the soft mask's, for an image with transparency


def _image_object(colour: str, width: int, height: int, data: bytes, filters: str) -> tuple[bytes, bytes]:
    """An image XObject's open dictionary and stream."""
    head = b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8 /ColorSpace /%s " % (
        width,
        height,
        colour.encode(),
    )
    return head + b"/Filter /%s /Length %d" % (filters.encode(), len(data)), data


def _flate(image: Image.Image) -> tuple[bytes, bytes]:
    """A PIL image (RGB or L) as a Flate-compressed image object."""
    colour = "DeviceGray" if image.mode == "L" else "DeviceRGB"
    return _image_object(colour, image.width, image.height, zlib.compress(image.tobytes(), 6), "FlateDecode")


@functools.lru_cache(maxsize=16)
def prepare_stored_image(name: str, max_side: int) -> PreparedImage | None:
    """
    The design asset ``name`` as a PDF image, at most ``max_side`` pixels a side; None when it cannot be read.

    Decoded, scaled down, compressed and written once per process (a 4000-pixel upload is not re-encoded into every
    certificate); a JPEG small enough is embedded as it is; transparency is kept as a soft mask.
    """
    data = _load_stored((name or "").strip())
    return _prepare(f"{name}:{max_side}", data, max_side) if data is not None else None


@functools.lru_cache(maxsize=32)
def prepare_image(url: str, max_side: int) -> PreparedImage | None:
    """
    The image at ``url`` as a PDF image, prepared once per process; None when it cannot be read.

    Studio's logo or a signature: read from local storage only (see the module docstring), then prepared as
    ``prepare_stored_image`` prepares a design's.
    """
    url = (url or "").strip()
    if not url:
        return None
    data = _load(url)
    return _prepare(f"url:{url}:{max_side}", data, max_side) if data is not None else None


def _prepare(name: str, data: bytes, max_side: int) -> PreparedImage:
    """``data`` (a checked image) as a PDF image named by ``name``'s digest, at most ``max_side`` pixels a side."""
    key = "cmimg" + hashlib.sha256(name.encode()).hexdigest()[:20]
    with Image.open(io.BytesIO(data)) as opened:
        if opened.format == "JPEG" and opened.mode in ("RGB", "L") and max(opened.size) <= max_side:
            colour = "DeviceGray" if opened.mode == "L" else "DeviceRGB"
            head, stream = _image_object(colour, opened.width, opened.height, data, "DCTDecode")
            return PreparedImage(key, opened.width, opened.height, head, stream, None)
        image = opened.copy()
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side))
    alpha = None
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        mask = image.getchannel("A")
        if mask.getextrema() != (255, 255):
            alpha = _flate(mask)
    image = image.convert("L" if image.mode in ("L", "LA", "1") else "RGB")
    return PreparedImage(key, image.width, image.height, *_flate(image), alpha)


class _ImageObject(pdfdoc.PDFObject):
    """A prepared image in one document: its bytes as written once, its soft mask's object number filled in."""

    __RefOnly__ = 1

    def __init__(self, head: bytes, stream: bytes, soft_mask: pdfdoc.PDFObjectReference | None = None) -> None:
        self.head, self.stream, self.soft_mask = head, stream, soft_mask

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        mask = b" /SMask " + self.soft_mask.format(document) if self.soft_mask is not None else b""
        return self.head + mask + b" >>\nstream\n" + self.stream + b"\nendstream"


def draw_prepared(
    canvas: Canvas, image: PreparedImage, box: tuple[float, float, float, float], *, cover: bool = False
) -> None:
    """
    ``image`` in ``box`` (x, y, width, height), aspect kept: fitted and centred, or covering it (the caller clips).

    Registered in the canvas's document on first use (as ``Canvas.drawImage`` does, but written as prepared: no
    per-document encoding); later draws refer to it.
    """
    document = canvas._doc  # noqa: SLF001 - ReportLab's document (pdf_operators.canvas_document): no public accessor
    registered = document.getXObjectName(image.key)
    if registered not in document.idToObject:
        soft_mask = None
        if image.alpha is not None:
            soft_mask = document.Reference(_ImageObject(*image.alpha), document.getXObjectName(image.key + "a"))
        document.Reference(_ImageObject(image.head, image.stream, soft_mask), registered)
    x, y, width, height = box
    scale = (max if cover else min)(width / image.width, height / image.height)
    drawn_width, drawn_height = image.width * scale, image.height * scale
    left, bottom = x + (width - drawn_width) / 2, y + (height - drawn_height) / 2
    # the operators written directly: ReportLab's translate/scale format their numbers slowly (fp_str)
    canvas.addLiteral(f"q {drawn_width:.3f} 0 0 {drawn_height:.3f} {left:.3f} {bottom:.3f} cm")
    canvas.doForm(image.key)
    canvas.addLiteral("Q")


def clear_image_cache() -> None:
    """Forget the images read so far (tests, or after the files changed)."""
    _load.cache_clear()
    _load_stored.cache_clear()
    prepare_stored_image.cache_clear()
    prepare_image.cache_clear()
