# lms_host only: no edx-platform counterpart. Reproduces, for the Django port of edx-platform's
# lms/templates/instructor/instructor_dashboard_2/instructor_dashboard_2.html (openedx/edx-platform at commit
# 0182a767fd1789ffa9524fed6231580166a33d0f), how its Mako ``<%include>`` renders a section's template.
"""
``{% idash_section section_data %}``: a dashboard section rendered as the LMS renders it, with Mako.

edx-platform's page does ``<%include file="${ section_data.get('template_path_prefix', '') }${
section_data['section_key'] }.html" args="section_data=section_data" />``. Mako resolves a relative name against
the including page's directory (built-in sections: ``instructor/instructor_dashboard_2/<section_key>.html``) and an
absolute one (a plugin's ``template_path_prefix``) by stripping the leading ``/`` and trying each directory of the
page's lookup, ``edxmako.LOOKUP["main"]``: built by ``EdxMakoConfig.ready`` from ``MAKO_TEMPLATE_DIRS_BASE`` only
(mako ``TemplateLookup.get_template``; edxmako ``paths.lookup_template``). An app's ``templates`` directory is not
on it: a plugin must append its own to ``MAKO_TEMPLATE_DIRS_BASE`` from its settings hook, or the include fails and
the whole page fails with it (mako ``TopLevelLookupException``).
"""

from django import template
from django.utils.safestring import mark_safe

from common.djangoapps.edxmako.paths import lookup_template

register = template.Library()

INCLUDING_TEMPLATE_DIR = "/instructor/instructor_dashboard_2/"


def section_template_name(section_data) -> str:
    """The Mako name ``<%include>`` resolves for ``section_data`` (a section dict of the instructor dashboard)."""
    name = f"{section_data.get('template_path_prefix', '')}{section_data['section_key']}.html"
    return name if name.startswith("/") else INCLUDING_TEMPLATE_DIR + name


@register.simple_tag
def idash_section(section_data):
    """The section's HTML, rendered by Mako with ``section_data`` as the page argument."""
    return mark_safe(lookup_template("main", section_template_name(section_data)).render(section_data=section_data))  # noqa: S308
