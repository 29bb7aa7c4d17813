"""Design documents: validation errors by field path, overrides' precedence, default wording, filling variables."""

from __future__ import annotations

import pytest
from django.utils import translation

from cert_manager_plugin import errors
from cert_manager_plugin.designs.document import (
    MAX_BLOCK_LENGTH,
    VARIABLES,
    DesignDocument,
    fill,
    resolve,
    validate,
    variables_in,
)
from cert_manager_plugin.designs.library import BUILT_INS

ASSET = "cert_manager/designs/0123456789abcdef/" + "a" * 32 + ".png"


def _refused(data: object) -> dict[str, list[str]]:
    with pytest.raises(errors.InvalidInput) as exc:
        validate(data)
    assert exc.value.details["field"] in exc.value.details["field_errors"]
    assert exc.value.message.startswith(exc.value.details["field"] + ": ")
    return exc.value.details["field_errors"]


def test_an_empty_document_is_the_classic_design_with_its_defaults():
    doc = validate({})
    assert doc == DesignDocument(base="classic", font="serif")
    assert doc.as_dict() == {
        "base": "classic",
        "colours": {},
        "font": "serif",
        "logo": "",
        "background": "",
        "show_qr": True,
        "blocks": {},
        "course_title": "",
        "signatories": [],
        "overrides": {},
    }


def test_a_full_document_round_trips():
    data = {
        "base": "modern",
        "colours": {"primary": "#ABCDEF", "text": "#000000"},
        "font": "serif",
        "logo": ASSET,
        "background": "",
        "show_qr": False,
        "blocks": {"title": "Award", "footer": "On {issue_date}\nsee {verify_url}"},
        "overrides": {"verified|es": {"blocks": {"title": "Premio"}}},
    }
    doc = validate(data)
    assert doc.colours == {"primary": "#abcdef", "text": "#000000"}, "colours are stored lowercase"
    assert validate(doc.as_dict()) == doc
    assert doc.assets() == [ASSET]


def test_an_unknown_variable_is_named():
    found = _refused({"blocks": {"completion": "completed {course_name} with {score}"}})
    assert list(found) == ["blocks.completion"]
    assert "{score}" in found["blocks.completion"][0] and "{learner_name}" in found["blocks.completion"][0]


def test_every_known_variable_is_accepted():
    text = " ".join(f"{{{name}}}" for name in VARIABLES)
    assert validate({"blocks": {"footer": text}}).blocks["footer"] == text


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "#1234567", "rgb(0,0,0)", "#123456;x:y", 123])
def test_a_colour_is_six_hex_digits_only(colour):
    assert list(_refused({"colours": {"accent": colour}})) == ["colours.accent"]


def test_unknown_keys_are_refused_at_every_level():
    found = _refused(
        {
            "html": "<b>",
            "colours": {"link": "#000000"},
            "blocks": {"signature": "x"},
            "overrides": {"mode:verified": {"font": "serif"}},
        }
    )
    assert set(found) == {"html", "colours.link", "blocks.signature", "overrides.mode:verified.font"}


def test_a_block_is_at_most_300_characters():
    assert validate({"blocks": {"intro": "x" * MAX_BLOCK_LENGTH}})
    found = _refused({"blocks": {"intro": "x" * (MAX_BLOCK_LENGTH + 1)}})
    assert "301" in found["blocks.intro"][0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"base": "fancy"}, "base"),
        ({"font": "comic"}, "font"),
        ({"show_qr": "yes"}, "show_qr"),
        ({"blocks": {"title": 5}}, "blocks.title"),
        ({"blocks": {"title": "a\x00b"}}, "blocks.title"),
        ({"blocks": "title"}, "blocks"),
        ({"logo": "../../etc/passwd"}, "logo"),
        ({"background": "https://evil.example/x.png"}, "background"),
        ({"overrides": {"verified": {}}}, "overrides.verified"),
        ({"overrides": {"lang:ES": {}}}, "overrides.lang:ES"),
        ({"overrides": {"mode:verified": {"colours": {"primary": "blue"}}}}, "overrides.mode:verified.colours.primary"),
    ],
)
def test_each_bad_field_is_named_by_its_path(data, field):
    assert field in _refused(data)


def test_a_document_must_be_an_object():
    assert _refused(["base", "classic"]) == {"document": ["A design must be an object."]}


def test_every_problem_is_reported_at_once():
    found = _refused({"base": "x", "colours": {"primary": "x", "accent": "y"}, "blocks": {"title": "{x}"}})
    assert set(found) == {"base", "colours.primary", "colours.accent", "blocks.title"}


def test_errors_go_through_gettext(monkeypatch):
    from cert_manager_plugin.designs import document

    monkeypatch.setattr(document, "_", lambda text: f"T[{text}]")
    found = _refused({"colours": {"primary": "red"}})
    assert found["colours.primary"] == ["T[A colour is written #rrggbb (six hexadecimal digits), like #1f3a5f.]"]


