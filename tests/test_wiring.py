"""The named contract exception: what tasks and receivers reach besides ``api``."""

from __future__ import annotations

import ast
from pathlib import Path

from cert_manager_plugin import wiring

PACKAGE = Path(wiring.__file__).parent


def test_every_wiring_name_is_used_by_a_task_or_a_receiver():
    used = set()
    for module in ("tasks.py", "receivers.py"):
        for node in ast.walk(ast.parse((PACKAGE / module).read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "wiring":
                used.add(node.attr)
    assert used == set(wiring.__all__), "a name here that no task or receiver calls belongs elsewhere"


def test_every_wiring_name_resolves_and_is_documented():
    for name in wiring.__all__:
        assert callable(getattr(wiring, name)) and getattr(wiring, name).__doc__
