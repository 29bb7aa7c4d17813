"""Design versions, uploaded images and the apply dry run, through ``designs.api`` (and ``cert_manager_plugin.api``)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from PIL import Image

from cert_manager_plugin import api, errors
from cert_manager_plugin.designs import api as designs
from cert_manager_plugin.designs.document import ASSET_NAME
from cert_manager_plugin.designs.models import DesignAsset, DesignVersion
from tests.factories import COURSE_KEY, CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db

OTHER_COURSE = "course-v1:Other+X+2026"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT, settings.MEDIA_URL = str(tmp_path), "/media/"


def image(fmt: str = "PNG", size: tuple[int, int] = (40, 20), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **save)
    return out.getvalue()


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- versions -------------------------------------------------------------------------------------------------


def test_each_save_is_the_next_number_and_the_newest_is_current():
    user = UserFactory(username="designer")
    assert designs.current_version(COURSE_KEY) is None
    first = designs.save_version(COURSE_KEY, {"base": "classic"}, user=user, note="first")
    second = designs.save_version(COURSE_KEY, {"base": "modern", "colours": {"primary": "#ABCDEF"}}, user=None)
    assert (first.number, second.number) == (1, 2)
    assert designs.current_version(COURSE_KEY) == second
    assert second.document["colours"] == {"primary": "#abcdef"}, "the validated document is stored"
    assert (first.created_by, first.note, second.created_by) == ("designer", "first", "")
    assert designs.version(COURSE_KEY, 1).document == first.document, "a saved version never changes"
    assert designs.save_version(OTHER_COURSE, {}, user=None).number == 1, "numbers are per course"


def test_versions_are_listed_newest_first_a_page_at_a_time():
    for _ in range(3):
        designs.save_version(COURSE_KEY, {}, user=None)
    rows = designs.list_versions(COURSE_KEY)
    assert rows.count() == 3
    assert [row.number for row in rows[:2]] == [3, 2]
    assert isinstance(api.design_versions(COURSE_KEY)[:1][0], api.DesignVersionData)


def test_an_unknown_version_is_not_found():
    with pytest.raises(errors.NotFound):
        designs.version(COURSE_KEY, 7)


def test_an_invalid_document_saves_nothing():
    with pytest.raises(errors.InvalidInput) as exc:
        designs.save_version(COURSE_KEY, {"blocks": {"title": "{password}"}}, user=None)
    assert exc.value.details["field"] == "blocks.title"
    assert not DesignVersion.objects.exists()


def test_a_note_longer_than_255_characters_is_refused():
    with pytest.raises(errors.InvalidInput) as exc:
        designs.save_version(COURSE_KEY, {}, user=None, note="x" * 256)
    assert exc.value.details["field"] == "note"


def test_a_number_taken_meanwhile_is_retried(monkeypatch):
    designs.save_version(COURSE_KEY, {}, user=None)
    real_filter, raced = DesignVersion.objects.filter, []

    def filter(*args, **kwargs):  # another save commits the next number right after our read of the highest
        queryset = real_filter(*args, **kwargs)
        if not raced:
            stale = queryset.aggregate(top=Max("number"))
            raced.append(DesignVersion.objects.create(course_key=COURSE_KEY, number=stale["top"] + 1, document={}))
            queryset.aggregate = lambda **kw: stale
        return queryset

    monkeypatch.setattr(DesignVersion.objects, "filter", filter)
    saved = designs.save_version(COURSE_KEY, {}, user=None, note="ours")
    assert (raced[0].number, saved.number, saved.note) == (2, 3, "ours")


# --- assets ---------------------------------------------------------------------------------------------------


def test_a_png_logo_is_stored_under_an_unguessable_name():
    stored = designs.store_asset(COURSE_KEY, "logo", upload(image()), user=UserFactory())
    assert ASSET_NAME.match(stored.name) and (stored.width, stored.height) == (40, 20)
    assert stored.url == "/media/" + stored.name
    asset = DesignAsset.objects.get()
    assert (asset.kind, asset.content_type, asset.course_key) == ("logo", "image/png", COURSE_KEY)
    with Image.open(asset.file) as saved:
        assert saved.format == "PNG" and saved.size == (40, 20)


def test_a_jpeg_is_re_encoded_without_its_metadata():
    exif = Image.Exif()
    exif[0x010E] = "GPS: secret place"  # ImageDescription
    stored = designs.store_asset(COURSE_KEY, "background", upload(image("JPEG", exif=exif), "b.jpg"), user=None)
    assert stored.name.endswith(".jpg")
    with Image.open(DesignAsset.objects.get().file) as saved:
        assert saved.format == "JPEG" and not saved.getexif()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not a PNG or JPEG"),
        (b"GIF89a" + b"\x00" * 40, "not a PNG or JPEG"),
        (image("GIF"), "PNG or JPEG image (SVG"),
        (image()[:60], "damaged"),
        (image(size=(4001, 1)), "4001 by 1 pixels"),
    ],
)
def test_anything_but_a_sound_png_or_jpeg_is_refused(data, words):
    with pytest.raises(errors.InvalidInput) as exc:
        designs.store_asset(COURSE_KEY, "logo", upload(data), user=None)
    assert exc.value.details["field"] == "file" and words in exc.value.message
    assert not DesignAsset.objects.exists()


def test_a_file_over_2_mb_is_refused_before_decoding():
    data = b"\x89PNG" + b"\x00" * designs.ASSET_MAX_BYTES
    with pytest.raises(errors.InvalidInput) as exc:
        designs.store_asset(COURSE_KEY, "logo", upload(data), user=None)
    assert "larger than 2 MB" in exc.value.message
    assert api.CERTIFICATE_DESIGN_ASSET_MAX_BYTES == 2 * 1024 * 1024


def test_an_unknown_kind_is_refused():
    with pytest.raises(errors.InvalidInput) as exc:
        designs.store_asset(COURSE_KEY, "favicon", upload(image()), user=None)
    assert exc.value.details["field"] == "kind"


def test_a_design_may_use_only_its_own_courses_images_as_their_kind():
    logo = designs.store_asset(COURSE_KEY, "logo", upload(image()), user=None)
    foreign = designs.store_asset(OTHER_COURSE, "logo", upload(image()), user=None)
    assert designs.save_version(COURSE_KEY, {"logo": logo.name}, user=None).document["logo"] == logo.name
    for document, field in (({"logo": foreign.name}, "logo"), ({"background": logo.name}, "background")):
        with pytest.raises(errors.InvalidInput) as exc:
            designs.save_version(COURSE_KEY, document, user=None)
        assert exc.value.details["field"] == field
    assert DesignVersion.objects.count() == 1


# --- dry run ----------------------------------------------------------------------------------------------------


def test_the_dry_run_counts_issued_certificates_with_another_version_by_mode():
    old = DesignVersion.objects.create(course_key=COURSE_KEY, number=1, document={})
    current = DesignVersion.objects.create(course_key=COURSE_KEY, number=2, document={})
    CertificateFactory(mode="verified")
    CertificateFactory(mode="verified", design_version=old)
    CertificateFactory(mode="honor", design_version=old)
    CertificateFactory(mode="honor", design_version=current)  # already there
    CertificateFactory(mode="audit", status="notpassing")  # not issued: its page shows no design
    CertificateFactory(mode="verified", course_key=OTHER_COURSE)

    assert designs.apply_dry_run(COURSE_KEY) == {"version": 2, "total": 3, "by_mode": {"honor": 1, "verified": 2}}
    assert api.design_apply_dry_run(COURSE_KEY, 1) == {"version": 1, "total": 2, "by_mode": {"honor": 1, "verified": 1}}


def test_a_dry_run_without_a_design_finds_nothing_to_apply():
    CertificateFactory()
    assert designs.apply_dry_run(COURSE_KEY) == {"version": None, "total": 0, "by_mode": {}}
    with pytest.raises(errors.NotFound):
        designs.apply_dry_run(COURSE_KEY, 3)


def test_the_library_data_lists_designs_variables_and_fonts():
    data = api.design_library()
    assert [d["id"] for d in data["library"]] == ["classic", "modern", "minimal"]
    assert data["variables"] == list(api.CERTIFICATE_DESIGN_VARIABLES)
    assert data["fonts"] == list(api.CERTIFICATE_DESIGN_FONTS) == ["sans", "serif"]
