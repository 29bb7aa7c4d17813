# Stand-in for edx-platform's ``xmodule`` package (openedx/edx-platform): only what the host's course block needs.
"""The host's course block storage (``xmodule.modulestore``): see its docstring."""
