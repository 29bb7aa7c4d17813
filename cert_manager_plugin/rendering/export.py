"""
Export a course's certificates into one file: a single PDF (one page each) or a ZIP of per-learner PDFs.

Run by the jobs module for kind ``export`` (``api.submit_job(course_key, "export", options={...})``).
Rows are streamed from the database in batches (``iterator(chunk_size=...)``) straight onto one canvas
(or into the ZIP), so memory stays flat whatever the course size; the file is written under a temporary
name and renamed when complete, so a crash never leaves a half file behind the job's download link.

Options (``job.params["options"]``): ``format`` ``"pdf"`` (default) or ``"zip"``; ``statuses`` (a list,
or a comma-separated string) of certificate statuses to include — ``["downloadable"]`` by default.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils.translation import override

from .. import errors
from ..data import CertificateStatus
from ..models import Certificate
from .pdf import CertificatePdfWriter, PageData, StreamingCertificatePdf
from .templates import base_url, certificate_links, course_layout, format_date, format_grade

EXPORT_BATCH = 1000
FORMATS = {"pdf": "application/pdf", "zip": "application/zip"}


def export_dir() -> Path:
    """Where export files go: ``CERT_MANAGER_EXPORT_DIR``, else MEDIA_ROOT/cert_manager/exports, else a temp dir."""
    configured = getattr(settings, "CERT_MANAGER_EXPORT_DIR", None)
    if configured:
        path = Path(configured)
    elif getattr(settings, "MEDIA_ROOT", None):
        path = Path(settings.MEDIA_ROOT) / "cert_manager" / "exports"
    else:
        path = Path(tempfile.gettempdir()) / "cert_manager_exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_statuses(options: dict) -> list[str]:
    """The statuses an export includes (``downloadable`` unless the options say otherwise)."""
    raw = options.get("statuses", options.get("status")) or [CertificateStatus.DOWNLOADABLE.value]
    if isinstance(raw, str):
        raw = [s.strip() for s in raw.split(",") if s.strip()]
    known = {s.value for s in CertificateStatus}
    if not isinstance(raw, list | tuple) or not raw or any(s not in known for s in raw):
        raise errors.InvalidInput(f"statuses must be a list of: {', '.join(sorted(known))}.", field="statuses")
    return list(dict.fromkeys(raw))


def _winansi(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "course"


def run_export_job(job, progress: Callable[[int, int], None] | None = None) -> dict:
    """
    Write every selected certificate of ``job.course_key`` into one file; returns
    ``{"file", "filename", "content_type", "count", "bytes", "format"}`` for the job's result.
    """
    options = dict((job.params or {}).get("options") or {})
    fmt = options.get("format") or "pdf"
    if fmt not in FORMATS:
        raise errors.InvalidInput(f"format must be one of {', '.join(FORMATS)}.", field="format")
    statuses = export_statuses(options)
    course_key = job.course_key
    progress = progress or (lambda processed, total: None)

    rows = Certificate.objects.filter(course_key=course_key, status__in=statuses)
    total = rows.count()
    progress(0, total)
    filename = f"certificates_{_safe(str(course_key))}_{job.pk}.{fmt}"
    final = export_dir() / filename
    partial = final.with_name(final.name + ".part")
    root = base_url()
    marker = "00000000-0000-0000-0000-000000000000"
    verify_template = certificate_links(marker, root)["verify_url"]  # reverse() once, not per row
    layouts: dict[str, object] = {}
    dates: dict[object, str] = {}
    grades: dict[float | None, str | None] = {}

    def pages():
        values = rows.order_by("id").values_list(
            "verify_uuid", "name", "mode", "grade", "issued_date", "user__username"
        )
        for verify_uuid, name, mode, grade, issued, username in values.iterator(chunk_size=EXPORT_BATCH):
            layout = layouts.get(mode)
            if layout is None:
                layout = layouts[mode] = course_layout(course_key, mode=mode, language=settings.LANGUAGE_CODE)
            day = issued.date() if issued else None
            issued_text = dates.get(day)
            if issued_text is None:
                issued_text = dates[day] = format_date(issued)
            page = PageData(
                learner_name=name or username,
                issued=issued_text,
                grade=(grades[grade] if grade in grades else grades.setdefault(grade, format_grade(grade)))
                if layout.print_grade
                else None,
                verify_url=verify_template.replace(marker, str(verify_uuid)),
                certificate_id=str(verify_uuid),
            )
            yield mode, layout, page, username

    count = 0
    try:
        with override(settings.LANGUAGE_CODE):
            if fmt == "pdf":
                # First pass (two light queries): the layouts (one per mode) and the names that need a
                # TrueType font, so the streaming writer can build every shared object up front.
                modes = list(rows.order_by().values_list("mode", flat=True).distinct())
                for mode in modes:
                    layouts[mode] = course_layout(course_key, mode=mode, language=settings.LANGUAGE_CODE)
                unicode_names = [
                    name or username
                    for name, username in rows.values_list("name", "user__username").iterator(chunk_size=EXPORT_BATCH)
                    if not _winansi(name or username)
                ]
                writer = StreamingCertificatePdf(
                    str(partial),
                    layouts or {"": course_layout(course_key, language=settings.LANGUAGE_CODE)},
                    unicode_names=unicode_names,
                    title=f"Certificates - {course_key}",
                )
                try:
                    for mode, _layout, page, _username in pages():
                        writer.add_page(mode, page)
                        count += 1
                        if count % EXPORT_BATCH == 0:
                            progress(count, total)
                finally:
                    writer.close()
            else:
                with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
                    for _mode, layout, page, username in pages():
                        buffer = io.BytesIO()
                        writer = CertificatePdfWriter(buffer, title=f"{page.learner_name} — {layout.course_name}")
                        writer.add_page(layout, page)
                        writer.close()
                        archive.writestr(f"{_safe(username)}_{page.certificate_id[:8]}.pdf", buffer.getvalue())
                        count += 1
                        if count % EXPORT_BATCH == 0:
                            progress(count, total)
        os.replace(partial, final)
    finally:
        if partial.exists():
            partial.unlink()
    progress(count, max(total, count))
    return {
        "file": str(final),
        "filename": filename,
        "content_type": FORMATS[fmt],
        "count": count,
        "bytes": final.stat().st_size,
        "format": fmt,
        "statuses": statuses,
    }
