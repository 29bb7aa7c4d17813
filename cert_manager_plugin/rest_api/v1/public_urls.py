"""
The public credential documents at the URLs the credentials name (their ids), under ``/cert_manager/``.

The dashboard's URLconf (mounted at ``cert_manager/`` by the plugin's ``urls``, namespace ``cert_manager``)
includes this one, so the paths are ``credentials.keys.did_document_url``'s ``/cert_manager/issuer/did.json``,
``status_list.STATUS_LIST_PATH`` and ``credential.ACHIEVEMENT_PATH``. The views are REST API v1's (documented
there under ``/api/cert_manager/v1/credentials/…``): the same documents, the same caching headers. Left out of
any schema (``schema=None``): a host-wide schema would otherwise list each operation twice.
"""

from __future__ import annotations

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("issuer/did.json", views.IssuerDidDocumentView.as_view(schema=None), name="credential-issuer-did"),
    re_path(
        r"^credentials/status/(?P<course_id>[\s\S]+)/(?P<purpose>[^/]+)$",
        views.StatusListView.as_view(schema=None),
        name="credential-status-list",
    ),
    re_path(
        r"^credentials/achievements/(?P<course_id>[\s\S]+)$",
        views.AchievementView.as_view(schema=None),
        name="credential-achievement",
    ),
]
