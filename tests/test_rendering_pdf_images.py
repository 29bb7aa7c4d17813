"""Images a certificate PDF prints are read from local storage only; anything else is skipped and logged."""

import logging

import pytest
from PIL import Image

from cert_manager_plugin.rendering import pdf_images

#: The largest side an image is prepared at here: more than any test image has, so sizes stay as they are.
SIDE = 1000


def size(image: pdf_images.PreparedImage | None) -> tuple[int, int] | None:
    """A prepared image's pixels (None when it could not be read)."""
    return (image.width, image.height) if image is not None else None


@pytest.fixture(autouse=True)
def roots(settings, tmp_path):
    media, static = tmp_path / "media", tmp_path / "static_dir"
    media.mkdir()
    static.mkdir()
    settings.MEDIA_ROOT, settings.MEDIA_URL = str(media), "/media/"
    settings.STATICFILES_DIRS = [str(static)]
    Image.new("RGB", (40, 20), (0, 0, 255)).save(media / "logo.png")
    Image.new("RGB", (40, 20), (255, 0, 0)).save(static / "sig.png")
    pdf_images.clear_image_cache()
    yield tmp_path
    pdf_images.clear_image_cache()


def test_media_and_static_urls_are_read_from_their_storage(roots):
    assert size(pdf_images.prepare_image("/media/logo.png", SIDE)) == (40, 20)
    assert size(pdf_images.prepare_image("/static/sig.png", SIDE)) == (40, 20), "through the static files finders"
    ours = "https://lms.example.org/media/logo.png"
    assert pdf_images.prepare_image(ours, SIDE) is not None, "our path, read locally"


def test_a_local_path_is_read_only_inside_the_storage_roots(roots, tmp_path):
    assert pdf_images.prepare_image(str(roots / "media" / "logo.png"), SIDE) is not None
    outside = tmp_path / "elsewhere.png"
    Image.new("RGB", (4, 4)).save(outside)
    assert pdf_images.prepare_image(str(outside), SIDE) is None
    assert pdf_images.prepare_image("/media/../elsewhere.png", SIDE) is None, "no way out of the storage"


@pytest.mark.parametrize(
    "url", ["https://images.example.com/logo.png", "//cdn.example.com/x.png", "data:image/png;base64,AAAA", ""]
)
def test_anything_else_is_skipped_with_a_warning_never_fetched(url, caplog):
    with caplog.at_level(logging.WARNING, logger="cert_manager_plugin.rendering.pdf_images"):
        assert pdf_images.prepare_image(url, SIDE) is None
    if url:
        assert "skips the image" in caplog.text


def test_a_file_that_is_not_an_image_or_is_too_large_is_skipped(roots, settings, monkeypatch, caplog):
    (roots / "media" / "notes.png").write_bytes(b"not an image")
    with caplog.at_level(logging.WARNING):
        assert pdf_images.prepare_image("/media/notes.png", SIDE) is None
    assert "not an image" in caplog.text
    monkeypatch.setattr(pdf_images, "MAX_IMAGE_BYTES", 10)
    assert pdf_images.prepare_image("/media/logo.png", SIDE) is None


def test_a_course_asset_is_read_through_the_adapter_from_the_lms_store(monkeypatch):
    import io

    from cert_manager_plugin.lms import StandaloneBackend

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG")
    asked = []

    def course_asset(self, url):
        asked.append(url)
        return buffer.getvalue()

    monkeypatch.setattr(StandaloneBackend, "course_asset", course_asset)
    quoted = "/static/asset-v1%3AOrg%2BC%2BR%2Btype%40asset%2Bblock%40sig.png"  # staticfiles_storage.url of it
    assert size(pdf_images.prepare_image(quoted, SIDE)) == (8, 8)
    assert asked == [quoted]
    monkeypatch.undo()
    pdf_images.clear_image_cache()
    assert pdf_images.prepare_image(quoted, SIDE) is None, "standalone: no course asset store"


