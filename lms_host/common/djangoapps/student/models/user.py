# Stand-in for edx-platform common/djangoapps/student/models/user.py at commit
# 0b870c132a5e8e2e1f1c4b3b2b20e329738d3a49 (openedx/openedx-platform).
"""
User-related student models.

Reproduced: ``UserProfile`` (table ``auth_userprofile``; ``user`` OneToOne with ``related_name='profile'``,
``name`` and the other demographic fields without their choices/validators), ``CourseAccessRole`` (``user``,
``org``, ``course_id``, ``role``; ``unique_together = (user, org, course_id, role)``), and
``get_user_by_username_or_email(username_or_email)`` exactly: strips the string, then
``User.objects.get(Q(email=...) | Q(username=...))``, so it raises ``User.DoesNotExist`` when nothing matches and
``User.MultipleObjectsReturned`` when one user's email equals another's username (or duplicates); a match by
username whose user has a ``UserRetirementRequest`` also raises ``User.DoesNotExist``. Lookups are exact
(edx-platform's MySQL collation makes them case-insensitive; the host's MariaDB test database does the same).

Omitted: ``country`` (django-countries), profile meta/session helpers, anonymous ids, retirement hashing helpers,
login tracking, LinkedIn/dashboard configuration, CourseAccessRoleHistory, ``NoneToEmptyManager`` (org-wide
roles with an empty course_id are not reproduced).
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from opaque_keys.edx.django.models import CourseKeyField

User = get_user_model()

__all__ = ["CourseAccessRole", "UserProfile", "get_user_by_username_or_email", "strip_if_string"]


class UserProfile(models.Model):
    """This is where we store all the user demographic fields."""

    class Meta:
        db_table = "auth_userprofile"
        permissions = (("can_deactivate_users", "Can deactivate, but NOT delete users"),)

    # edx-platform declares Meta first.
    user = models.OneToOneField(  # noqa: DJ012
        User, unique=True, db_index=True, related_name="profile", on_delete=models.CASCADE
    )
    name = models.CharField(blank=True, max_length=255, db_index=True)

    meta = models.TextField(blank=True)  # JSON dictionary for future expansion
    courseware = models.CharField(blank=True, max_length=255, default="course.xml")
    language = models.CharField(blank=True, max_length=255, db_index=True)
    location = models.CharField(blank=True, max_length=255, db_index=True)
    year_of_birth = models.IntegerField(blank=True, null=True, db_index=True)
    gender = models.CharField(blank=True, null=True, max_length=6, db_index=True)
    level_of_education = models.CharField(blank=True, null=True, max_length=6, db_index=True)
    mailing_address = models.TextField(blank=True, null=True)
    city = models.TextField(blank=True, null=True)
    state = models.CharField(blank=True, null=True, max_length=2)
    goals = models.TextField(blank=True, null=True)
    bio = models.CharField(blank=True, null=True, max_length=3000, db_index=False)
    profile_image_uploaded_at = models.DateTimeField(null=True, blank=True)
    phone_number = models.CharField(blank=True, null=True, max_length=50)

    def __str__(self):
        return f"UserProfile({self.user_id}, {self.name!r})"


class CourseAccessRole(models.Model):
    """
    Maps users to org, courses, and roles. Used by student.roles.CourseRole and OrgRole.
    To establish a user as having a specific role over all courses in the org, create an entry
    without a course_id.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE)
    # blank org is for global group based roles such as course creator (may be deprecated)
    org = models.CharField(max_length=64, db_index=True, blank=True)
    # blank course_id implies org wide role
    course_id = CourseKeyField(db_index=True, blank=True)
    role = models.CharField(max_length=64, db_index=True)

    class Meta:
        unique_together = ("user", "org", "course_id", "role")

    def __str__(self):
        return (
            f"[CourseAccessRole] user: {self.user.username}   role: {self.role}   org: {self.org}   "
            f"course: {self.course_id}"
        )


#### Helper methods for use from python manage.py shell and other classes.


def strip_if_string(value):
    if isinstance(value, str):
        return value.strip()
    return value


def get_user_by_username_or_email(username_or_email):
    """
    Return a User object by looking up a user against username_or_email.

    Raises:
        User.DoesNotExist if no user object can be found, the user was
        retired, or the user is in the process of being retired.

        MultipleObjectsReturned if one user has same email as username of
        second user

        MultipleObjectsReturned if more than one user has same email or
        username
    """
    username_or_email = strip_if_string(username_or_email)
    # there should be one user with either username or email equal to username_or_email
    user = User.objects.get(Q(email=username_or_email) | Q(username=username_or_email))
    if user.username == username_or_email:
        UserRetirementRequest = apps.get_model("user_api", "UserRetirementRequest")
        if UserRetirementRequest.has_user_requested_retirement(user):
            raise User.DoesNotExist
    return user