def test_overrides_apply_from_the_least_to_the_most_specific():
    doc = validate(
        {
            "colours": {"primary": "#000001"},
            "blocks": {"title": "Base title", "intro": "Base intro", "footer": "Base footer"},
            "overrides": {
                "mode:verified": {"blocks": {"title": "Verified title", "intro": "Verified intro"}},
                "lang:es": {"blocks": {"title": "Título"}, "colours": {"primary": "#000002"}},
                "verified|es": {"blocks": {"title": "Título verificado"}},
            },
        }
    )
    both = resolve(doc, "verified", "es")
    assert both.blocks["title"] == "Título verificado", "mode|language wins"
    assert both.blocks["intro"] == "Verified intro", "the mode's override applies where nothing more specific does"
    assert both.blocks["footer"] == "Base footer"
    assert both.colours["primary"] == "#000002"
    assert resolve(doc, "honor", "es").blocks["title"] == "Título", "language without the mode"
    assert resolve(doc, "verified", "en").blocks["title"] == "Verified title"
    assert resolve(doc, "honor", "en").blocks["title"] == "Base title"
    assert resolve(doc, "verified", "es-419").blocks["title"] == "Título verificado", "a regional variant"


def test_empty_blocks_take_the_base_wording_in_the_certificates_language():
    doc = validate({"base": "classic", "blocks": {"title": ""}})
    english = resolve(doc, "", "en")
    assert english.blocks["title"] == "Certificate of Achievement"
    assert english.colours == BUILT_INS["classic"].colours and english.font == "serif"
    french = resolve(doc, "", "fr")
    assert french.blocks["title"] != "Certificate of Achievement", "translated in the certificate's language"
    assert not french.rtl and resolve(doc, "", "ar").rtl


def test_resolve_without_a_language_uses_the_active_one():
    with translation.override("ar"):
        design = resolve(validate({}))
    assert design.language == "ar" and design.rtl


def test_fill_splits_literal_text_and_values():
    parts = fill("Dear {learner_name}, you completed {course_name}!", {"learner_name": "<Ada>", "course_name": "CS"})
    assert parts == [("Dear ", False), ("<Ada>", True), (", you completed ", False), ("CS", True), ("!", False)]


def test_fill_leaves_unknown_names_as_text_and_drops_empty_values():
    assert fill("{grade} and {nope}", {"grade": ""}) == [(" and {nope}", False)]
    assert fill("", {}) == []


def test_variables_in_lists_every_placeholder():
    assert variables_in("{a} {learner_name} {}") == ["a", "learner_name", ""]


# --- signatories (printed when the course has none from Studio) ---------------------------------------------------

SIGNATURE = "cert_manager/designs/0123456789abcdef/" + "b" * 32 + ".jpg"


def test_signatories_round_trip_with_their_signature_images():
    data = {
        "signatories": [
            {"name": " Ada Lovelace ", "title": "Dean", "organization": "Analytical U", "signature": SIGNATURE},
            {"name": "Grace"},
        ]
    }
    doc = validate(data)
    assert doc.signatories == (
        {"name": "Ada Lovelace", "title": "Dean", "organization": "Analytical U", "signature": SIGNATURE},
        {"name": "Grace", "title": "", "organization": "", "signature": ""},
    )
    assert validate(doc.as_dict()) == doc and doc.as_dict()["signatories"][1]["name"] == "Grace"
    assert doc.assets() == [SIGNATURE]
    assert resolve(doc, "verified", "es").signatories == doc.signatories, "the same for every mode and language"


@pytest.mark.parametrize(
    ("signatories", "field"),
    [
        ([{"title": "Dean"}], "signatories.0.name"),
        ([{"name": "Ada"}, {"name": "   "}], "signatories.1.name"),
        ([{"name": "x" * 101}], "signatories.0.name"),
        ([{"name": "Ada", "title": "t" * 101}], "signatories.0.title"),
        ([{"name": "Ada", "organization": "line\nbreak"}], "signatories.0.organization"),
        ([{"name": "Ada", "signature": "/etc/passwd"}], "signatories.0.signature"),
        ([{"name": "Ada", "role": "x"}], "signatories.0.role"),
        ([{"name": 5}], "signatories.0.name"),
        (["Ada"], "signatories.0"),
        ({"name": "Ada"}, "signatories"),
        ([{"name": f"N{i}"} for i in range(5)], "signatories"),
    ],
)
def test_a_bad_signatory_is_named_by_its_path(signatories, field):
    assert field in _refused({"signatories": signatories})


def test_a_signatory_line_of_100_characters_is_accepted():
    assert validate({"signatories": [{"name": "x" * 100}]}).signatories[0]["name"] == "x" * 100


def test_signatories_cannot_be_overridden_per_mode_or_language():
    assert "overrides.mode:verified.signatories" in _refused(
        {"overrides": {"mode:verified": {"signatories": [{"name": "Ada"}]}}}
    )


def test_a_course_title_round_trips_trimmed_and_resolves_for_every_mode_and_language():
    doc = validate({"course_title": "  Analytical Engines  "})
    assert doc.course_title == "Analytical Engines" and doc.as_dict()["course_title"] == "Analytical Engines"
    assert resolve(doc, "verified", "ar").course_title == "Analytical Engines"
    assert validate({}).course_title == "", "empty: the course's own name prints"


@pytest.mark.parametrize("title", ["x" * 201, "two\nlines", 42, ["a"]])
def test_a_bad_course_title_is_refused_by_its_path(title):
    assert "course_title" in _refused({"course_title": title})
