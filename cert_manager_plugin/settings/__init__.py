"""Settings injected into the host by edx-django-utils ``add_plugins``."""
