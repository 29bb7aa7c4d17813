"""The flow diagrams in docs/architecture.rst name real functions: renaming one without the docs fails here."""

import importlib
import re
from pathlib import Path

import pytest

ARCHITECTURE = Path(__file__).resolve().parent.parent / "docs" / "architecture.rst"
MODULES = (
    "api",
    "dispatch",
    "dry_runs",
    "eligibility",
    "engine",
    "events",
    "job_chunks",
    "job_kinds",
    "jobs",
    "lms",
    "notifications",
    "receivers",
    "reconcile",
    "rendering.export",
    "tasks",
)
REFERENCE = re.compile(r"\b(" + "|".join(re.escape(m) for m in MODULES) + r")\.([a-z_]+)\b")


def references() -> list[tuple[str, str]]:
    return sorted(set(REFERENCE.findall(ARCHITECTURE.read_text(encoding="utf-8"))))


def test_the_diagrams_name_enough_functions_to_mean_something():
    assert len(references()) >= 25


@pytest.mark.parametrize(("module", "name"), references())
def test_each_function_in_the_diagrams_exists(module, name):
    from django.dispatch import Signal

    found = getattr(importlib.import_module(f"cert_manager_plugin.{module}"), name, None)
    assert callable(found) or isinstance(found, Signal), (
        f"docs/architecture.rst names {module}.{name}, which does not exist"
    )
