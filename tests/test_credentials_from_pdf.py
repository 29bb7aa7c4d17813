"""Reading the credential a PDF carries: the plugin's own PDFs, others' attachments, and what is refused."""

from __future__ import annotations

import io
import json
import time
import zlib

import pytest
from pypdf import PdfWriter

from cert_manager_plugin.credentials.from_pdf import UnreadablePdf, credential_text, is_pdf
from cert_manager_plugin.rendering import pdf
from cert_manager_plugin.rendering.templates import CourseLayout

LIMIT = 64 * 1024
LAYOUT = CourseLayout(
    course_id="course-v1:TestX+C101+2026", course_name="Certificates 101", org="TestX", print_grade=True
)
PAGE = pdf.PageData("Bilbo Baggins", "May 1, 2026", "95%", "https://lms.example.org/verify/", "id-1")


def written(*files: tuple[str, bytes, str]) -> bytes:
    """A certificate PDF from the plugin's writer carrying ``files`` (name, data, media type)."""
    buffer = io.BytesIO()
    writer = pdf.CertificatePdfWriter(buffer, title="A certificate")
    writer.add_page(LAYOUT, PAGE)
    for name, data, media in files:
        writer.attach(name, data, media, "a file")
    writer.close()
    return buffer.getvalue()


def pypdf_made(name: str, data: bytes, *, password: str | None = None) -> bytes:
    """A PDF made by another tool (pypdf) carrying one file."""
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_attachment(name, data)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_the_writers_attachment_is_read_back_byte_for_byte():
    document = json.dumps({"type": ["VerifiableCredential"], "name": "Cours d'été ✓"}, ensure_ascii=False)
    data = written(("credential.json", document.encode(), "application/vc"))
    assert is_pdf(data) and credential_text(data, max_bytes=LIMIT) == document


def test_credential_json_wins_over_other_files_then_the_media_type_then_any_json():
    both = written(("notes.json", b'"notes"', "application/json"), ("credential.json", b'"vc"', "application/vc"))
    assert credential_text(both, max_bytes=LIMIT) == '"vc"'
    typed = written(("notes.txt", b"notes", "text/plain"), ("badge.dat", b'"vc"', "application/vc"))
    assert credential_text(typed, max_bytes=LIMIT) == '"vc"'
    assert credential_text(pypdf_made("my-badge.jsonld", b'"vc"'), max_bytes=LIMIT) == '"vc"'
    assert credential_text(pypdf_made("photo.png", b"\x89PNG"), max_bytes=LIMIT) is None
    assert credential_text(written(), max_bytes=LIMIT) is None


def test_an_encrypted_pdf_says_so():
    with pytest.raises(UnreadablePdf, match="encrypted"):
        credential_text(pypdf_made("credential.json", b"{}", password="secret"), max_bytes=LIMIT)


def test_a_stream_inflating_past_the_limit_stops_at_the_limit_quickly():
    from cert_manager_plugin.credentials import from_pdf

    bomb = zlib.compress(b" " * 50_000_000, 9)  # 50 KB that would inflate to 50 MB
    start = time.perf_counter()
    with pytest.raises(UnreadablePdf, match="too large"):
        from_pdf._decoded("/FlateDecode", bomb, LIMIT)
    assert time.perf_counter() - start < 0.5, "inflated up to the limit only"
    assert from_pdf._decoded("/FlateDecode", zlib.compress(b"{}"), LIMIT) == "{}"
    assert from_pdf._decoded(None, b"\xef\xbb\xbf{}", LIMIT) == "{}", "stored as is, a byte order mark dropped"


@pytest.mark.parametrize("data", [b"", b"GIF89a", b"%PD", b"x" * 2000 + b"%PDF-1.7"])
def test_what_is_not_a_pdf_is_refused(data):
    with pytest.raises(UnreadablePdf, match="not a PDF"):
        credential_text(data, max_bytes=LIMIT)
