# Stand-in for openedx/edx-organizations organizations/api.py at commit 06b47295d262098cc849280cf89960097bfccf3c,
# its data layer (organizations/data.py at 24ab354e1329da07a8de0a71f042b2fcaf521ad0) and serializers
# (organizations/serializers.py at 13ee12b6f2a6feec4fa6a9df294ec91f4422a10a).
"""
Reproduced: ``get_course_organizations(course_key)`` = ``data.fetch_course_organizations``: the course's active
``OrganizationCourse`` rows (``course_id=str(course_key)``), each serialized by
``serialize_organization_with_course`` (id, name, short_name, description, ``logo`` — the ImageField's file — and
course_id); ``get_course_organization`` (the first or None). Omitted: the course-key validation (the callers pass
keys), every writer.
"""

from organizations.models import OrganizationCourse


def _serialize_organization_with_course(organization_course):
    """OrganizationCourse serialization (composite object), as ``serializers.serialize_organization_with_course``."""
    return {
        "id": organization_course.organization.id,
        "name": organization_course.organization.name,
        "short_name": organization_course.organization.short_name,
        "description": organization_course.organization.description,
        "logo": organization_course.organization.logo,
        "course_id": organization_course.course_id,
    }


def get_course_organizations(course_key):
    """
    Retrieves the set of organizations for a given course
    Returns an array of dicts containing organizations
    """
    queryset = OrganizationCourse.objects.filter(course_id=str(course_key), active=True).select_related("organization")
    return [_serialize_organization_with_course(organization) for organization in queryset]


def get_course_organization(course_key):
    """
    Returns the first organization linked to a given course,
    or None if the course is not linked to any organizations.
    """
    course_organization = get_course_organizations(course_key)
    if course_organization:
        return course_organization[0]
    return None
