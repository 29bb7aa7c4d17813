"""Pages under ``/cert_manager/``: web certificate, PDF, instructor panel, learner dashboard."""

urlpatterns: list = []
