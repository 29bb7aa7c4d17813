"""The OpenAPI parameters and responses the views of REST API v1 share (path ids, paging, search, list CSVs)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status

from cert_manager_plugin import api
from cert_manager_plugin.data import CertificateStatus

from ... import errors as rest_errors

COURSE_ID = OpenApiParameter(
    "course_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="Course key, e.g. course-v1:edX+DemoX+2026."
)


USERNAME = OpenApiParameter("username", OpenApiTypes.STR, OpenApiParameter.PATH, description="Username or email.")


JOB_ID = OpenApiParameter("job_id", OpenApiTypes.INT, OpenApiParameter.PATH)


INVALIDATION_ID = OpenApiParameter("invalidation_id", OpenApiTypes.INT, OpenApiParameter.PATH)


VERIFY_UUID = OpenApiParameter("verify_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)


PAGE = [
    OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Page number (from 1)."),
    OpenApiParameter("page_size", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Rows per page (max 500)."),
]


_STATUS = "|".join(c.value for c in CertificateStatus)


STATUS_LIST_PATTERN = rf"^\s*({_STATUS})\s*(,\s*({_STATUS})\s*)*$"


ERR_R, ERR_W = rest_errors.ERRORS_READ, rest_errors.ERRORS_WRITE


ORDERING = OpenApiParameter(
    "ordering",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=[f"{sign}{key}" for key in api.CERTIFICATE_ORDERING_KEYS for sign in ("", "-")],
    description="Sort by one column, '-' first for descending (default: username); ties by id.",
)


#: A search holds no NUL character (no name, email or note does; PostgreSQL refuses one in a query): 400 otherwise.
NO_NUL = "^[^\\x00]*$"


LIST_SEARCH = OpenApiParameter(
    "search", OpenApiTypes.STR, pattern=NO_NUL, description="Part of a username, email, name or notes."
)


CSV_FORMAT = OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: the whole list.")


LIST_RESPONSES = {(200, "text/csv"): OpenApiTypes.STR, **ERR_R}


NO_CONTENT = {status.HTTP_204_NO_CONTENT: OpenApiResponse(description="Done.")}
