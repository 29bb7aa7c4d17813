"""
Export a course's certificates into one file: a single PDF (one page each) or a ZIP of per-learner PDFs.

Kind ``export`` of the job registry, registered here (``EXPORT_KIND``; ``apps.ready`` imports this module) and run
by the jobs module as a whole job (``api.submit_job(course_key, "export", options={...})``).
Rows are streamed from the database in batches (``iterator(chunk_size=...)``) straight onto one canvas
(or into the ZIP), so memory stays flat whatever the course size. The file is written to a local temporary
file first and handed to a Django storage only once complete (``export_storage``: the ``STORAGES`` entry
named by ``CERT_MANAGER_EXPORT_STORAGE``, ``default_storage`` by default), so a crash never leaves a half
file behind the job's download link, and the web process that serves the download (``stored_export``)
needs no access to the worker's disk. The name in the storage is
``cert_manager/exports/<course>/<job id>-<random>.pdf|zip``: unguessable, as a storage URL may be public.

Options (``job.params["options"]``): ``format`` ``"pdf"`` (default) or ``"zip"``; ``statuses`` (a list,
or a comma-separated string) — only ``["downloadable"]``: a certificate that is not valid is never printed
as one (its own PDF is a 404 too); the CSV export lists certificates of every status. ``base_url``: the scheme
and host the verify links and QR codes use when neither ``CERT_MANAGER_BASE_URL`` nor ``LMS_ROOT_URL`` is set
(the REST API records the request's); with none of them the export is refused: never a relative link in a PDF.

A certificate that records a course design version (``Certificate.design_version``) prints with that design
(``pdf_design``); the others as before. The writer keys its layouts by mode and design version (``layout_key``), so
each one's static layer is drawn once however the pages interleave, and the design documents are read in one query.

An export with no certificate to print is refused (the job fails with "No certificates to export (statuses:
downloadable).") rather than producing a file: there is nothing to download.
"""

from __future__ import annotations

import functools
import io
import logging
import mimetypes
import os
import re
import secrets
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, InvalidStorageError, Storage, storages
from django.db.models import QuerySet
from django.utils.translation import gettext, override

from .. import errors, job_kinds, links
from ..conf import cm_settings
from ..data import CertificateStatus, JobKind
from ..models import Certificate
from .templates import CourseLayout, course_layout, format_date, format_grade

if TYPE_CHECKING:
    import uuid

    from opaque_keys.edx.keys import CourseKey

    from ..models import GenerationJob
    from .pdf import PageData

log = logging.getLogger(__name__)

EXPORT_BATCH = 1000
FORMATS = {"pdf": "application/pdf", "zip": "application/zip"}
#: Where export files go inside their storage.
STORAGE_PREFIX = "cert_manager/exports"
#: The ``storage`` recorded in a job's result when the deprecated ``CERT_MANAGER_EXPORT_DIR`` chose the place.
EXPORT_DIR_STORAGE = "CERT_MANAGER_EXPORT_DIR"


@functools.cache
def warn_export_dir_deprecated() -> None:
    """Logged once per process."""
    log.warning(
        "cert_manager: CERT_MANAGER_EXPORT_DIR is deprecated: exports are saved to a local directory the "
        "web processes may not see. Unset it and name a STORAGES entry in CERT_MANAGER_EXPORT_STORAGE."
    )


def export_storage() -> tuple[str, Storage]:
    """
    The storage new export files are saved to, and the alias recorded with them.

    That is the ``STORAGES`` entry named by ``CERT_MANAGER_EXPORT_STORAGE`` (``"default"``: ``default_storage``).
    The deprecated ``CERT_MANAGER_EXPORT_DIR``, when set, still wins: a ``FileSystemStorage`` on that directory.
    """
    directory = cm_settings.EXPORT_DIR
    if directory:
        warn_export_dir_deprecated()
        return EXPORT_DIR_STORAGE, FileSystemStorage(location=str(directory))
    alias = cm_settings.EXPORT_STORAGE
    return alias, storages[alias]


