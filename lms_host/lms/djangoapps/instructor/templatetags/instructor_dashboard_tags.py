# lms_host only: no edx-platform counterpart. Reproduces, for the Django port of edx-platform's
# lms/templates/instructor/instructor_dashboard_2/instructor_dashboard_2.html (openedx/edx-platform at commit
# 0182a767fd1789ffa9524fed6231580166a33d0f), how its Mako ``<%include>`` renders a section's template.
"""
``{% idash_section section_data %}``: a dashboard section rendered as the LMS renders it, with Mako.

edx-platform's page does ``<%include file="${ section_data.get('template_path_prefix', '') }${
section_data['section_key'] }.html" args="section_data=section_data" />``. Mako resolves a relative name against
the including page's directory (built-in sections: ``instructor/instructor_dashboard_2/<section_key>.html``) and an
absolute one (a plugin's ``template_path_prefix`` such as ``/instructor_dashboard/``) against the template
directories, which in the LMS include every installed app's ``templates`` directory. So a plugin ships a *Mako*
template there, and this tag renders it with Mako too (the rest of the host's pages are Django templates).
"""

from functools import cache

from django import template
from django.conf import settings
from django.template.utils import get_app_template_dirs
from django.utils.safestring import mark_safe
from mako.lookup import TemplateLookup

register = template.Library()

INCLUDING_TEMPLATE_DIR = "/instructor/instructor_dashboard_2/"


def _lookup() -> TemplateLookup:
    dirs = [str(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    dirs += [str(d) for d in get_app_template_dirs("templates")]
    return _lookup_for(tuple(dirs))


@cache
def _lookup_for(dirs: tuple[str, ...]) -> TemplateLookup:
    return TemplateLookup(directories=list(dirs), default_filters=["str"])


def section_template_name(section_data) -> str:
    """The Mako name ``<%include>`` resolves for ``section_data`` (a section dict of the instructor dashboard)."""
    name = f"{section_data.get('template_path_prefix', '')}{section_data['section_key']}.html"
    return name if name.startswith("/") else INCLUDING_TEMPLATE_DIR + name


@register.simple_tag
def idash_section(section_data):
    """The section's HTML, rendered by Mako with ``section_data`` as the page argument."""
    return mark_safe(_lookup().get_template(section_template_name(section_data)).render(section_data=section_data))  # noqa: S308
