# Stand-in for edx-platform lms/djangoapps/certificates/views/__init__.py (re-exports of views/webview.py at
# commit fcf8867dd2ddd00cfe6c1a4ff41ae61bdc149c53, openedx/openedx-platform).
"""The certificates views, as ``lms.djangoapps.certificates.views`` exposes them."""

from .webview import render_cert_by_uuid, render_html_view  # noqa: F401
