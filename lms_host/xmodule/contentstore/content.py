# Stand-in for edx-platform xmodule/contentstore/content.py at commit 77e75380810a95f63daeb3f247d1bbb72191d938
# (openedx/edx-platform).
"""
``StaticContent(loc, name, content_type, data, ...)`` with ``location``, ``name``, ``content_type``, ``data``,
``length``, ``locked``, and ``get_location_from_path(path)`` (an ``AssetKey``, retried without the leading or
trailing slash), as written. Omitted: thumbnails, streams, CDN URL canonicalization.
"""

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import AssetKey


class StaticContent:
    """An asset of a course: its key, name, content type and bytes."""

    def __init__(self, loc, name, content_type, data, last_modified_at=None, length=None, locked=False):  # noqa: PLR0917 - edx-platform's signature
        self.location = loc
        self.name = name
        self.content_type = content_type
        self._data = data
        self.length = length
        self.last_modified_at = last_modified_at
        self.locked = locked

    @property
    def data(self):
        return self._data

    @staticmethod
    def get_location_from_path(path):
        """
        Generate an AssetKey for the given path (old c4x/org/course/asset/name syntax)
        """
        try:
            return AssetKey.from_string(path)
        except InvalidKeyError:
            if path.startswith("/") or path.endswith("/"):
                # try stripping off the leading slash and try again
                return AssetKey.from_string(path.strip("/"))
