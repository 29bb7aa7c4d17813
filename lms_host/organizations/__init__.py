# Stand-in for openedx/edx-organizations organizations/__init__.py (the ``organizations`` Django app the LMS installs).
"""edx-organizations: the organizations of the platform and their courses (see ``models`` and ``api``)."""
