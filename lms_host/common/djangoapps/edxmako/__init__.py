# Stand-in for edx-platform common/djangoapps/edxmako/__init__.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""The Mako template lookups, one per namespace, filled by ``EdxMakoConfig.ready`` (apps.py)."""

LOOKUP = {}
