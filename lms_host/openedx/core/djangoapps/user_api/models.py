# Stand-in for edx-platform openedx/core/djangoapps/user_api/models.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
The user_api app's ``UserRetirementRequest`` (read by ``get_user_by_username_or_email``). Reproduced: the model
and its ``create_retirement_request`` / ``has_user_requested_retirement`` classmethods. Omitted: every other
user_api model (UserRetirementStatus, RetirementState, preferences, org tags, ...).
"""

from django.contrib.auth.models import User
from django.db import models
from model_utils.models import TimeStampedModel


class RetirementStateError(Exception):
    pass


class UserRetirementRequest(TimeStampedModel):
    """
    Records and perists every user retirement request.
    Users that have requested to cancel their retirement before retirement begins can be removed.
    All other retired users persist in this table forever.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE)

    class Meta:
        verbose_name = "User Retirement Request"
        verbose_name_plural = "User Retirement Requests"

    @classmethod
    def create_retirement_request(cls, user):
        """Creates a UserRetirementRequest for the specified user."""
        if cls.has_user_requested_retirement(user):
            raise RetirementStateError(f"User {user} already has a retirement request row!")
        return cls.objects.create(user=user)

    @classmethod
    def has_user_requested_retirement(cls, user):
        """Checks to see if a UserRetirementRequest has been created for the specified user."""
        return cls.objects.filter(user=user).exists()

    def __str__(self):
        return f"User: {self.user.id} Requested: {self.created}"
