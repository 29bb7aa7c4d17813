# Stand-in for edx-platform xmodule/contentstore (openedx/edx-platform).
"""Course assets (Studio's Files & Uploads): ``content.StaticContent`` and ``django.contentstore()``."""
