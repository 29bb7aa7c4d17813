"""Certificate PDFs: content, grade policy, QR code, names in any script in both writers, template choice."""

import dataclasses
import io
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import pytest
from django.utils import translation
from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from cert_manager_plugin import api
from cert_manager_plugin.models import CertificateTemplate, CourseCertificateSettings
from cert_manager_plugin.rendering import pdf, pdf_background, qr
from cert_manager_plugin.rendering.templates import course_layout, format_date, format_grade, template_for
from tests.factories import COURSE_KEY, CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.org"
    pdf_background._bg_cache.clear()


def background_pdf(label: str = "ACME Background Seal") -> bytes:
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=pdf.PAGE_SIZE)
    c.setFillColorRGB(0.9, 0.85, 0.7)
    c.rect(0, 0, pdf.PAGE_SIZE[0], pdf.PAGE_SIZE[1], fill=1, stroke=0)
    c.setFont("Times-Bold", 18)
    c.drawString(40, 560, label)
    c.showPage()
    c.save()
    return buffer.getvalue()


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def qr_modules(data: bytes) -> set[tuple[int, int]]:
    """The dark modules drawn by the page's QR operator block."""
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    block = re.search(r"q 0 g [\d.]+ 0 0 [\d.]+ [\d.]+ [\d.]+ cm\n(.*?)\nf Q", content, re.S)
    assert block, "no QR drawing on the page"
    numbers = block.group(1).split()
    modules = set()
    for i in range(0, len(numbers), 5):
        x, y, w = int(numbers[i]), int(numbers[i + 1]), int(numbers[i + 2])
        modules.update((y, x + k) for k in range(w))
    return modules


def test_pdf_has_name_course_date_and_grade(course):
    cert = CertificateFactory(user=UserFactory(first_name="Bilbo", last_name="Baggins"), grade=0.95)
    data = api.render_certificate_pdf(cert)
    assert data.startswith(b"%PDF")
    text = text_of(data)
    assert "Bilbo Baggins" in text
    assert "Certificates 101" in text
    assert "Grade: 95%" in text
    assert str(cert.issued_date.year) in text
    assert f"https://lms.example.org/cert_manager/certificates/{cert.verify_uuid}/" in text
    name = api.display_names([cert.user_id])[cert.user_id]  # inside the LMS: the profile's name
    assert PdfReader(io.BytesIO(data)).metadata.title == f"Certificate of {name}: Certificates 101"


def test_grade_is_printed_only_when_the_course_says_so(course):
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, print_grade=False)
    cert = CertificateFactory(grade=0.87)
    text = text_of(api.render_certificate_pdf(cert)).replace(str(cert.verify_uuid), "")  # a uuid may hold "87"
    assert "Grade" not in text and "87" not in text


