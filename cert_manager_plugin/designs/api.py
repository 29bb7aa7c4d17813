"""
What ``cert_manager_plugin.api`` exposes of designs: versions, assets, the apply dry run and the apply job.

Versions are immutable: ``save_version`` validates a document and stores it as the course's next number (the
newest is the current design). Rows are handed out as frozen data (``DesignVersionData``, ``DesignAssetData``).
The previews render, so they live in ``rendering`` (``rendering.design_html``, ``rendering.design_pdf``); this package
never imports ``rendering`` (``.importlinter``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from .. import errors
from ..data import PASSING_STATUSES, JobKind
from ..listings import Rows
from ..models import Certificate
from .document import FONTS, VARIABLES, validate
from .library import library
from .models import ASSET_KINDS, DesignAsset, DesignVersion

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet

    from ..models import GenerationJob

__all__ = [
    "ASSET_MAX_BYTES",
    "ASSET_MAX_SIDE",
    "DesignAssetData",
    "DesignVersionData",
    "apply_dry_run",
    "asset_url",
    "current_version",
    "library_data",
    "list_versions",
    "pending_certificates",
    "save_version",
    "start_apply",
    "store_asset",
    "version",
    "version_by_id",
]

#: The largest image a course team may upload, in bytes.
ASSET_MAX_BYTES = 2 * 1024 * 1024
#: The largest width or height of an uploaded image, in pixels.
ASSET_MAX_SIDE = 4000
#: The longest note of a version.
NOTE_MAX_LENGTH = 255
#: Pillow's formats that are accepted, and how each is stored.
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


@dataclass(frozen=True)
class DesignVersionData:
    """One saved design version of a course."""

    id: int
    course_id: str
    number: int
    document: dict
    note: str
    created: datetime
    created_by: str  # username, "" when unknown or removed


@dataclass(frozen=True)
class DesignAssetData:
    """An uploaded image: ``name`` is what a document's ``logo``/``background``/``signature`` holds; ``url``."""

    id: int
    url: str
    name: str
    kind: str
    width: int
    height: int


_COLUMNS = ("id", "course_key", "number", "document", "note", "created", "created_by__username")


def _rows(values: list[tuple]) -> list[DesignVersionData]:
    return [DesignVersionData(v[0], str(v[1]), v[2], v[3] or {}, v[4], v[5], v[6] or "") for v in values]


def _versions(course_key: CourseKey) -> QuerySet[DesignVersion]:
    return DesignVersion.objects.filter(course_key=course_key).order_by("-number")


def list_versions(course_key: CourseKey) -> Rows[DesignVersionData]:
    """The course's versions, newest first, as lazy rows (a COUNT and one SELECT a page)."""
    return Rows(_versions(course_key), _COLUMNS, _rows)


def current_version(course_key: CourseKey) -> DesignVersionData | None:
    """The course's current design (its newest version), or None when it has none."""
    found = list_versions(course_key)[:1]
    return found[0] if found else None


def version(course_key: CourseKey, number: int) -> DesignVersionData:
    """Version ``number`` of the course; ``errors.NotFound`` when it has none of that number."""
    found = _rows(list(_versions(course_key).filter(number=number).values_list(*_COLUMNS)))
    if not found:
        raise errors.NotFound(_("This course has no design version %(number)s.") % {"number": number})
    return found[0]


def version_by_id(version_id: int) -> DesignVersionData | None:
    """The version with primary key ``version_id`` (what a certificate records), or None."""
    found = _rows(list(DesignVersion.objects.filter(pk=version_id).values_list(*_COLUMNS)))
    return found[0] if found else None


def _wanted_assets(document: dict) -> dict[str, tuple[str, str]]:
    """The images a validated document names: field path → (asset kind, storage name)."""
    wanted = {kind: (kind, document[kind]) for kind in ("logo", "background") if document.get(kind)}
    for index, signatory in enumerate(document.get("signatories") or []):
        if signatory.get("signature"):
            wanted[f"signatories.{index}.signature"] = ("signature", signatory["signature"])
    return wanted


def _check_assets(course_key: CourseKey, document: dict) -> None:
    """Every image the document names is one of the course's uploads, of the kind it is used as."""
    wanted = _wanted_assets(document)
    if not wanted:
        return
    names = [name for _kind, name in wanted.values()]
    owned = set(DesignAsset.objects.filter(course_key=course_key, file__in=names).values_list("kind", "file"))
    bad = {
        path: [_("No image of this course has that name: upload it first.")]
        for path, kind_name in wanted.items()
        if kind_name not in owned
    }
    if bad:
        field = next(iter(bad))
        raise errors.InvalidInput(f"{field}: {bad[field][0]}", field=field, field_errors=bad)


def save_version(
    course_key: CourseKey, document: dict, *, user: AbstractBaseUser | None, note: str = ""
) -> DesignVersionData:
    """
    Validate ``document`` and save it as the course's next version (its number: the highest + 1).

    Two saves at once never share a number: the unique (course, number) refuses the second, which takes the next.
    """
    doc = validate(document).as_dict()
    _check_assets(course_key, doc)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        message = _("At most %(max)s characters.") % {"max": NOTE_MAX_LENGTH}
        raise errors.InvalidInput(f"note: {message}", field="note", field_errors={"note": [message]})
    creator = user if getattr(user, "pk", None) else None
    for attempt in range(5):
        top = DesignVersion.objects.filter(course_key=course_key).aggregate(top=Max("number"))["top"] or 0
        try:
            with transaction.atomic():
                row = DesignVersion.objects.create(
                    course_key=course_key, number=top + 1, document=doc, note=note, created_by=creator
                )
            break
        except IntegrityError:
            if attempt == 4:
                raise
    return version(course_key, row.number)


