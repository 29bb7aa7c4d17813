# Stand-in for edx-platform openedx/core/djangoapps/user_api/models.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
The user_api app's ``UserRetirementRequest`` (read by ``get_user_by_username_or_email``) and ``UserPreference``
(``pref-lang`` is the learner's language). Reproduced: the models, ``create_retirement_request`` /
``has_user_requested_retirement`` and ``UserPreference.get_value``. Omitted: every other user_api model
(UserRetirementStatus, RetirementState, org tags, ...).
"""

from django.contrib.auth.models import User
from django.db import models
from model_utils.models import TimeStampedModel


class UserPreference(models.Model):
    """A user's preference, stored as generic text to be processed by client"""

    KEY_REGEX = r"[-_a-zA-Z0-9]+"
    user = models.ForeignKey(User, db_index=True, related_name="preferences", on_delete=models.CASCADE)
    key = models.CharField(max_length=255, db_index=True)
    value = models.TextField()

    class Meta:
        unique_together = ("user", "key")

    def __str__(self):
        return f"{self.key} for {self.user_id}"

    @classmethod
    def get_value(cls, user, preference_key, default=None):
        """Gets the user preference value for a given key."""
        try:
            user_preference = cls.objects.get(user=user, key=preference_key)
            return user_preference.value
        except cls.DoesNotExist:
            return default


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
