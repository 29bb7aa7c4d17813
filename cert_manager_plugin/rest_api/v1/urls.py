"""REST API v1 (contract prefix ``/api/cert_manager/v1/``)."""

urlpatterns: list = []