def asset_url(name: str) -> str:
    """The URL of an uploaded image (its storage's)."""
    return DesignAsset._meta.get_field("file").storage.url(name)


def _image_error(message: str) -> errors.InvalidInput:
    return errors.InvalidInput(f"file: {message}", field="file", field_errors={"file": [message]})


def _clean_image(data: bytes) -> tuple[bytes, str, int, int]:
    """
    The image re-encoded (no metadata, nothing after the pixels), its content type and size; ``InvalidInput``.

    Only PNG and JPEG open; the size is checked on the header before any pixel is decoded (no decompression bomb).
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt, (width, height) = probe.format, probe.size
            if fmt not in IMAGE_FORMATS:
                raise _image_error(_("Upload a PNG or JPEG image (SVG and other formats are not accepted)."))
            if width > ASSET_MAX_SIDE or height > ASSET_MAX_SIDE:
                raise _image_error(
                    _("The image is %(width)s by %(height)s pixels: at most %(max)s by %(max)s.")
                    % {"width": width, "height": height, "max": ASSET_MAX_SIDE}
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()
            if fmt == "PNG":
                image.save(out, "PNG", optimize=True)
            else:
                image.convert("RGB").save(out, "JPEG", quality=92)
    except errors.InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _image_error(_("This file is not a PNG or JPEG image, or it is damaged.")) from exc
    return out.getvalue(), IMAGE_FORMATS[fmt], width, height


def store_asset(
    course_key: CourseKey, kind: str, uploaded_file: UploadedFile, *, user: AbstractBaseUser | None
) -> DesignAssetData:
    """
    Check an uploaded image (PNG or JPEG, ``ASSET_MAX_BYTES``, ``ASSET_MAX_SIDE`` pixels a side at most) and store it.

    Stored re-encoded under an unguessable name in the default storage; bad input raises ``errors.InvalidInput``
    (``field`` ``kind`` or ``file``) and stores nothing.
    """
    if kind not in ASSET_KINDS:
        message = _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(ASSET_KINDS)}
        raise errors.InvalidInput(f"kind: {message}", field="kind", field_errors={"kind": [message]})
    if uploaded_file is None:
        raise _image_error(_("Choose an image file to upload."))
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > ASSET_MAX_BYTES:
        raise _image_error(_("The image is larger than %(max)s MB.") % {"max": ASSET_MAX_BYTES // (1024 * 1024)})
    data = uploaded_file.read(ASSET_MAX_BYTES + 1)
    if len(data) > ASSET_MAX_BYTES:
        raise _image_error(_("The image is larger than %(max)s MB.") % {"max": ASSET_MAX_BYTES // (1024 * 1024)})
    clean, content_type, width, height = _clean_image(data)
    asset = DesignAsset(
        course_key=course_key,
        kind=kind,
        content_type=content_type,
        size=len(clean),
        width=width,
        height=height,
        created_by=user if getattr(user, "pk", None) else None,
    )
    asset.file.save("upload", ContentFile(clean), save=False)
    asset.save()
    return DesignAssetData(asset.pk, asset_url(asset.file.name), asset.file.name, kind, width, height)


def _target(course_key: CourseKey, number: int | None) -> DesignVersionData:
    """Version ``number`` (None: the current one); a course without a design is refused."""
    if number is not None:
        return version(course_key, number)
    current = current_version(course_key)
    if current is None:
        message = _("This course has no certificate design yet: save one first.")
        raise errors.InvalidInput(message, field="version", field_errors={"version": [message]})
    return current


def pending_certificates(course_key: CourseKey, version_id: int) -> QuerySet[Certificate]:
    """The course's issued certificates (passing statuses) that do not render with version ``version_id`` yet."""
    return Certificate.objects.filter(course_key=course_key, status__in=PASSING_STATUSES).exclude(
        design_version_id=version_id
    )


def apply_dry_run(course_key: CourseKey, number: int | None = None) -> dict:
    """
    How many issued certificates applying version ``number`` (None: the current one) would change, by mode.

    ``{"version": k, "total": N, "by_mode": {"verified": n, …}}``: two queries. A course without a design yet:
    ``{"version": None, "total": 0, "by_mode": {}}`` (nothing to apply); an unknown ``number``: ``errors.NotFound``.
    """
    target = version(course_key, number) if number is not None else current_version(course_key)
    if target is None:
        return {"version": None, "total": 0, "by_mode": {}}
    counts = pending_certificates(course_key, target.id).values("mode").annotate(n=Count("id")).order_by("mode")
    by_mode = {row["mode"]: row["n"] for row in counts}
    return {"version": target.number, "total": sum(by_mode.values()), "by_mode": by_mode}


def start_apply(
    course_key: CourseKey, number: int | None = None, *, requested_by: AbstractBaseUser | None = None
) -> GenerationJob:
    """
    Start the job that applies version ``number`` (None: the current one) to the course's issued certificates.

    The course's one active job (``errors.JobAlreadyRunning``); ``errors.NotFound`` for an unknown version.
    """
    from ..jobs import submit_job

    target = _target(course_key, number)
    return submit_job(
        course_key, JobKind.APPLY_DESIGN.value, requested_by=requested_by, options={"version": target.number}
    )


def library_data() -> dict:
    """The built-in designs, the variables and the fonts, for the editor: ``{"library", "variables", "fonts"}``."""
    return {"library": library(), "variables": list(VARIABLES), "fonts": list(FONTS)}