def test_qr_code_encodes_the_verify_url(course):
    cert = CertificateFactory()
    data = api.render_certificate_pdf(cert)
    url = f"https://lms.example.org/cert_manager/certificates/{cert.verify_uuid}/"
    code = qr.encode(url)
    expected = {(code.size - 1 - r, c) for r, row in enumerate(code.rows) for c, ch in enumerate(row) if ch == "1"}
    assert qr_modules(data) == expected


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler and zbar")
def test_qr_code_scans(course, tmp_path):
    cert = CertificateFactory()
    (tmp_path / "c.pdf").write_bytes(api.render_certificate_pdf(cert))
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "c")], check=True)
    [png] = list(tmp_path.glob("c*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"https://lms.example.org/cert_manager/certificates/{cert.verify_uuid}/"


def test_non_latin_names_use_an_embedded_unicode_font(course):
    cert = CertificateFactory(name="Дмитрий Иванов")
    data = api.render_certificate_pdf(cert)
    assert "Дмитрий Иванов" in text_of(data)


def test_many_pages_share_one_static_layer(course):
    layout = course_layout(COURSE_KEY)
    buffer = io.BytesIO()
    pages = [pdf.PageData(f"Learner {i}", "May 1, 2026", "90%", f"https://x.org/{i}", str(i)) for i in range(30)]
    assert pdf.render_pages(layout, pages, buffer) == 30
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    assert len(reader.pages) == 30
    names = {tuple(p["/Resources"]["/XObject"].keys()) for p in reader.pages}
    assert len(names) == 1, "every page references the same static form"
    assert "Learner 29" in reader.pages[29].extract_text()


def test_template_choice_prefers_the_most_specific(course):
    generic = CertificateTemplate.objects.create(name="generic")
    org = CertificateTemplate.objects.create(name="org", organization="TestX")
    org_mode = CertificateTemplate.objects.create(name="org verified", organization="TestX", mode="verified")
    CertificateTemplate.objects.create(name="other org", organization="OtherX", mode="verified")
    CertificateTemplate.objects.create(name="inactive", course_key=COURSE_KEY, is_active=False)
    french = CertificateTemplate.objects.create(name="fr", course_key=COURSE_KEY, language="fr")
    assert template_for(COURSE_KEY, mode="verified", org="TestX", language="en") == org_mode
    assert template_for(COURSE_KEY, mode="honor", org="TestX", language="en") == org
    assert template_for(COURSE_KEY, mode="honor", org="NoneX", language="en") == generic
    assert template_for(COURSE_KEY, mode="honor", org="TestX", language="fr-ca") == french
    assert template_for(COURSE_KEY, mode="honor", org="TestX", course_template=generic) == generic


def test_format_grade():
    assert format_grade(0.855) == "85.5%"
    assert format_grade(1.0) == "100%"
    assert format_grade(None) is None


# --- names in any script, long names, hostile characters (issue 8, item 11) ----------------------------------

URL = "https://lms.example.org/cert_manager/certificates/7b0c3a36-2f5e-4c1a-9a39-5f7f0a6f6b1e/"
ARABIC = "محمد بن عبد الله"
PERSIAN = "می\u200cخواهم"  # noqa: RUF001 - with a ZWNJ between the letters
BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


@dataclass(frozen=True)
class Shown:
    """One text-showing operation of a page: its text (as extracted), extent and font."""

    text: str
    x0: float
    x1: float
    y: float
    size: float
    font: str


def _metrics_font(base_font: str) -> str:
    """The ReportLab font whose metrics a PDF font has: a standard font, or the registered TrueType font."""
    name = str(base_font).lstrip("/").split("+", 1)[-1]
    for registered in pdfmetrics.getRegisteredFontNames():
        font = pdfmetrics.getFont(registered)
        if registered == name or (getattr(font, "_dynamicFont", 0) and font.face.name.decode() == name):
            return registered
    raise AssertionError(f"unknown font {base_font}")


def shown_text(data: bytes, page_number: int = 0) -> list[Shown]:
    """
    Every text run of a page with its position (pypdf's visitor: the line's start; runs of one line follow
    each other, so each run starts where the previous one ended) and its width from the font's metrics.
    """
    page = PdfReader(io.BytesIO(data)).pages[page_number]
    shown: list[Shown] = []
    line = {"at": None, "advance": 0.0}

    def visit(text, cm, tm, font, size):
        if not text or not font or text == "\n":
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if line["at"] != (round(x, 2), round(y, 2)):
            line["at"], line["advance"] = (round(x, 2), round(y, 2)), 0.0
        metrics = _metrics_font(font["/BaseFont"])
        width = pdfmetrics.stringWidth(text, metrics, size)
        start = x + line["advance"]
        shown.append(Shown(text, start, start + width, y, size, metrics))
        line["advance"] += width

    page.extract_text(visitor_text=visit)
    return shown


def name_lines(data: bytes, page_number: int = 0) -> list[str]:
    """The learner-name lines of a page (between the intro line and the gold rule), top to bottom."""
    height = float(PdfReader(io.BytesIO(data)).pages[page_number].mediabox.height)
    lines: dict[float, str] = {}
    for run in shown_text(data, page_number):
        if height * 0.525 < run.y < height * 0.65:
            lines[round(run.y, 1)] = lines.get(round(run.y, 1), "") + run.text
    return [lines[y] for y in sorted(lines, reverse=True)]


def assert_inside_the_page(data: bytes, page_number: int = 0, margin: float = 24) -> list[Shown]:
    """Every run starts and ends inside the page's border, and sits between its top and bottom."""
    box = PdfReader(io.BytesIO(data)).pages[page_number].mediabox
    width, height = float(box.width), float(box.height)
    shown = shown_text(data, page_number)
    assert shown
    for run in shown:
        assert margin <= run.x0 <= run.x1 <= width - margin, run
        assert margin <= run.y - run.size * 0.25 and run.y + run.size * 0.95 <= height - margin, run
    return shown


def render_one(name: str) -> bytes:
    """The one-page writer (``render_certificate_pdf``'s) with ``name``."""
    buffer = io.BytesIO()
    pdf.render_pages(course_layout(COURSE_KEY), [pdf.PageData(name, "May 1, 2026", "95%", URL, "id-1")], buffer)
    return buffer.getvalue()


def render_streamed(names: list[str], tmp_path) -> list[bytes]:
    """The export's streaming writer, one page per name; each page returned as a one-page PDF of its own."""
    path = tmp_path / "streamed.pdf"
    writer = pdf.StreamingCertificatePdf(str(path), {"": course_layout(COURSE_KEY)}, unicode_names=names)
    for name in names:
        writer.add_page("", pdf.PageData(name, "May 1, 2026", "95%", URL, "id-1"))
    writer.close()
    reader = PdfReader(str(path))
    pages = []
    for page in reader.pages:
        out = PdfWriter()
        out.add_page(page)
        buffer = io.BytesIO()
        out.write(buffer)
        pages.append(buffer.getvalue())
    return pages


def rendered(writer: str, names: list[str], tmp_path) -> list[bytes]:
    return [render_one(n) for n in names] if writer == "page" else render_streamed(names, tmp_path)


PRINTED = [
    ("李小龍", "李小龍"),
    ("김민준", "김민준"),
    ("田中 太郎", "田中 太郎"),
    ("Дмитрий Иванов", "Дмитрий Иванов"),
    ("Zoë 🌸 Ågren 👩\u200d👩\u200d👧 🇫🇷", "Zoë Ågren"),  # emoji, ZWJ sequences, flags: removed
    ("1\ufe0f\u20e3 Łukasz 🤷🏽\u200d♀️", "1 Łukasz"),  # keycap, skin tone, gender sign sequence
    ("Bob\x00\x07 Smith\u202e\tJr\r\n\x7f\u200b", "Bob Smith Jr"),  # control and format characters
    ("Anne\u2028Marie\xa0 O\u2019Brien", "Anne Marie O\u2019Brien"),
]


@pytest.mark.parametrize("writer", ["page", "export"])
def test_names_in_any_script_print_as_their_text_with_no_emoji_or_control_characters(course, writer, tmp_path):
    pages = rendered(writer, [name for name, _printed in PRINTED], tmp_path)
    for (name, printed), data in zip(PRINTED, pages, strict=True):
        assert name_lines(data) == [printed], name
        text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert not [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Co", "Cn") and c != "\n"], name
        assert "\ufffd" not in text and "🌸" not in text
        assert_inside_the_page(data)


@pytest.mark.parametrize("writer", ["page", "export"])
def test_cjk_names_embed_the_bundled_cjk_font(course, writer, tmp_path):
    [data] = rendered(writer, ["李小龍 김민준"], tmp_path)
    drawn = {run.text.strip(): run.font for run in shown_text(data) if run.text.strip()}
    assert drawn["李小龍"].endswith("-NotoSansCJKsc-Regular-subset") and drawn["김민준"] == drawn["李小龍"]


def test_every_character_of_a_name_has_a_glyph_in_the_font_that_draws_it(course):
    names = [name for name, _printed in PRINTED] + [
        ARABIC,
        "فاطمة الزهراء",
        PERSIAN,
        "שלום כהן",
        "Nguyễn Văn Ất",
    ]
    for name in names:
        block = pdf.fit_text(name, max_width=600, size=34, min_size=20, bold=True, max_height=60)
        for line in block.lines:
            for font, text, _fake in line.runs:
                face = getattr(pdfmetrics.getFont(font), "face", None)
                if getattr(pdfmetrics.getFont(font), "_dynamicFont", 0):
                    missing = [c for c in text if ord(c) not in face.charToGlyph and c != "\xa0"]
                    assert not missing, (name, font, missing)
                else:
                    text.encode("cp1252")  # a standard font: WinAnsi


def logical(word: str) -> str:
    """An extracted Arabic word as letters (NFKC undoes the presentation forms), in logical order."""
    return unicodedata.normalize("NFKC", word)


@pytest.mark.parametrize("writer", ["page", "export"])
def test_arabic_is_shaped_and_set_right_to_left(course, writer, tmp_path):
    [data] = rendered(writer, [ARABIC], tmp_path)
    runs = [run.text for run in shown_text(data) if run.text.strip() and run.font.endswith("NotoSansArabic-Bold")]
    # Shaped: the letters are the contextual forms (initial meem, final dal, the Allah ligature), not the
    # isolated letters that print unjoined.
    drawn = "".join(runs)
    assert "\ufee3" in drawn and "\ufeaa" in drawn and "\ufdf2" in drawn
    assert not set(drawn) & set(ARABIC.replace(" ", ""))
    # Right to left: the words are drawn from the left edge starting with the last one. (pypdf gives each
    # word's letters back in logical order; either order of letters is accepted within a word.)
    words = [logical(w) if logical(w) in ARABIC.split() else logical(w[::-1]) for w in runs]
    assert words == list(reversed(ARABIC.split()))
    assert_inside_the_page(data)
    if shutil.which("pdftotext"):  # a reader's view: poppler puts the right-to-left text back in logical order
        path = tmp_path / "arabic.pdf"
        path.write_bytes(data)
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert ARABIC in unicodedata.normalize("NFKC", out.translate(BIDI_MARKS))


@pytest.mark.parametrize("writer", ["page", "export"])
def test_hebrew_is_set_right_to_left(course, writer, tmp_path):
    [data] = rendered(writer, ["שלום כהן"], tmp_path)
    runs = [run.text for run in shown_text(data) if run.text.strip() and run.font.endswith("NotoSansHebrew-Bold")]
    words = [w if w in ("שלום", "כהן") else w[::-1] for w in runs]
    assert words == ["כהן", "שלום"]


LONG = {
    "fits": "Maria Anna Sophia Wilhelmina von Hohenzollern",  # shrunk onto one line
    "words": "Hubert Blaine Wolfeschlegelsteinhausenbergerdorff " * 6,  # wrapped at spaces
    "300": "W" * 300,  # one word: wrapped anywhere
    "cjk": "李" * 200,
    "arabic": "فاطمة الزهراء " * 20,
    "absurd": "Mary Smith " * 500,  # more than fits at the smallest size: cut with an ellipsis
}


@pytest.mark.parametrize("writer", ["page", "export"])
def test_long_names_are_shrunk_then_wrapped_and_stay_inside_the_page(course, writer, tmp_path):
    pages = dict(zip(LONG, rendered(writer, list(LONG.values()), tmp_path), strict=True))
    for key, data in pages.items():
        shown = assert_inside_the_page(data, margin=32)  # inside the gold frame
        height = float(PdfReader(io.BytesIO(data)).pages[0].mediabox.height)
        name = [run for run in shown if height * 0.525 < run.y < height * 0.65]
        other = [run for run in shown if run not in name]
        # the name stays between the intro line and the gold rule, clear of every other text
        intro = next(run for run in other if run.text == "This is to certify that")
        for run in name:
            assert height * 0.525 < run.y - 0.25 * run.size and run.y + 0.95 * run.size < intro.y - 0.25 * intro.size
        sizes = {round(run.size, 2) for run in name}
        lines = name_lines(data)
        assert len(sizes) == 1, key
        if key == "fits":
            assert lines == [LONG["fits"]] and pdf.NAME_MIN_SIZE <= sizes.pop() < pdf.NAME_SIZE
            continue
        assert len(lines) > 1 and sizes.pop() <= pdf.NAME_MIN_SIZE, key
        if key == "absurd":
            assert lines[-1].endswith("\u2026") and " ".join(lines).startswith("Mary Smith Mary Smith")
        elif key in ("300", "cjk"):
            assert "".join(lines) == LONG[key].strip()
        elif key == "words":
            assert " ".join(lines) == LONG[key].strip()


def test_course_names_and_organizations_are_cleaned_and_fit_too(course):
    # The renderer is under test, so the course name is handed to it in the layout, the same on every database:
    # through StandaloneCourse.display_name, PostgreSQL would refuse its NUL and MariaDB its 295 characters
    # (the column holds 255). A course name from the LMS reaches the renderer the same way, in a CourseLayout.
    layout = dataclasses.replace(
        course_layout(COURSE_KEY), course_name="Introduction to \x00Computational Thinking 🧠 and Data Science " * 5
    )
    data = api.render_certificate_pdf(CertificateFactory(), layout=layout)
    shown = assert_inside_the_page(data, margin=32)
    course_text = " ".join(run.text for run in shown if "Introduction" in run.text or "Thinking" in run.text)
    assert "\x00" not in course_text and "🧠" not in course_text and "Computational Thinking and" in course_text


def test_the_unicode_font_setting_comes_first(course, settings):
    import reportlab

    settings.CERT_MANAGER_PDF_UNICODE_FONT = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")
    pdf.reset_fonts()
    try:
        [run] = [r for r in shown_text(render_one("Łukasz Nowak")) if "Łukasz" in r.text]
        assert run.font.endswith("-Vera")
        [cjk] = [r for r in shown_text(render_one("李小龍")) if r.text == "李小龍"]
        assert cjk.font.endswith("-NotoSansCJKsc-Regular-subset")  # what Vera lacks comes from the bundled fonts
    finally:
        pdf.reset_fonts()


@pytest.mark.parametrize(("language", "month"), [("ru", "мая"), ("ar", "مايو"), ("zh-hans", "5月")])
def test_the_date_line_prints_in_the_active_language_in_both_writers(course, tmp_path, language, month):
    """The export writer fixes its fonts before the first page: the month names of the language are in them."""
    with translation.override(language):
        page = pdf.PageData("Bob", format_date(datetime(2026, 5, 1)), "95%", URL, "id-1")
        one = io.BytesIO()
        pdf.render_pages(course_layout(COURSE_KEY), [page], one)
        path = tmp_path / "streamed.pdf"
        writer = pdf.StreamingCertificatePdf(str(path), {"": course_layout(COURSE_KEY)})
        writer.add_page("", page)
        writer.close()
    for data in (one.getvalue(), path.read_bytes()):
        height = float(PdfReader(io.BytesIO(data)).pages[0].mediabox.height)
        line = [run.text for run in shown_text(data) if abs(run.y - height * 0.25) < 1]
        text = unicodedata.normalize("NFKC", " ".join(line))
        assert month in text.replace(" ", "") or month[::-1] in text, line  # genitive in Russian
        # after Arabic words the digits are an Arabic number (bidi rule W2): the sign shows on their left, "%95"
        assert "2026" in text and ("95%" in text.split() or (language == "ar" and "%95" in text.split()))


def test_an_unusable_unicode_font_setting_falls_back_to_the_bundled_fonts(course, settings, tmp_path, caplog):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    settings.CERT_MANAGER_PDF_UNICODE_FONT = str(broken)
    pdf.reset_fonts()
    try:
        assert name_lines(render_one("李小龍 Łukasz")) == ["李小龍 Łukasz"]
        assert "cannot use the TrueType font" in caplog.text
        settings.CERT_MANAGER_PDF_UNICODE_FONT = str(tmp_path / "missing.ttf")
        pdf.reset_fonts()
        assert name_lines(render_one("Łukasz")) == ["Łukasz"]
    finally:
        pdf.reset_fonts()


def test_relative_links_are_refused_and_an_empty_document_is_no_pdf(course, settings):
    settings.CERT_MANAGER_BASE_URL = ""
    with pytest.raises(ValueError, match="absolute verify URL"):
        api.render_certificate_pdf(CertificateFactory())  # no base URL, no request
    with pytest.raises(ValueError, match="absolute verify URL"):
        render_one_url("/cert_manager/certificates/x/")
    with pytest.raises(ValueError, match="at least one"):
        pdf.render_pages(course_layout(COURSE_KEY), [], io.BytesIO())


def render_one_url(url: str) -> bytes:
    buffer = io.BytesIO()
    pdf.render_pages(course_layout(COURSE_KEY), [pdf.PageData("A B", "May 1, 2026", None, url, "id")], buffer)
    return buffer.getvalue()


@pytest.fixture
def signing(settings):
    """A demo signing key (credentials are signed)."""
    from cert_manager_plugin.credentials import keys

    settings.CERT_MANAGER_VC_DEMO_KEY = True
    keys.forget_loaded_keys()
    return settings


def attachments(data: bytes) -> dict[str, list[bytes]]:
    """The files a PDF carries, by name (pypdf reads the ``/EmbeddedFiles`` name tree)."""
    return PdfReader(io.BytesIO(data)).attachments


def test_the_learners_pdf_carries_the_signed_credential_as_an_associated_file(course, signing):
    import json

    from cert_manager_plugin.credentials import api as credentials_api

    cert = CertificateFactory(grade=0.95)
    data = api.render_certificate_pdf(cert, with_credential=True)
    files = attachments(data)
    assert list(files) == ["credential.json"]
    carried = json.loads(files["credential.json"][0])
    assert carried == credentials_api.credential_for(cert.pk), "the kept signed credential of this revision"
    assert credentials_api.check_credential(carried)["state"] == "valid"
    catalog = PdfReader(io.BytesIO(data)).trailer["/Root"]
    (spec,) = [ref.get_object() for ref in catalog["/AF"]]
    assert spec["/AFRelationship"] == "/Data" and spec["/F"] == spec["/UF"] == "credential.json"
    assert "signed credential" in spec["/Desc"]
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application/vc" and stream["/Params"]["/Size"] == len(files["credential.json"][0])
    assert catalog["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in catalog, "still a tagged PDF"
    assert "Certificates 101" in text_of(data)


def test_no_credential_without_a_key_for_an_invalid_certificate_or_by_default(course, settings, signing):
    cert = CertificateFactory()
    assert attachments(api.render_certificate_pdf(cert)) == {}, "bulk and public PDFs carry none"
    invalid = CertificateFactory(status="notpassing", course_key="course-v1:TestX+Other+2026")
    assert attachments(api.render_certificate_pdf(invalid, with_credential=True)) == {}
    settings.CERT_MANAGER_VC_DEMO_KEY = False
    unsigned = api.render_certificate_pdf(CertificateFactory(user=UserFactory()), with_credential=True)
    assert attachments(unsigned) == {} and "/AF" not in PdfReader(io.BytesIO(unsigned)).trailer["/Root"]


def test_an_unreadable_key_file_leaves_the_credential_out_and_the_pdf_whole(course, settings, tmp_path, caplog):
    settings.CERT_MANAGER_VC_KEY_FILE = str(tmp_path / "missing.pem")
    data = api.render_certificate_pdf(CertificateFactory(), with_credential=True)
    assert attachments(data) == {} and "Certificates 101" in text_of(data)
    assert "could not be signed for its PDF" in caplog.text
