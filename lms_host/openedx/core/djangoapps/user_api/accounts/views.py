# Stand-in for edx-platform openedx/core/djangoapps/user_api/accounts/views.py at commit
# 14f7dc8962faf4c8c762c1182add032f181a3180 (openedx/openedx-platform).
"""
The signal-sending part of the LMS's two retirement endpoints, under the view classes' names (they are the
signals' ``sender``).

Reproduced: ``LMSAccountRetirementView.retire_user(user, original_email, retired_email)`` sends what POST
/api/user/v1/accounts/retire_misc/ sends (USER_RETIRE_LMS_MISC then USER_RETIRE_MAILINGS);
``AccountRetirementView.retire_user(user, retired_username, retired_email)`` sends what POST
/api/user/v1/accounts/retire/ sends (USER_RETIRE_LMS_CRITICAL) and then retires the User row as that view does.
In the retirement pipeline's default order retire_misc runs before retire.

Omitted: the DRF views themselves (UserRetirementStatus, permissions, request parsing) and every other retirement
step (profile PII, certificates' names, wiki, credit, social auth, ...).
"""

from openedx.core.djangoapps.user_api.accounts.signals import (
    USER_RETIRE_LMS_CRITICAL,
    USER_RETIRE_LMS_MISC,
    USER_RETIRE_MAILINGS,
)


class LMSAccountRetirementView:
    """POST /api/user/v1/accounts/retire_misc/ (the signal part)."""

    @classmethod
    def retire_user(cls, user, original_email, retired_email):
        # This signal allows code in higher points of LMS to retire the user as necessary
        USER_RETIRE_LMS_MISC.send(sender=cls, user=user)

        # This signal allows code in higher points of LMS to unsubscribe the user
        # from various types of mailings.
        USER_RETIRE_MAILINGS.send(
            sender=cls,
            email=original_email,
            new_email=retired_email,
            user=user,
        )


class AccountRetirementView:
    """POST /api/user/v1/accounts/retire/ (the signal part and the final User update)."""

    @classmethod
    def retire_user(cls, user, retired_username, retired_email):
        # This signal allows code in higher points of LMS to retire the user as necessary
        USER_RETIRE_LMS_CRITICAL.send(
            sender=cls,
            user=user,
            retired_username=retired_username,
            retired_email=retired_email,
        )

        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.username = retired_username
        user.email = retired_email
        user.save()
