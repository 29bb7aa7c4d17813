# Stand-in for edx-platform lms/lib/spectacular.py at commit 0f1ccfaf4d3388e13d796038abfd3db0e5d2d7dc
# (openedx/openedx-platform).
"""
The LMS's drf-spectacular preprocessing hook (``SPECTACULAR_SETTINGS['PREPROCESSING_HOOKS']``): the LMS-wide
schema keeps only ``/api/enrollment/v<N>/`` endpoints. Reproduced: ``lms_api_filter``. Omitted: the
post-processing hook ``lms_mark_legacy_paths_deprecated`` (not in SPECTACULAR_SETTINGS at the common.py commit).
"""

import re


def lms_api_filter(endpoints):
    """Pre-processing hook: keep only enrollment endpoints."""
    filtered = []
    enrollment_path_pattern = re.compile(r"^/api/enrollment/v\d+/")

    for path, path_regex, method, callback in endpoints:
        if enrollment_path_pattern.match(path):
            filtered.append((path, path_regex, method, callback))

    return filtered
