"""REST API v1 (``/api/cert_manager/v1/``): views, serializers, URLs and the OpenAPI schema endpoint."""
