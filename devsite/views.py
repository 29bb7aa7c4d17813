"""The demo host's landing page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Links to the instructor panel, the learner dashboard and the API schema."""
    return render(request, "devsite/home.html", {"course_id": "course-v1:DemoX+CERT101+2026"})
