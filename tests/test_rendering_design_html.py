"""The HTML preview of an unsaved design: sample or real learner, nothing saved, images inlined, escaped."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from cert_manager_plugin import api, errors, lms
from cert_manager_plugin.designs import api as designs
from cert_manager_plugin.designs.document import validate
from cert_manager_plugin.models import Certificate
from cert_manager_plugin.rendering.design_html import design_body, design_variables, preview_html, stored_document
from tests.factories import COURSE_KEY, CertificateFactory, LearnerRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT, settings.MEDIA_URL = str(tmp_path), "/media/"
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.org"


def variables(**values: str) -> dict[str, str]:
    return {"learner_name": "Ada", "course_name": "CS", "grade": "", "issue_date": "", "verify_url": "", **values}


def test_the_sample_learner_previews_without_saving_anything(course):
    html = preview_html(COURSE_KEY, {"blocks": {"intro": "Hello {learner_name} <b>"}})
    assert "<!doctype html>" in html and "Sample Learner" in html and "92%" in html
    assert "Hello " in html and "&lt;b&gt;" in html and "<b>" not in html
    assert "not saved" in html and "cm-design-qr" in html
    assert not Certificate.objects.exists()


def test_a_real_learner_previews_with_their_own_data(course):
    user = UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
    LearnerRecordFactory(user=user, percent_grade=0.77, passed=True, mode="honor")
    html = api.design_preview_html(
        COURSE_KEY, {"overrides": {"mode:honor": {"blocks": {"title": "Honor code"}}}}, username="ada"
    )
    printed = lms.backend().display_names([user.pk]).get(user.pk) or "ada"  # the name the host prints
    assert printed in html and "77%" in html and "Honor code" in html, "their name, grade and mode"
    assert not Certificate.objects.exists()
    cert = CertificateFactory(user=user, mode="verified", grade=0.81)
    html = preview_html(COURSE_KEY, {"blocks": {"footer": "{verify_url}"}}, username="ada")
    assert str(cert.verify_uuid) in html and "81%" in html, "their certificate's link and grade"


def test_a_stranger_is_not_found_and_a_bad_document_names_its_field(course):
    UserFactory(username="stranger")
    with pytest.raises(errors.UserNotFound):
        preview_html(COURSE_KEY, {}, username="stranger")
    with pytest.raises(errors.InvalidInput) as exc:
        preview_html(COURSE_KEY, {"colours": {"text": "black"}})
    assert exc.value.details["field"] == "colours.text"


def test_images_are_inlined_as_data_uris(course):
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    logo = designs.store_asset(COURSE_KEY, "logo", SimpleUploadedFile("l.png", out.getvalue()), user=None)
    html = preview_html(COURSE_KEY, {"logo": logo.name, "show_qr": False})
    assert 'src="data:image/png;base64,' in html and logo.name not in html
    assert "cm-design-qr" not in html


def test_the_preview_follows_the_language_asked_for(course):
    html = preview_html(COURSE_KEY, {}, language="ar")
    assert '<html lang="ar" dir="rtl">' in html and 'dir="rtl"' in html.split("cm-design ", 1)[1][:300]


def test_each_base_has_its_template_and_logical_css(course):
    for base in ("classic", "modern", "minimal"):
        body = str(design_body(validate({"base": base}), mode="", variables=variables(), context={}))
        assert f"cm-design-{base}" in body and "css/designs.css" in body
    band = str(design_body(validate({"base": "modern"}), mode="", variables=variables(), context={}))
    assert 'class="cm-design-band" aria-hidden="true"' in band
    from django.contrib.staticfiles import finders

    css = open(finders.find("cert_manager_plugin/css/designs.css"), encoding="utf-8").read()
    for physical in ("margin-left", "margin-right", "padding-left", "padding-right", "text-align: left", "left:"):
        assert physical not in css, "only logical properties: the design mirrors in RTL"


def test_the_grade_line_shows_unless_a_block_prints_the_grade(course):
    body = str(design_body(validate({}), mode="", variables=variables(grade="95%"), context={}))
    assert "cm-design-grade" in body and "95%" in body
    body = str(design_body(validate({}), mode="", variables=variables(grade=""), context={}))
    assert "cm-design-grade" not in body, "a course that does not print grades"


def test_variables_are_formatted_in_the_active_language():
    from datetime import UTC, datetime

    issued = datetime(2026, 11, 26, 12, tzinfo=UTC)
    with translation.override("fr"):
        values = design_variables(learner_name="A", course_name="C", grade=0.855, issued=issued, verify_url="u")
    assert values["grade"] == "85,5%" and "novembre" in values["issue_date"]


def test_a_stored_document_that_no_longer_validates_renders_the_default(caplog):
    assert stored_document({"base": "retired-design"}).base == "classic"
    assert "no longer validates" in caplog.text


# --- signatories: the design's print unless the course has Studio's ------------------------------------------------


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def studio(monkeypatch):
    from cert_manager_plugin.lms import Signatory, WebCertificateConfig

    config = {"value": None}  # the adapter in use (standalone, or the LMS host's): no Studio configuration unless set
    monkeypatch.setattr(type(lms.backend()), "web_certificate_config", lambda self, key, mode: config["value"])
    config["studio"] = WebCertificateConfig("CS", (Signatory("Studio Dean", "Dean", "Studio Org", ""),), "")
    return config


def test_the_designs_signatories_print_standalone_with_their_signature(course, studio):
    sig = designs.store_asset(COURSE_KEY, "signature", SimpleUploadedFile("s.png", _png()), user=None)
    document = {"signatories": [{"name": "Ada Lovelace", "title": "Dean <b>", "signature": sig.name}]}
    html = preview_html(COURSE_KEY, document)
    assert "Ada Lovelace" in html and "Dean &lt;b&gt;" in html and "Dean <b>" not in html
    assert 'class="cm-design-signature" src="data:image/png;base64,' in html and sig.name not in html
    body = str(design_body(validate(document), mode="", variables=variables(), context={}))
    assert f'src="/media/{sig.name}"' in body, "a certificate's page shows the storage URL"


def test_studios_signatories_win_inside_the_lms(course, studio):
    studio["value"] = studio["studio"]
    html = preview_html(COURSE_KEY, {"signatories": [{"name": "Ada Lovelace"}]})
    assert "Studio Dean" in html and "Ada Lovelace" not in html
    context = {"signatories": [{"name": "Studio Dean", "title": "", "organization": "", "signature_image_url": ""}]}
    doc = validate({"signatories": [{"name": "Grace Hopper"}]})
    body = str(design_body(doc, mode="", variables=variables(), context=context))
    assert "Studio Dean" in body and "Grace Hopper" not in body


def test_the_preview_prints_the_designs_course_title_unless_studio_has_one(course, studio):
    html = preview_html(COURSE_KEY, {"course_title": "Engines & Co", "blocks": {"completion": "{course_name}"}})
    assert "Engines &amp; Co" in html
    studio["value"] = studio["studio"]  # Studio's title override: "CS"
    assert "Engines" not in preview_html(COURSE_KEY, {"course_title": "Engines & Co"})
