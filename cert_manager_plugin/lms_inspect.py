"""
Reads of the running LMS's own course data for the operator's check (``cert_manager_check``): nothing else.

This is the one module besides ``lms`` that names edx-platform (``.importlinter`` lets it): the check must see the
LMS as it is, not through the adapter's narrow view. Every edx-platform import is inside a function, so the module
loads anywhere (the demo host, the tests) and fails only when called outside an LMS.

=====================================  ===================================================================
function                               edx-platform API (openedx/openedx-platform)
=====================================  ===================================================================
``web_certificate_states``             ``openedx.core.djangoapps.content.course_overviews.api
                                       .get_course_overviews_from_ids`` (e57a655d77b614f19223984e9805b1fb940ab192)
                                       and ``lms.djangoapps.certificates.api.certificates_viewable_for_course``
                                       (21572afe319f6742dac1c181f6ca9b74d77b2e86)
=====================================  ===================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from opaque_keys.edx.keys import CourseKey

#: Course overviews read per query.
CHUNK = 500


@dataclass(frozen=True)
class WebCertificateState:
    """
    What the LMS's web certificate view (``render_html_view``) will find for one course.

    ``exists`` is False when the LMS has no course overview (the other fields are then their defaults).
    ``html_view_enabled`` is the course's ``cert_html_view_enabled``; ``active_configuration`` the overview's
    ``has_any_active_web_certificate`` (edx-platform sets it to ``get_active_web_certificate(course) is not None``
    when it builds the overview); ``viewable`` is ``certificates_viewable_for_course(overview)``.
    """

    course_key: CourseKey
    exists: bool
    html_view_enabled: bool = False
    active_configuration: bool = False
    viewable: bool = False
    display_behavior: str | None = None
    available_date: datetime | None = None
    end: datetime | None = None
    self_paced: bool = False


def _chunks(keys: list[CourseKey]) -> Iterator[list[CourseKey]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def web_certificate_states(course_keys: Iterable[CourseKey]) -> list[WebCertificateState]:
    """
    The web certificate state of each course, in the given order, read from the LMS's course overviews.

    Raises:
        ImportError: not inside an LMS (no edx-platform to read).
    """
    from lms.djangoapps.certificates.api import certificates_viewable_for_course
    from openedx.core.djangoapps.content.course_overviews.api import get_course_overviews_from_ids

    states = []
    for chunk in _chunks(list(course_keys)):
        overviews = get_course_overviews_from_ids(chunk)
        for key in chunk:
            overview = overviews.get(key)
            if overview is None:
                states.append(WebCertificateState(course_key=key, exists=False))
                continue
            states.append(
                WebCertificateState(
                    course_key=key,
                    exists=True,
                    html_view_enabled=bool(overview.cert_html_view_enabled),
                    active_configuration=bool(overview.has_any_active_web_certificate),
                    viewable=bool(certificates_viewable_for_course(overview)),
                    display_behavior=overview.certificates_display_behavior,
                    available_date=overview.certificate_available_date,
                    end=overview.end,
                    self_paced=bool(overview.self_paced),
                )
            )
    return states
