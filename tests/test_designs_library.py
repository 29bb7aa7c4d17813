"""The built-in designs: three of them, complete defaults, valid as documents, translated wording."""

from __future__ import annotations

from django.utils import translation

from cert_manager_plugin.designs.document import BLOCKS, COLOURS, FONTS, resolve, validate, variables_in
from cert_manager_plugin.designs.library import BUILT_INS, built_in, library


def test_three_designs_with_every_colour_block_and_a_shipped_font():
    assert list(BUILT_INS) == ["classic", "modern", "minimal"]
    for design in BUILT_INS.values():
        assert set(design.colours) == set(COLOURS)
        assert set(design.blocks) == set(BLOCKS)
        assert design.font in FONTS


def test_the_classic_design_keeps_the_plugins_own_colours():
    assert built_in("classic").colours["primary"] == "#1f3a5f"
    assert built_in("classic").colours["accent"] == "#b8943f"


def test_defaults_are_valid_documents():
    for entry in library():
        assert validate(entry["defaults"]).as_dict() == entry["defaults"]
        for text in entry["defaults"]["blocks"].values():
            assert set(variables_in(text)) <= {"learner_name", "course_name", "grade", "issue_date", "verify_url"}


def test_library_words_follow_the_active_language():
    with translation.override("en"):
        english = library()
    with translation.override("fr"):
        french = library()
    assert [e["id"] for e in english] == ["classic", "modern", "minimal"]
    assert english[0]["name"] == "Classic" and english[0]["defaults"]["blocks"]["intro"] == "This is to certify that"
    assert french[0]["defaults"]["blocks"]["intro"] != "This is to certify that", "an existing translated sentence"


def test_resolving_a_built_in_in_arabic_is_right_to_left():
    for design_id in BUILT_INS:
        assert resolve(validate({"base": design_id}), "", "ar").rtl
