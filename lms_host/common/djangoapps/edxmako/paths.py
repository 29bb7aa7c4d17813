# Stand-in for edx-platform common/djangoapps/edxmako/paths.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
Mako lookups. Reproduced: ``clear_lookups(namespace)``, ``add_lookup(namespace, directory, package=None,
prepend=False)`` (one lookup per namespace; each directory appended, or prepended, after ``os.path.normpath``) and
``lookup_template(namespace, name)`` (``LOOKUP[namespace].get_template(name)``). So a template is found only in the
directories ``EdxMakoConfig.ready`` adds: the Mako backend's ``DIRS``, i.e. ``MAKO_TEMPLATE_DIRS_BASE``, never an
app's ``templates`` directory.

Omitted: ``DynamicTemplateLookup``'s comprehensive-theme lookup and its ``module_directory`` cache, the request cache
of ``lookup_template``, ``package`` directories (pkg_resources), ``save_lookups``/``reset``.
"""

import os

from mako.lookup import TemplateLookup

from . import LOOKUP


def clear_lookups(namespace):
    """Remove the lookup of ``namespace``."""
    LOOKUP.pop(namespace, None)


def add_lookup(namespace, directory, package=None, prepend=False):
    """Add ``directory`` to the lookup of ``namespace`` (created on first use)."""
    if namespace not in LOOKUP:
        LOOKUP[namespace] = TemplateLookup(
            directories=[], input_encoding="utf-8", output_encoding=None, default_filters=["str"]
        )
    directories = LOOKUP[namespace].directories
    directory = os.path.normpath(str(directory))
    if prepend:
        directories.insert(0, directory)
    else:
        directories.append(directory)


def lookup_template(namespace, name):
    """The template ``name`` of ``namespace`` (mako raises ``TopLevelLookupException`` when no directory has it)."""
    return LOOKUP[namespace].get_template(name)