DESIGN = "cert_manager/designs/0123456789abcdef"


def _stored(roots, name: str, image: Image.Image, fmt: str) -> str:
    path = roots / "media" / DESIGN / name
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, fmt)
    return f"{DESIGN}/{name}"


def test_a_design_asset_is_prepared_once_scaled_down_and_keeps_its_transparency(roots):
    logo = Image.new("RGBA", (3000, 1000), (200, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (0, 0, 1500, 1000))
    name = _stored(roots, "logo.png", logo, "PNG")
    prepared = pdf_images.prepare_stored_image(name, 600)
    assert (prepared.width, prepared.height) == (600, 200), "scaled down once, aspect kept"
    assert b"/ColorSpace /DeviceRGB" in prepared.head and prepared.alpha is not None, "a soft mask"
    assert b"/ColorSpace /DeviceGray" in prepared.alpha[0]
    assert pdf_images.prepare_stored_image(name, 600) is prepared, "cached: not decoded again for the next PDF"


def test_a_small_jpeg_is_embedded_as_it_is_and_an_opaque_png_has_no_mask(roots):
    jpeg = _stored(roots, "paper.jpg", Image.new("RGB", (50, 40), (250, 240, 220)), "JPEG")
    prepared = pdf_images.prepare_stored_image(jpeg, 600)
    assert b"/Filter /DCTDecode" in prepared.head
    assert prepared.stream == (roots / "media" / jpeg).read_bytes()
    png = _stored(roots, "flat.png", Image.new("RGB", (50, 40)), "PNG")
    assert pdf_images.prepare_stored_image(png, 600).alpha is None


def test_a_prepared_image_is_one_object_in_a_document_however_often_drawn(roots):
    import io

    from pypdf import PdfReader
    from reportlab.pdfgen.canvas import Canvas

    prepared = pdf_images.prepare_stored_image(_stored(roots, "l.png", Image.new("RGB", (80, 40)), "PNG"), 600)
    buffer = io.BytesIO()
    c = Canvas(buffer)
    for y in (100, 300):
        pdf_images.draw_prepared(c, prepared, (100, y, 200, 50))
    c.showPage()
    c.save()
    data = buffer.getvalue()
    assert data.count(b"/Subtype /Image") == 1
    image = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/XObject"][f"/FormXob.{prepared.key}"]
    assert image.decode_as_image().size == (80, 40), "a well-formed image object"
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()
    assert content.count(b" Do") == 2 and b"q 100.000 0 0 50.000 150.000 100.000 cm" in content, "fitted, centred"


def test_only_design_assets_are_read_by_name(roots, caplog):
    assert pdf_images.prepare_stored_image("logo.png", SIDE) is None, "a media file outside the designs' folder"
    assert pdf_images.prepare_stored_image(f"{DESIGN}/../../../logo.png", 600) is None
    assert pdf_images.prepare_stored_image(_stored(roots, "ok.png", Image.new("RGB", (4, 4)), "PNG"), SIDE) is not None
    assert "not a design asset" in caplog.text


def test_a_transparent_logo_is_drawn_with_its_soft_mask(roots):
    import io

    from pypdf import PdfReader
    from reportlab.pdfgen.canvas import Canvas

    logo = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    logo.paste((0, 90, 200, 255), (0, 0, 20, 20))
    prepared = pdf_images.prepare_stored_image(_stored(roots, "t.png", logo, "PNG"), 600)
    buffer = io.BytesIO()
    c = Canvas(buffer)
    pdf_images.draw_prepared(c, prepared, (0, 0, 100, 50))
    c.showPage()
    c.save()
    image = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]["/Resources"]["/XObject"][f"/FormXob.{prepared.key}"]
    mask = image["/SMask"].get_object()
    assert mask["/ColorSpace"] == "/DeviceGray" and (mask["/Width"], mask["/Height"]) == (40, 20)
