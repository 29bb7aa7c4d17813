"""
Export jobs: one PDF with a page per certificate, or a ZIP of per-learner PDFs, with progress; the file is
rendered locally, then saved through the Django storage API (``CERT_MANAGER_EXPORT_STORAGE``).
"""

import io
import logging
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage, storages
from django.db import connection
from django.test import override_settings
from pypdf import PdfReader, PdfWriter

from cert_manager_plugin import api, errors, jobs
from cert_manager_plugin.models import GenerationJob
from cert_manager_plugin.rendering import export, qr
from tests.factories import COURSE_KEY, CertificateFactory, GenerationJobFactory

pytestmark = pytest.mark.django_db

MEMORY_STORAGE = {
    "BACKEND": "django.core.files.storage.InMemoryStorage",
    "OPTIONS": {"base_url": "https://files.example.org/"},
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """default_storage is a FileSystemStorage on a fresh MEDIA_ROOT; temporary files go to their own dir."""
    settings.CERT_MANAGER_EXPORT_DIR = None
    settings.CERT_MANAGER_EXPORT_STORAGE = "default"
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the setting_changed signal resets default_storage
    (tmp_path / "tmp").mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.org"
    return tmp_path / "media"


def job(**options):
    return GenerationJobFactory(kind="export", state="running", params={"options": options})


def local(result) -> str:
    """The exported file on disk (the default storage is a FileSystemStorage in these tests)."""
    assert result["storage"] == "default"
    return default_storage.path(result["file"])


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


def with_memory_storage(**extra):
    """A named InMemoryStorage in STORAGES (override_settings resets Django's cached storages, both ways)."""
    return override_settings(STORAGES={**django_settings.STORAGES, "exports": MEMORY_STORAGE}, **extra)


def test_pdf_export_has_one_page_per_downloadable_certificate(course, media, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_BATCH", 2)
    issued = CertificateFactory.create_batch(5)
    CertificateFactory(status="notpassing")
    calls = []
    result = export.run_export_job(job(format="pdf"), lambda done, total: calls.append((done, total)))
    path = Path(local(result))
    assert path.parent == media / "cert_manager" / "exports" / "course-v1_TestX_CM101_2026" and path.is_file()
    assert files_under(media) == [path]
    assert result["count"] == 5 and result["bytes"] == path.stat().st_size
    assert result["content_type"] == "application/pdf" and result["filename"].endswith(".pdf")
    reader = PdfReader(str(path))
    assert len(reader.pages) == 5
    text = "".join(p.extract_text() for p in reader.pages)
    assert all(c.name in text for c in issued)
    assert calls[0] == (0, 5) and (2, 5) in calls and (4, 5) in calls and calls[-1] == (5, 5)
    assert files_under(tmp_path / "tmp") == [], "the local temporary file is gone"


def test_zip_export_has_one_pdf_per_learner(course):
    certs = CertificateFactory.create_batch(3)
    result = export.run_export_job(job(format="zip"), None)
    assert result["content_type"] == "application/zip" and result["count"] == 3
    with zipfile.ZipFile(local(result)) as archive:
        names = archive.namelist()
        assert len(names) == 3
        assert {n.split("_")[0] for n in names} == {c.user.username for c in certs}
        for name in names:
            assert len(PdfReader(io.BytesIO(archive.read(name))).pages) == 1


@pytest.mark.parametrize("fmt", ["pdf", "zip"])
@pytest.mark.parametrize(
    "statuses", [["notpassing"], "downloadable,notpassing", ["unavailable"], ["audit_passing", "downloadable"]]
)
def test_certificates_that_are_not_valid_are_never_exported_as_certificates(course, media, tmp_path, fmt, statuses):
    """A revoked, not earned or audit certificate printed with "has successfully completed" would be a lie."""
    CertificateFactory.create_batch(2)
    CertificateFactory.create_batch(3, status="notpassing", grade=0.37)
    CertificateFactory(status="unavailable", grade=0.37)
    CertificateFactory(status="audit_passing", mode="audit")
    with pytest.raises(errors.InvalidInput, match=r"Only valid certificates \(downloadable\) are exported") as refused:
        export.run_export_job(job(format=fmt, statuses=statuses), None)
    assert refused.value.details["field"] == "statuses" and "CSV export" in str(refused.value)
    assert files_under(media) == [] and files_under(tmp_path / "tmp") == []
    result = export.run_export_job(job(format=fmt, statuses=["downloadable"]), None)
    assert result["count"] == 2 and result["statuses"] == ["downloadable"]


@pytest.mark.parametrize("fmt", ["pdf", "zip"])
def test_an_export_with_nothing_to_print_is_refused_and_writes_no_file(course, media, tmp_path, fmt):
    CertificateFactory.create_batch(2, status="notpassing")
    CertificateFactory(course_key="course-v1:TestX+Other+2026")
    with pytest.raises(errors.NothingToExport) as refused:
        export.run_export_job(job(format=fmt), None)
    assert str(refused.value) == "No certificates to export (statuses: downloadable)."
    assert files_under(media) == [] and files_under(tmp_path / "tmp") == []


def test_an_empty_export_is_refused_before_any_job_exists(course, media, django_capture_on_commit_callbacks):
    CertificateFactory(status="notpassing")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(errors.NothingToExport) as refused:
        api.submit_job(COURSE_KEY, "export", options={"format": "pdf"})
    assert refused.value.message == "No certificates to export (statuses: downloadable)."
    assert not GenerationJob.objects.exists() and files_under(media) == []


def test_an_export_emptied_after_submission_fails_with_the_reason_and_no_download(
    course, media, django_capture_on_commit_callbacks
):
    from cert_manager_plugin.rest_api.v1.serializers import JobSerializer

    cert = CertificateFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # queued, not yet run
        submitted = jobs.submit_job(COURSE_KEY, "export", options={"format": "pdf"})
    cert.delete()  # the course team deletes the last certificate before a worker picks the job up
    for callback in callbacks:
        callback()
    submitted.refresh_from_db()
    assert submitted.state == "failed" and submitted.active_course_key is None
    assert submitted.error == "No certificates to export (statuses: downloadable)."  # no "export failed:" prefix
    shown = JobSerializer(submitted).data
    assert shown["download_url"] is None and "No certificates to export" in shown["error"]
    assert files_under(media) == []


def test_the_last_certificate_gone_during_the_export_is_an_empty_export(course, media, tmp_path, monkeypatch):
    CertificateFactory()
    real = export.Certificate.objects.filter

    class Vanishing:  # the count sees one certificate; the read finds it deleted
        def __init__(self, qs):
            self.qs = qs

        def count(self):
            return 1

        def __getattr__(self, name):
            return getattr(self.qs.none(), name)

    monkeypatch.setattr(export.Certificate.objects, "filter", lambda **kw: Vanishing(real(**kw)))
    with pytest.raises(errors.NothingToExport, match="No certificates to export"):
        export.run_export_job(job(format="pdf"), None)
    assert files_under(media) == [] and files_under(tmp_path / "tmp") == []


# --- absolute links -----------------------------------------------------------------------------------------


def verify_urls(path) -> list[str]:
    """The verify URL printed on each page and the one its QR code holds (they must be the same)."""
    from tests.test_rendering_pdf import qr_modules

    reader = PdfReader(str(path))
    urls = []
    for page in reader.pages:
        [url] = re.findall(r"Verify: (\S+)", page.extract_text())
        out = io.BytesIO()
        writer = PdfWriter()
        writer.add_page(page)
        writer.write(out)
        code = qr.encode(url)
        expected = {(code.size - 1 - r, c) for r, row in enumerate(code.rows) for c, ch in enumerate(row) if ch == "1"}
        assert qr_modules(out.getvalue()) == expected
        urls.append(url)
    return urls


def test_links_and_qr_codes_are_absolute_from_the_base_url_setting(course, settings):
    certs = CertificateFactory.create_batch(2)
    settings.CERT_MANAGER_BASE_URL = "https://courses.example.org/"
    result = export.run_export_job(job(format="pdf", base_url="https://ignored.example"), None)
    assert sorted(verify_urls(local(result))) == sorted(
        f"https://courses.example.org/cert_manager/certificates/{c.verify_uuid}/" for c in certs
    )


def test_without_a_base_url_setting_the_recorded_request_base_url_is_used(course, settings):
    settings.CERT_MANAGER_BASE_URL = ""
    settings.LMS_ROOT_URL = ""
    cert = CertificateFactory()
    result = export.run_export_job(job(format="pdf", base_url="http://lms.local:8000"), None)
    assert verify_urls(local(result)) == [f"http://lms.local:8000/cert_manager/certificates/{cert.verify_uuid}/"]
    settings.LMS_ROOT_URL = "https://root.example.org"
    result = export.run_export_job(job(format="zip"), None)
    with zipfile.ZipFile(local(result)) as archive:
        [name] = archive.namelist()
        text = PdfReader(io.BytesIO(archive.read(name))).pages[0].extract_text()
    assert f"https://root.example.org/cert_manager/certificates/{cert.verify_uuid}/" in text


@pytest.mark.parametrize("base_url", [None, "", "/relative", "lms.example.org", "javascript:alert(1)", 7])
def test_an_export_without_an_absolute_base_url_is_refused(course, media, tmp_path, settings, base_url):
    settings.CERT_MANAGER_BASE_URL = ""
    settings.LMS_ROOT_URL = ""
    CertificateFactory()
    options = {"format": "pdf"} if base_url is None else {"format": "pdf", "base_url": base_url}
    with pytest.raises(errors.InvalidInput) as refused:
        export.run_export_job(job(**options), None)
    assert refused.value.details["field"] == "base_url"
    assert files_under(media) == [] and files_under(tmp_path / "tmp") == []


def test_bad_options_are_refused(course):
    with pytest.raises(errors.InvalidInput):
        export.run_export_job(job(format="docx"), None)
    with pytest.raises(errors.InvalidInput):
        export.run_export_job(job(statuses=["bogus"]), None)


def test_default_storage_is_djangos_default_storage():
    alias, storage = export.export_storage()
    assert alias == "default" and storage is storages["default"]


def test_streamed_pdf_is_well_formed_and_prints_any_script(course):
    import shutil
    import subprocess

    CertificateFactory(name="Дмитрий Иванов")
    CertificateFactory(name="李小龍")
    CertificateFactory(name="Zoë Ågren")
    result = export.run_export_job(job(format="pdf"), None)
    reader = PdfReader(local(result))
    text = [p.extract_text() for p in reader.pages]
    assert sorted(n for n in ("Дмитрий Иванов", "Zoë Ågren") if any(n in t for t in text)) == [
        "Zoë Ågren",
        "Дмитрий Иванов",
    ]
    if shutil.which("qpdf"):
        subprocess.run(["qpdf", "--check", local(result)], check=True, capture_output=True)
    if shutil.which("pdftoppm"):
        out = subprocess.run(["pdftoppm", "-r", "20", "-png", local(result)], capture_output=True, check=True)
        assert out.stdout.startswith(b"\x89PNG")


def test_each_mode_gets_its_template_and_long_names_shrink(course):
    from django.core.files.base import ContentFile

    from cert_manager_plugin.models import CertificateTemplate
    from tests.test_rendering_pdf import background_pdf

    honor = CertificateTemplate.objects.create(name="honor", mode="honor")
    honor.background_pdf.save("honor.pdf", ContentFile(background_pdf("Honor Code Seal")))
    CertificateFactory(mode="verified", name="Verified Learner")
    CertificateFactory(mode="honor", name="W" * 30)
    reader = PdfReader(local(export.run_export_job(job(format="pdf"), None)))
    by_name = {("Honor" if "WWWW" in p.extract_text() else "Verified"): p for p in reader.pages}
    assert "Honor Code Seal" in by_name["Honor"].extract_text()
    assert "Honor Code Seal" not in by_name["Verified"].extract_text()
    content = by_name["Honor"].get_contents().get_data()
    size = float(content.split(b"Tf (" + b"W" * 30)[0].split()[-1])
    assert 20 <= size < 34, "a long name is set smaller so it fits the page"


def test_hostile_names_are_exported_as_their_text_inside_the_page(course):
    from tests.test_rendering_pdf import ARABIC, assert_inside_the_page, name_lines

    # The export reads the names from the database, so each is one the database can hold: PostgreSQL refuses a
    # NUL in a text column, so there the control-character name is the same without its NUL (the writers drop
    # a NUL given to them directly on every database: test_rendering_pdf's PRINTED names).
    nul = "" if connection.vendor == "postgresql" else "\x00"
    names = {
        "李小龍": ["李小龍"],
        "Zoë 🌸 Ågren": ["Zoë Ågren"],
        f"Bob{nul}\x07 Smith\u202e\tJr": ["Bob Smith Jr"],
        "W" * 255: None,  # the longest name the database keeps: wrapped
        ARABIC: None,
    }
    for name in names:
        CertificateFactory(name=name)
    path = local(export.run_export_job(job(format="pdf"), None))
    reader = PdfReader(path)
    printed = []
    for page in reader.pages:
        out, writer = io.BytesIO(), PdfWriter()
        writer.add_page(page)
        writer.write(out)
        assert_inside_the_page(out.getvalue(), margin=32)
        printed.append(name_lines(out.getvalue()))
    for name, lines in names.items():
        if lines:
            assert lines in printed
    [wrapped] = [lines for lines in printed if lines and lines[0].startswith("WWW")]
    assert len(wrapped) > 1 and "".join(wrapped) == "W" * 255


# --- the storage API ----------------------------------------------------------------------------------------


def test_export_to_a_named_remote_storage_writes_nothing_to_the_local_disk(course, media, tmp_path):
    CertificateFactory.create_batch(3)
    with with_memory_storage(CERT_MANAGER_EXPORT_STORAGE="exports"):
        result = export.run_export_job(job(format="pdf"), None)
        storage = storages["exports"]
        assert result["storage"] == "exports" and storage.exists(result["file"])
        with storage.open(result["file"], "rb") as handle:
            data = handle.read()
        assert len(PdfReader(io.BytesIO(data)).pages) == 3 and result["bytes"] == len(data)
        stored = api.stored_export(result)
        assert stored.storage is storage and stored.local_path() is None
        assert storage.url(stored.name).startswith("https://files.example.org/cert_manager/exports/")
    assert files_under(media) == [] and files_under(tmp_path / "tmp") == []


def test_the_storage_name_is_unguessable_and_the_result_keeps_its_keys(course):
    CertificateFactory()
    exporting = job(format="zip")
    first = export.run_export_job(exporting, None)
    second = export.run_export_job(exporting, None)
    pattern = rf"cert_manager/exports/course-v1_TestX_CM101_2026/{exporting.pk}-[0-9a-f]{{32}}\.zip"
    assert re.fullmatch(pattern, first["file"]) and re.fullmatch(pattern, second["file"])
    assert first["file"] != second["file"]
    assert set(first) == {"file", "storage", "filename", "content_type", "count", "bytes", "format", "statuses"}
    assert first["filename"] == f"certificates_course-v1_TestX_CM101_2026_{exporting.pk}.zip"
    assert (first["content_type"], first["format"], first["statuses"]) == ("application/zip", "zip", ["downloadable"])


def test_a_failed_export_leaves_no_file_anywhere(course, media, tmp_path, monkeypatch):
    from cert_manager_plugin.rendering import pdf

    CertificateFactory.create_batch(2)

    def broken(self, mode, page):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pdf.StreamingCertificatePdf, "add_page", broken)
    with pytest.raises(RuntimeError):
        export.run_export_job(job(format="pdf"), None)
    assert files_under(media) == [] and files_under(tmp_path / "tmp") == []


def test_a_storage_that_refuses_the_file_leaves_no_temporary_file(course, tmp_path, monkeypatch):
    CertificateFactory()

    def refuse(name, content, max_length=None):
        raise OSError("bucket unreachable")

    monkeypatch.setattr(default_storage, "save", refuse)
    with pytest.raises(OSError):
        export.run_export_job(job(format="pdf"), None)
    assert files_under(tmp_path / "tmp") == []


def test_deprecated_export_dir_still_works_and_warns_once(course, settings, tmp_path, media, caplog):
    export.warn_export_dir_deprecated.cache_clear()
    settings.CERT_MANAGER_EXPORT_DIR = str(tmp_path / "old-exports")
    CertificateFactory.create_batch(2)
    with caplog.at_level(logging.WARNING, logger="cert_manager_plugin.rendering.export"):
        first = export.run_export_job(job(format="pdf"), None)
        export.run_export_job(job(format="zip"), None)
    warnings = [r.message for r in caplog.records if "CERT_MANAGER_EXPORT_DIR is deprecated" in r.message]
    assert len(warnings) == 1
    assert first["storage"] == export.EXPORT_DIR_STORAGE
    path = tmp_path / "old-exports" / first["file"]
    assert path.is_file() and len(PdfReader(str(path)).pages) == 2
    assert files_under(media) == []
    stored = api.stored_export(first)
    assert stored.exists() and stored.local_path() == str(path)


def test_stored_export_reads_results_old_and_new(settings, tmp_path):
    assert api.stored_export(None) is None and api.stored_export({"count": 0}) is None
    assert api.stored_export({"file": "relative/without/storage.pdf"}) is None
    old = tmp_path / "certificates.pdf"
    old.write_bytes(b"%PDF-1.4 old")
    stored = api.stored_export({"file": str(old), "filename": "c.pdf"})  # written before the storage API
    assert (stored.name, stored.filename, stored.content_type) == ("certificates.pdf", "c.pdf", "application/pdf")
    assert stored.exists() and stored.local_path() == str(old)
    missing = api.stored_export({"file": "cert_manager/exports/x/1-ab.zip", "storage": "default"})
    assert not missing.exists() and missing.content_type == "application/zip"
    with pytest.raises(errors.NotFound):
        api.stored_export({"file": "x.pdf", "storage": "no-such-storage"})
    with pytest.raises(errors.NotFound):  # the deprecated directory was unset since
        api.stored_export({"file": "x.pdf", "storage": export.EXPORT_DIR_STORAGE})


def test_pages_are_grouped_by_design_version_and_mode_each_static_layer_drawn_once(course, monkeypatch):
    from cert_manager_plugin.designs.models import DesignVersion
    from cert_manager_plugin.rendering import pdf_writer

    first = DesignVersion.objects.create(
        course_key=COURSE_KEY, number=1, document={"base": "classic", "blocks": {"title": "First Look"}}
    )
    second = DesignVersion.objects.create(
        course_key=COURSE_KEY,
        number=2,
        document={"base": "modern", "blocks": {"title": "Second Look", "intro": "Hello {learner_name}"}},
    )
    for i in range(3):
        CertificateFactory(design_version=first, name=f"First {i}")
        CertificateFactory(design_version=second, name=f"Second {i}")
    CertificateFactory(design_version=second, mode="honor", name="Honor Second")
    CertificateFactory(name="No Design")
    drawn = []
    original = pdf_writer.draw_static_layer

    def counting(c, layout, *args, **kwargs):
        drawn.append(getattr(layout, "design_key", "") or layout.course_id)
        return original(c, layout, *args, **kwargs)

    monkeypatch.setattr(pdf_writer, "draw_static_layer", counting)
    result = export.run_export_job(job(format="pdf"), None)
    assert result["count"] == 8
    assert len(drawn) == len(set(drawn)) == 4, "v1 verified, v2 verified, v2 honor, no design: each drawn once"
    reader = PdfReader(local(result))
    for page in reader.pages:
        text = page.extract_text()
        if "First " in text:
            assert "FIRST LOOK" in text and "Second Look" not in text
        elif "Second" in text:
            assert "Second Look" in text and "Hello " in text and "FIRST LOOK" not in text
        else:
            assert "No Design" in text and "CERTIFICATE OF ACHIEVEMENT" in text


def test_a_zip_export_prints_each_certificate_with_its_design(course):
    from cert_manager_plugin.designs.models import DesignVersion

    designed = DesignVersion.objects.create(
        course_key=COURSE_KEY, number=1, document={"base": "minimal", "blocks": {"footer": "Awarded {issue_date}"}}
    )
    CertificateFactory(design_version=designed, name="With Design")
    CertificateFactory(name="Without Design")
    result = export.run_export_job(job(format="zip"), None)
    with zipfile.ZipFile(local(result)) as archive:
        texts = [PdfReader(io.BytesIO(archive.read(n))).pages[0].extract_text() for n in archive.namelist()]
    [with_design] = [t for t in texts if "With Design" in t]
    [without] = [t for t in texts if "Without Design" in t]
    assert "Awarded " in with_design and "Awarded " not in without


def test_an_export_with_a_design_in_arabic_announces_its_wording_to_the_fonts(course, settings, caplog):
    from cert_manager_plugin.designs.models import DesignVersion

    settings.LANGUAGE_CODE = "ar"
    designed = DesignVersion.objects.create(
        course_key=COURSE_KEY,
        number=1,
        document={"base": "modern", "blocks": {"intro": "نشهد بأن {learner_name} أتم الدورة", "title": "شهادة"}},
    )
    CertificateFactory(design_version=designed, name="محمد علي")
    CertificateFactory(design_version=designed, name="Zoë Ågren")
    with caplog.at_level(logging.WARNING):
        result = export.run_export_job(job(format="pdf"), None)
    assert "not announced" not in caplog.text, "every character of the per-page blocks has its glyph"
    assert result["count"] == 2


def test_an_english_block_naming_learners_in_any_script_has_every_glyph(course, caplog):
    from cert_manager_plugin.designs.models import DesignVersion

    designed = DesignVersion.objects.create(
        course_key=COURSE_KEY, number=1, document={"base": "classic", "blocks": {"intro": "Well done, {learner_name}!"}}
    )
    for name in ("محمد علي", "Zoë Ågren", "李小龍"):
        CertificateFactory(design_version=designed, name=name)
    with caplog.at_level(logging.WARNING):
        result = export.run_export_job(job(format="pdf"), None)
    assert "not announced" not in caplog.text
    texts = [page.extract_text() for page in PdfReader(local(result)).pages]
    assert any("Well done, Zoë Ågren!" in text for text in texts)
