"""Images a certificate PDF prints are read from local storage only; anything else is skipped and logged."""

import logging

import pytest
from PIL import Image

from cert_manager_plugin.rendering import pdf_images


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
    assert pdf_images.load_image("/media/logo.png").getSize() == (40, 20)
    assert pdf_images.load_image("/static/sig.png").getSize() == (40, 20), "through the static files finders"
    assert pdf_images.load_image("https://lms.example.org/media/logo.png") is not None, "our path, read locally"


def test_a_local_path_is_read_only_inside_the_storage_roots(roots, tmp_path):
    assert pdf_images.load_image(str(roots / "media" / "logo.png")) is not None
    outside = tmp_path / "elsewhere.png"
    Image.new("RGB", (4, 4)).save(outside)
    assert pdf_images.load_image(str(outside)) is None
    assert pdf_images.load_image("/media/../elsewhere.png") is None, "no way out of the storage"


@pytest.mark.parametrize(
    "url", ["https://images.example.com/logo.png", "//cdn.example.com/x.png", "data:image/png;base64,AAAA", ""]
)
def test_anything_else_is_skipped_with_a_warning_never_fetched(url, caplog):
    with caplog.at_level(logging.WARNING, logger="cert_manager_plugin.rendering.pdf_images"):
        assert pdf_images.load_image(url) is None
    if url:
        assert "skips the image" in caplog.text


def test_a_file_that_is_not_an_image_or_is_too_large_is_skipped(roots, settings, monkeypatch, caplog):
    (roots / "media" / "notes.png").write_bytes(b"not an image")
    with caplog.at_level(logging.WARNING):
        assert pdf_images.load_image("/media/notes.png") is None
    assert "not an image" in caplog.text
    monkeypatch.setattr(pdf_images, "MAX_IMAGE_BYTES", 10)
    assert pdf_images.load_image("/media/logo.png") is None


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
    assert pdf_images.load_image(quoted).getSize() == (8, 8)
    assert asked == [quoted]
    monkeypatch.undo()
    pdf_images.clear_image_cache()
    assert pdf_images.load_image(quoted) is None, "standalone: no course asset store"
