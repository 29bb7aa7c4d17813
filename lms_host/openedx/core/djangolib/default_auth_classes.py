# Stand-in for edx-platform openedx/core/djangolib/default_auth_classes.py at commit
# 76ccca7c8787cd4259bd0e8ada3f940cf3195b39 (openedx/edx-platform).
"""
The LMS's ``REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES']``: edx-drf-extensions' JWT authentication, then
DRF session authentication. Reproduced: the classes and their base classes. Omitted: the New Relic custom
attributes they set (observability only).
"""

from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from rest_framework.authentication import SessionAuthentication


class DefaultSessionAuthentication(SessionAuthentication):
    """Default SessionAuthentication (observability omitted)."""


class DefaultJwtAuthentication(JwtAuthentication):
    """Default JwtAuthentication (observability omitted)."""
