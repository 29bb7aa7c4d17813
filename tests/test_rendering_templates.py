"""Dates and grades on certificates, PDFs and emails follow the active language."""

from datetime import datetime

import pytest
from django.utils import translation

from cert_manager_plugin.rendering.templates import format_date, format_grade


@pytest.mark.parametrize(
    ("language", "date", "grade"),
    [
        ("en", "November 26, 2026", "85.5%"),  # the month written out, not "Nov. 26, 2026"
        ("fr", "26 novembre 2026", "85,5%"),
        ("de", "26. November 2026", "85,5%"),
        ("es", "26 de noviembre de 2026", "85,5%"),
        ("ja", "2026年11月26日", "85.5%"),
    ],
)
def test_a_date_and_a_grade_in_each_languages_own_order_and_separator(language, date, grade):
    with translation.override(language):
        assert format_date(datetime(2026, 11, 26, 12)) == date
        assert format_grade(0.855) == grade
        assert format_grade(0.9) == "90%"


def test_no_date_and_no_grade_print_nothing():
    assert format_date(None) == ""
    assert format_grade(None) is None