def storage_named(alias: str) -> Storage:
    """The storage a job's result names (``EXPORT_DIR_STORAGE``: the deprecated directory setting)."""
    if alias == EXPORT_DIR_STORAGE:
        directory = cm_settings.EXPORT_DIR
        if not directory:
            raise errors.NotFound("The export directory (CERT_MANAGER_EXPORT_DIR) is no longer configured.")
        return FileSystemStorage(location=str(directory))
    try:
        return storages[alias]
    except InvalidStorageError as exc:  # the operator removed or renamed the STORAGES entry since
        raise errors.NotFound(f"The export storage '{alias}' is not configured.") from exc


@dataclass(frozen=True)
class StoredExport:
    """Where an export job's file is: its storage and name there, and how to name it for the user."""

    storage: Storage
    name: str
    filename: str
    content_type: str

    def exists(self) -> bool:
        """Whether the storage holds the file (False for an empty name or one the storage refuses)."""
        try:
            return bool(self.name) and self.storage.exists(self.name)
        except (OSError, ValueError):  # e.g. a name outside a FileSystemStorage's directory
            return False

    def local_path(self) -> str | None:
        """The file on this machine's disk, when the storage keeps it here (FileSystemStorage); else None."""
        try:
            path = self.storage.path(self.name)
        except (NotImplementedError, ValueError, OSError):  # remote storages have no local path
            return None
        return path if path and os.path.isfile(path) else None


def stored_export(result: dict | None) -> StoredExport | None:
    """
    The file an export job's ``result`` names, or None when it names none.

    ``result["storage"]`` is the ``STORAGES`` alias the file was saved to; a result without it (written before
    exports used the storage API) holds an absolute local path in ``file`` (anything else names no file).
    """
    result = result or {}
    name = result.get("file")
    if not name or not isinstance(name, str):
        return None
    alias = result.get("storage")
    if alias:
        storage = storage_named(alias)
    elif os.path.isabs(name):
        storage = FileSystemStorage(location=os.path.dirname(name))
        name = os.path.basename(name)
    else:
        return None
    filename = result.get("filename") or os.path.basename(name)
    content_type = result.get("content_type") or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return StoredExport(storage=storage, name=name, filename=filename, content_type=content_type)


class _LocalFile(File):
    """A finished local file: FileSystemStorage moves it into place (no copy); other storages stream it."""

    def temporary_file_path(self) -> str:
        return self.name


#: The statuses an export prints: valid certificates only. A revoked, not earned or audit certificate printed
#: with "has successfully completed" would be a false certificate; the CSV export lists every status.
EXPORTABLE_STATUSES = (CertificateStatus.DOWNLOADABLE.value,)


def export_statuses(options: dict) -> list[str]:
    """The statuses an export includes: ``downloadable``; any other status is refused with a clear error."""
    raw = options.get("statuses", options.get("status")) or [CertificateStatus.DOWNLOADABLE.value]
    if isinstance(raw, str):
        raw = [s.strip() for s in raw.split(",") if s.strip()]
    known = {s.value for s in CertificateStatus}
    if not isinstance(raw, list | tuple) or not raw or any(s not in known for s in raw):
        raise errors.InvalidInput(f"statuses must be a list of: {', '.join(sorted(known))}.", field="statuses")
    refused = [s for s in dict.fromkeys(raw) if s not in EXPORTABLE_STATUSES]
    if refused:
        raise errors.InvalidInput(
            f"Only valid certificates ({', '.join(EXPORTABLE_STATUSES)}) are exported as certificates, not "
            f"{', '.join(refused)}: list those with the CSV export.",
            field="statuses",
        )
    return list(dict.fromkeys(raw))


