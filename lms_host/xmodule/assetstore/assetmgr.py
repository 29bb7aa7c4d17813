# Stand-in for edx-platform xmodule/assetstore/assetmgr.py at commit 8ddef400393a4a92f5d572daad83941ff16e546c
# (openedx/edx-platform), as written.
"""``AssetManager.find(asset_key, throw_on_not_found=True, as_stream=False)``: the content store's ``find``."""

from xmodule.contentstore.django import contentstore


class AssetManager:
    """
    Manager for saving/loading course assets.
    """

    @staticmethod
    def find(asset_key, throw_on_not_found=True, as_stream=False):
        """Finds course asset in the deprecated contentstore."""
        return contentstore().find(asset_key, throw_on_not_found, as_stream)
