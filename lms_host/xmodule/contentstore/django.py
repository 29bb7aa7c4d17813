# Stand-in for edx-platform xmodule/contentstore/django.py (openedx/edx-platform): ``contentstore()``.
"""
``contentstore()``: the LMS's course asset store (MongoDB GridFS in edx-platform, ``MongoContentStore``); here a
host-only table (``xmodule.modulestore.models.StoredAsset``). ``find(location, throw_on_not_found=True,
as_stream=False)`` returns a ``StaticContent`` or raises ``NotFoundError`` (None without ``throw_on_not_found``),
as ``MongoContentStore.find``; ``save(content)`` stores one. Omitted: streams, thumbnails, listings.
"""

from xmodule.contentstore.content import StaticContent
from xmodule.exceptions import NotFoundError


class _HostContentStore:
    """The host's course assets, by the asset key's string."""

    def find(self, location, throw_on_not_found=True, as_stream=False):
        """The asset at ``location``, or ``NotFoundError`` / None."""
        from xmodule.modulestore.models import StoredAsset

        row = StoredAsset.objects.filter(asset_key=str(location)).first()
        if row is None:
            if throw_on_not_found:
                raise NotFoundError(location)
            return None
        data = bytes(row.data)
        return StaticContent(location, row.name, row.content_type, data, length=len(data), locked=row.locked)

    def save(self, content):
        """Store ``content`` (a ``StaticContent``) under its location."""
        from xmodule.modulestore.models import StoredAsset

        StoredAsset.objects.update_or_create(
            asset_key=str(content.location),
            defaults={
                "name": content.name,
                "content_type": content.content_type,
                "data": content.data,
                "locked": content.locked,
            },
        )
        return content


_STORE = _HostContentStore()


def contentstore(name="default"):
    """The course asset store."""
    return _STORE
