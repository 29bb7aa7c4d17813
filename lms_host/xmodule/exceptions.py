# Stand-in for edx-platform xmodule/exceptions.py (openedx/edx-platform): the one exception the content store raises.
"""``NotFoundError``: what ``ContentStore.find`` raises for an asset it does not have (``throw_on_not_found``)."""


class NotFoundError(Exception):
    """An asset (or other item) was not found."""
