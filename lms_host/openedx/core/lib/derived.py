# Stand-in for edx-platform openedx/core/lib/derived.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
Settings derived from other settings, computed once every settings file has run.

Reproduced: ``Derived(calculate_value)`` and ``derive_settings(module_name)``, which replaces ``Derived`` values
(recursively in dicts, lists and tuples) of every UPPERCASE module-level name. Omitted: sets and frozensets.
"""

import re
import sys


class Derived:
    """A setting whose value is ``calculate_value(settings_module)``, filled in by ``derive_settings``."""

    def __init__(self, calculate_value):
        self.calculate_value = calculate_value


_SETTING_NAME_REGEX = re.compile(r"^[A-Z][A-Z0-9_]*$")


def derive_settings(module_name):
    """In the settings module ``module_name``, replace ``Derived`` values with their calculated values."""
    module = sys.modules[module_name]
    _derive_dict(module, vars(module), key_filter=lambda key: bool(_SETTING_NAME_REGEX.match(key)))


def _derive_recursively(settings, value):
    if isinstance(value, Derived):
        return value.calculate_value(settings)
    if isinstance(value, dict):
        return _derive_dict(settings, value)
    if isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _derive_recursively(settings, item)
        return value
    if isinstance(value, tuple):
        return tuple(_derive_recursively(settings, item) for item in value)
    return value


def _derive_dict(settings, the_dict, key_filter=lambda key: True):
    for key, value in the_dict.items():
        if key_filter(key):
            the_dict[key] = _derive_recursively(settings, value)
    return the_dict
