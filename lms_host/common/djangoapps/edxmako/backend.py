# Stand-in for edx-platform common/djangoapps/edxmako/backend.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
The Mako template backend: ``Mako.get_template(name)`` is ``lookup_template(self.namespace, name)``, so Django's
``engines["mako"]`` finds only what the namespace's lookup (``MAKO_TEMPLATE_DIRS_BASE``) finds.

Omitted: ``from_string`` with edx-platform's context processors, the request-context wrapper.
"""

from django.template import TemplateDoesNotExist
from django.template.backends.base import BaseEngine
from mako.exceptions import TopLevelLookupException

from .paths import lookup_template


class Mako(BaseEngine):
    """A Django template engine over the edxmako lookups."""

    app_dirname = "templates"

    def __init__(self, params):
        params = params.copy()
        options = params.pop("OPTIONS").copy()
        super().__init__(params)
        self.namespace = options.pop("namespace", "main")

    def get_template(self, template_name):
        """The template of the namespace's lookup, or ``TemplateDoesNotExist``."""
        try:
            return Template(lookup_template(self.namespace, template_name))
        except TopLevelLookupException as exc:
            raise TemplateDoesNotExist(template_name, backend=self) from exc


class Template:
    """A Mako template rendered with a context dict."""

    def __init__(self, mako_template):
        self.mako_template = mako_template

    def render(self, context=None, request=None):
        """The rendered text."""
        return self.mako_template.render(**(context or {}))
