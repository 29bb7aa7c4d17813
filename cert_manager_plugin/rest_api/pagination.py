"""Page-number pagination for the list endpoints: ``?page=N&page_size=M`` (default 50, at most 500)."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class CertManagerPagination(PageNumberPagination):
    """``{"count", "next", "previous", "num_pages", "current_page", "results"}`` (the LMS's shape)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data: list) -> Response:
        """The page's rows with the count, links, page count and current page number."""
        response = super().get_paginated_response(data)
        response.data["num_pages"] = self.page.paginator.num_pages
        response.data["current_page"] = self.page.number
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        """The OpenAPI schema of that page envelope, ``num_pages`` and ``current_page`` included."""
        result = super().get_paginated_response_schema(schema)
        result["properties"]["num_pages"] = {"type": "integer", "example": 3}
        result["properties"]["current_page"] = {"type": "integer", "example": 1}
        return result