def export_base_url(options: dict) -> str:
    """
    The scheme and host of the links and QR codes an export prints.

    ``CERT_MANAGER_BASE_URL`` or ``LMS_ROOT_URL``, else the ``base_url`` option (the REST API records the base URL
    of the request that started the export). With none, the export is refused: a relative link on paper opens
    nothing.
    """
    configured = links.base_url()
    if configured:
        return configured
    recorded = options.get("base_url")
    if isinstance(recorded, str) and recorded:
        parts = urlsplit(recorded)
        if parts.scheme in ("http", "https") and parts.netloc and not parts.query and not parts.fragment:
            return recorded.rstrip("/")
        raise errors.InvalidInput(f"base_url must be an absolute http(s) URL, not {recorded!r}.", field="base_url")
    raise errors.InvalidInput(
        "The export needs absolute links for its QR codes: set CERT_MANAGER_BASE_URL (or LMS_ROOT_URL), or start "
        "it from the instructor panel or the REST API, which record the site's address.",
        field="base_url",
    )


def empty_export_message(statuses: list[str]) -> str:
    """The error of an export with no certificate of ``statuses`` to print."""
    return f"No certificates to export (statuses: {', '.join(statuses)})."


def check_export(course_key: CourseKey, options: dict) -> None:
    """
    Refuse, before a job exists, an export that cannot make a file.

    Statuses other than valid ones or no absolute base URL raise ``InvalidInput``; no certificate to print raises
    ``NothingToExport``. The job checks again when it runs: certificates may be deleted in between.
    """
    statuses = export_statuses(options)
    export_base_url(options)
    if not Certificate.objects.filter(course_key=course_key, status__in=statuses).exists():
        raise errors.NothingToExport(empty_export_message(statuses), statuses=statuses)


def _export_input(request: Mapping[str, object]) -> dict:
    """An export request's params: its options with a known ``format`` (``pdf`` by default)."""
    options = dict(request.get("options") or {})
    fmt = options.get("format", "pdf")
    if fmt not in FORMATS:
        raise errors.InvalidInput(f"format must be one of {', '.join(FORMATS)}.", field="format")
    return {"options": {**options, "format": fmt}}


def _check_export_job(course_key: CourseKey, params: dict) -> None:
    """The job registry's check: ``check_export`` on the job's options."""
    check_export(course_key, params["options"])


def _run_export_job(job: GenerationJob, progress: Callable[[int, int], None]) -> dict:
    """The job registry's whole-job runner: ``run_export_job``."""
    return run_export_job(job, progress)


#: The export kind: no learner candidates (no dry run); one whole-job step writes the file.
EXPORT_KIND = job_kinds.register(
    job_kinds.JobKindSpec(
        JobKind.EXPORT.value,
        _export_input,
        None,
        runner=_run_export_job,
        label=JobKind.EXPORT.value,
        check=_check_export_job,
    )
)


