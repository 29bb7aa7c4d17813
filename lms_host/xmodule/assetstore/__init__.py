# Stand-in for edx-platform xmodule/assetstore (openedx/edx-platform).
"""The asset manager (``assetmgr``)."""
