# Stand-in for edx-platform openedx/core/lib/request_utils.py (ignored_error_exception_handler), as stored in the
# search index without a commit id; the handler is named by lms/envs/common.py's REST_FRAMEWORK at commit
# 0012533516d08010c876256ef79c33ca166783c5 (openedx/openedx-platform, openedx/envs/common.py).
"""
``REST_FRAMEWORK['EXCEPTION_HANDLER']`` of the LMS. Reproduced: it returns DRF's default exception handler's
response. Omitted: the logging/monitoring of IGNORED_ERRORS.
"""

from rest_framework.views import exception_handler


def ignored_error_exception_handler(exc, context):
    """DRF's default exception handling (edx-platform also logs configured ignored errors)."""
    return exception_handler(exc, context)
