"""
What the serializers of REST API v1 share: status and group choices, client text, and the page envelope.

Serializers only parse and shape data: they validate request bodies and render what a view hands them,
and never query the database or call a service (the views do, through ``cert_manager_plugin.api``).
"""

from __future__ import annotations

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers

from cert_manager_plugin.data import CertificateStatus, LearnerGroup

STATUSES = [s.value for s in CertificateStatus]


GROUPS = [g.value for g in LearnerGroup]


class ClientTextField(serializers.CharField):
    """Text as the client sent it, only parsed: the rules (length, control characters) are the services' own.

    DRF's ``CharField`` refuses NUL with a message of its own; the services refuse every control character
    whatever the door (JSON, CSV row, management command), so the JSON answer says what a CSV row says.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class PageSerializer(serializers.Serializer):
    """The envelope of a paginated list (``pagination.CertManagerPagination``)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    num_pages = serializers.IntegerField()
    current_page = serializers.IntegerField()


_PAGES: dict[type, type] = {}


def paginated(child: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The page serializer of ``child`` rows, for the schema (one class, and one component, per row type)."""
    if child not in _PAGES:
        name = f"Paginated{child.__name__.removesuffix('Serializer')}ListSerializer"
        _PAGES[child] = type(name, (PageSerializer,), {"results": child(many=True), "__module__": __name__})
    return _PAGES[child]