def _winansi(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "course"


def run_export_job(job: GenerationJob, progress: Callable[[int, int], None] | None = None) -> dict:
    """
    Write every selected certificate of ``job.course_key`` into one file and save it to the export storage.

    Returns ``{"file", "storage", "filename", "content_type", "count", "bytes", "format", "statuses"}`` for
    the job's result (``file`` is the name in the storage whose ``STORAGES`` alias is ``storage``).

    The steps: ``_export_request`` (the job's options, checked), count the certificates, render them into a
    local temporary file (``_write_pdf`` or ``_write_zip``, pages from ``_PageSource``), ``_store`` it.
    """
    fmt, statuses, root = _export_request(job)
    course_key = job.course_key
    progress = progress or (lambda processed, total: None)

    rows = Certificate.objects.filter(course_key=course_key, status__in=statuses)
    total = rows.count()
    if not total:
        raise errors.NothingToExport(empty_export_message(statuses), statuses=statuses)
    progress(0, total)
    filename = f"certificates_{_safe(str(course_key))}_{job.pk}.{fmt}"
    alias, storage = export_storage()
    target = f"{STORAGE_PREFIX}/{_safe(str(course_key))}/{job.pk}-{secrets.token_hex(16)}.{fmt}"
    # the web certificate is the verify page; reverse() once
    source = _PageSource(course_key, rows, links.url_builder(links.WEB, root=root))
    write = _write_pdf if fmt == "pdf" else _write_zip
    partial = _temporary_file(job.pk, fmt)
    try:
        with override(settings.LANGUAGE_CODE):
            count = write(partial, source, lambda done: progress(done, total))
        if not count:  # every certificate went between the count and the read
            raise errors.NothingToExport(empty_export_message(statuses), statuses=statuses)
        name, size = _store(storage, target, partial)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    progress(count, max(total, count))
    return {
        "file": name,
        "storage": alias,
        "filename": filename,
        "content_type": FORMATS[fmt],
        "count": count,
        "bytes": size,
        "format": fmt,
        "statuses": statuses,
    }


def _export_request(job: GenerationJob) -> tuple[str, list[str], str]:
    """The job's format, statuses and base URL (``job.params["options"]``); a bad option raises ``InvalidInput``."""
    options = dict((job.params or {}).get("options") or {})
    fmt = options.get("format") or "pdf"
    if fmt not in FORMATS:
        raise errors.InvalidInput(f"format must be one of {', '.join(FORMATS)}.", field="format")
    return fmt, export_statuses(options), export_base_url(options)


def layout_key(mode: str, design_version_id: int | None) -> str:
    """The writer's key of the layout certificates of ``mode`` print with under a design version (or none)."""
    return f"{mode}|v{design_version_id}" if design_version_id else mode


class _PageSource:
    """
    The pages of an export, streamed from the database ``EXPORT_BATCH`` rows at a time.

    Each layout — one per mode, and per design version for certificates that record one (``layout_key``) — issue
    date and grade is formatted once, however many pages print it: the writer draws each layout's static layer once.
    """

    def __init__(
        self, course_key: CourseKey, rows: QuerySet[Certificate], verify_url: Callable[[uuid.UUID | str], str]
    ) -> None:
        self.course_key = course_key
        self.rows = rows
        self.verify_url = verify_url
        self.layouts: dict[str, CourseLayout] = {}
        self._plain: dict[str, CourseLayout] = {}
        self._documents: dict[int, dict] = {}
        self._dates: dict[object, str] = {}
        self._grades: dict[float | None, str | None] = {}

    def load_designs(self, version_ids: Iterable[int]) -> None:
        """Read the documents of the design versions the certificates record (one query)."""
        from ..designs.models import DesignVersion

        wanted = [pk for pk in set(version_ids) if pk and pk not in self._documents]
        if wanted:
            self._documents.update(DesignVersion.objects.filter(pk__in=wanted).values_list("pk", "document"))

    def layout(self, mode: str, design_version_id: int | None = None) -> CourseLayout:
        """The layout of certificates of ``mode`` (with their design version, if any), built on first use."""
        key = layout_key(mode, design_version_id)
        layout = self.layouts.get(key)
        if layout is not None:
            return layout
        plain = self._plain.get(mode)
        if plain is None:
            plain = self._plain[mode] = course_layout(self.course_key, mode=mode, language=settings.LANGUAGE_CODE)
        if design_version_id:
            from .pdf_design import designed_layout  # ReportLab: only when exporting

            self.load_designs([design_version_id])
            document = self._documents[design_version_id]
            plain = designed_layout(
                plain, document, mode=mode, language=settings.LANGUAGE_CODE, key=f"v{design_version_id}"
            )
        self.layouts[key] = plain
        return plain

    def issued(self, issued: datetime | None) -> str:
        """The printed issue date (formatted once per day)."""
        day = issued.date() if issued else None
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = format_date(issued)
        return text

    def grade(self, grade: float | None) -> str | None:
        """The printed grade (formatted once per value)."""
        if grade in self._grades:
            return self._grades[grade]
        return self._grades.setdefault(grade, format_grade(grade))

    def unicode_names(self) -> list[str]:
        """The printed names that WinAnsi cannot show (they need a TrueType font), one light query."""
        names = self.rows.values_list("name", "user__username").iterator(chunk_size=EXPORT_BATCH)
        return [name or username for name, username in names if not _winansi(name or username)]

    def pages(self) -> Iterator[tuple[str, CourseLayout, PageData, str]]:
        """``(layout key, layout, page, username)`` of every certificate, by id."""
        from .pdf import PageData  # ReportLab: only when exporting

        values = self.rows.order_by("id").values_list(
            "verify_uuid", "name", "mode", "grade", "issued_date", "user__username", "design_version_id"
        )
        for verify_uuid, name, mode, grade, issued, username, version in values.iterator(chunk_size=EXPORT_BATCH):
            layout = self.layout(mode, version)
            page = PageData(
                learner_name=name or username,
                issued=self.issued(issued),
                grade=self.grade(grade) if layout.print_grade else None,
                verify_url=self.verify_url(verify_uuid),
                certificate_id=str(verify_uuid),
            )
            yield layout_key(mode, version), layout, page, username


def _write_pdf(path: str, source: _PageSource, progress: Callable[[int], None]) -> int:
    """
    Write every page into one PDF at ``path`` (the streaming writer); return the page count.

    0 (and no file written) when no certificate was left to print. ``progress(count)`` every ``EXPORT_BATCH``
    pages.
    """
    from .pdf import StreamingCertificatePdf  # ReportLab: only when exporting

    # First pass (three light queries): the layouts (one per mode and design version), the design documents and
    # the names that need a TrueType font, so the streaming writer can build every shared object up front.
    groups = list(source.rows.order_by().values_list("mode", "design_version_id").distinct())
    source.load_designs(version for _mode, version in groups)
    for mode, version in groups:
        source.layout(mode, version)
    layouts = source.layouts or {"": course_layout(source.course_key, language=settings.LANGUAGE_CODE)}
    course_name = next(iter(layouts.values())).course_name or str(source.course_key)
    writer = StreamingCertificatePdf(
        path,
        layouts,
        unicode_names=source.unicode_names(),
        title=gettext("Certificates of %(course)s") % {"course": course_name},  # the PDF's /Title
    )
    count = 0
    try:
        for key, _layout, page, _username in source.pages():
            writer.add_page(key, page)
            count += 1
            if count % EXPORT_BATCH == 0:
                progress(count)
    except BaseException:
        writer.abort()
        raise
    if not count:
        writer.abort()
        return 0
    writer.close()
    return count


def _write_zip(path: str, source: _PageSource, progress: Callable[[int], None]) -> int:
    """
    Write a ZIP at ``path`` of one PDF per learner (``<username>_<verify id prefix>.pdf``); return how many.

    ``progress(count)`` every ``EXPORT_BATCH`` files.
    """
    from .pdf import CertificatePdfWriter  # ReportLab: only when exporting

    count = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for _key, layout, page, username in source.pages():
            buffer = io.BytesIO()
            writer = CertificatePdfWriter(buffer, title=f"{page.learner_name} — {layout.course_name}")
            writer.add_page(layout, page)
            writer.close()
            archive.writestr(f"{_safe(username)}_{page.certificate_id[:8]}.pdf", buffer.getvalue())
            count += 1
            if count % EXPORT_BATCH == 0:
                progress(count)
    return count


def _temporary_file(job_pk: int, fmt: str) -> str:
    """A new empty local file to render into (``FILE_UPLOAD_TEMP_DIR``, else the system's temporary directory)."""
    handle, path = tempfile.mkstemp(
        prefix=f"cert_manager_export_{job_pk}_",
        suffix=f".{fmt}.part",
        dir=getattr(settings, "FILE_UPLOAD_TEMP_DIR", None),
    )
    os.close(handle)
    return path


def _store(storage: Storage, target: str, path: str) -> tuple[str, int]:
    """
    Hand the complete local file to the storage under ``target``; return the name it chose and the size.

    A FileSystemStorage moves it, others upload it: only a complete file ever reaches the storage.
    """
    size = os.path.getsize(path)
    with open(path, "rb") as complete:
        return storage.save(target, _LocalFile(complete, name=path)), size
