"""Export jobs: one PDF with a page per certificate, or a ZIP of per-learner PDFs, with progress."""

import io
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from cert_manager_plugin import errors
from cert_manager_plugin.rendering import export
from tests.factories import CertificateFactory, GenerationJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.CERT_MANAGER_EXPORT_DIR = str(tmp_path / "exports")
    return tmp_path / "exports"


def job(**options):
    return GenerationJobFactory(kind="export", state="running", params={"options": options})


def test_pdf_export_has_one_page_per_downloadable_certificate(course, export_dir, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_BATCH", 2)
    issued = CertificateFactory.create_batch(5)
    CertificateFactory(status="notpassing")
    calls = []
    result = export.run_export_job(job(format="pdf"), lambda done, total: calls.append((done, total)))
    path = Path(result["file"])
    assert path.parent == export_dir and path.is_file()
    assert result["count"] == 5 and result["bytes"] == path.stat().st_size
    assert result["content_type"] == "application/pdf" and result["filename"].endswith(".pdf")
    reader = PdfReader(str(path))
    assert len(reader.pages) == 5
    text = "".join(p.extract_text() for p in reader.pages)
    assert all(c.name in text for c in issued)
    assert calls[0] == (0, 5) and (2, 5) in calls and (4, 5) in calls and calls[-1] == (5, 5)
    assert not list(export_dir.glob("*.part"))


def test_zip_export_has_one_pdf_per_learner(course):
    certs = CertificateFactory.create_batch(3)
    result = export.run_export_job(job(format="zip"), None)
    assert result["content_type"] == "application/zip" and result["count"] == 3
    with zipfile.ZipFile(result["file"]) as archive:
        names = archive.namelist()
        assert len(names) == 3
        assert {n.split("_")[0] for n in names} == {c.user.username for c in certs}
        for name in names:
            assert len(PdfReader(io.BytesIO(archive.read(name))).pages) == 1


def test_status_filter_option(course):
    CertificateFactory.create_batch(2)
    CertificateFactory.create_batch(3, status="notpassing")
    result = export.run_export_job(job(format="pdf", statuses=["notpassing"]), None)
    assert result["count"] == 3 and len(PdfReader(result["file"]).pages) == 3
    result = export.run_export_job(job(format="pdf", status="downloadable,notpassing"), None)
    assert result["count"] == 5


def test_empty_export_is_still_a_valid_pdf(course):
    result = export.run_export_job(job(format="pdf"), None)
    assert result["count"] == 0 and len(PdfReader(result["file"]).pages) == 1


def test_bad_options_are_refused(course):
    with pytest.raises(errors.InvalidInput):
        export.run_export_job(job(format="docx"), None)
    with pytest.raises(errors.InvalidInput):
        export.run_export_job(job(statuses=["bogus"]), None)


def test_default_dir_is_under_media_root(settings, tmp_path):
    settings.CERT_MANAGER_EXPORT_DIR = None
    settings.MEDIA_ROOT = str(tmp_path / "media")
    assert export.export_dir() == tmp_path / "media" / "cert_manager" / "exports"


def test_streamed_pdf_is_well_formed_and_prints_any_script(course):
    import shutil
    import subprocess

    CertificateFactory(name="Дмитрий Иванов")
    CertificateFactory(name="李小龍")
    CertificateFactory(name="Zoë Ågren")
    result = export.run_export_job(job(format="pdf"), None)
    reader = PdfReader(result["file"])
    text = [p.extract_text() for p in reader.pages]
    assert sorted(n for n in ("Дмитрий Иванов", "Zoë Ågren") if any(n in t for t in text)) == [
        "Zoë Ågren",
        "Дмитрий Иванов",
    ]
    if shutil.which("qpdf"):
        subprocess.run(["qpdf", "--check", result["file"]], check=True, capture_output=True)
    if shutil.which("pdftoppm"):
        out = subprocess.run(["pdftoppm", "-r", "20", "-png", result["file"]], capture_output=True, check=True)
        assert out.stdout.startswith(b"\x89PNG")


def test_each_mode_gets_its_template_and_long_names_shrink(course, settings, tmp_path):
    from django.core.files.base import ContentFile

    from cert_manager_plugin.models import CertificateTemplate
    from tests.test_rendering_pdf import background_pdf

    settings.MEDIA_ROOT = str(tmp_path / "media")
    honor = CertificateTemplate.objects.create(name="honor", mode="honor")
    honor.background_pdf.save("honor.pdf", ContentFile(background_pdf("Honor Code Seal")))
    CertificateFactory(mode="verified", name="Verified Learner")
    CertificateFactory(mode="honor", name="W" * 60)
    reader = PdfReader(export.run_export_job(job(format="pdf"), None)["file"])
    by_name = {("Honor" if "WWWW" in p.extract_text() else "Verified"): p for p in reader.pages}
    assert "Honor Code Seal" in by_name["Honor"].extract_text()
    assert "Honor Code Seal" not in by_name["Verified"].extract_text()
    content = by_name["Honor"].get_contents().get_data()
    size = float(content.split(b"Tf (" + b"W" * 60)[0].split()[-1])
    assert size < 34, "a long name is set smaller so it fits the page"
