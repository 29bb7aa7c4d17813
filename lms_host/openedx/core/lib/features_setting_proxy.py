# Stand-in for edx-platform openedx/core/lib/features_setting_proxy.py at commit
# 3eb3f98207d043e89cc3c964d59ef26931575d75 (openedx/openedx-platform).
"""
``FEATURES`` as a view of the settings module's own names.

edx-platform flattened its feature flags into top-level settings; ``FEATURES = FeaturesProxy(globals())`` keeps
``settings.FEATURES["X"]`` / ``settings.FEATURES.get("X")`` working by reading and writing the module-level ``X``
(``@override_settings(X=...)`` layers win on reads). Reproduced: reads, writes (with edx-platform's
DeprecationWarning), ``get``, ``update``, ``in``, ``copy``. Omitted: nothing that changes behaviour.
"""

import warnings
from collections.abc import Mapping, MutableMapping


class FeaturesProxy(MutableMapping):
    """A dict-like proxy over a settings namespace (the settings module's ``globals()``)."""

    _NOT_OVERRIDDEN = object()

    def __init__(self, namespace=None):
        self.ns = namespace or {}

    def _resolve(self, key):
        """``key``'s value if an ``@override_settings`` layer sets it, else ``_NOT_OVERRIDDEN``."""
        from django.conf import settings as django_settings

        wrapped = django_settings._wrapped
        while hasattr(wrapped, "default_settings"):
            if key in wrapped.__dict__:
                return wrapped.__dict__[key]
            wrapped = wrapped.default_settings
        return self._NOT_OVERRIDDEN

    def __getitem__(self, key):
        value = self._resolve(key)
        if value is not self._NOT_OVERRIDDEN:
            return value
        return self.ns[key]

    def __setitem__(self, key, value):
        warnings.warn(
            f"Accessing FEATURES as a dict is deprecated. "
            f"Add '{key} = {value!r}' to your Django settings module instead of modifying FEATURES.",
            DeprecationWarning,
            stacklevel=2,
        )
        self.ns[key] = value

    def __delitem__(self, key):
        del self.ns[key]

    def __iter__(self):
        return iter(self.ns)

    def __len__(self):
        return len(self.ns)

    def __contains__(self, key):
        return self._resolve(key) is not self._NOT_OVERRIDDEN or key in self.ns

    def get(self, key, default=None):
        value = self._resolve(key)
        if value is not self._NOT_OVERRIDDEN:
            return value
        return self.ns.get(key, default)

    def update(self, other=(), /, **kwds):
        items = other.items() if isinstance(other, Mapping) else other
        for key, value in items:
            self[key] = value
        for key, value in kwds.items():
            self[key] = value

    def copy(self):
        return FeaturesProxy(self.ns.copy())
