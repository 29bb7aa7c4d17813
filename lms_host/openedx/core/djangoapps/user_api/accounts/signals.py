# Stand-in for edx-platform openedx/core/djangoapps/user_api/accounts/signals.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
Django Signal related functionality for user_api accounts. Reproduced exactly.

How edx-platform sends them (openedx/core/djangoapps/user_api/accounts/views.py at commit
14f7dc8962faf4c8c762c1182add032f181a3180; see the stand-ins in ``views.py`` beside this file):

* ``USER_RETIRE_LMS_MISC.send(sender=LMSAccountRetirementView, user=<User>)`` then
  ``USER_RETIRE_MAILINGS.send(sender=LMSAccountRetirementView, email=<original email>, new_email=<retired email>,
  user=<User>)`` (POST /api/user/v1/accounts/retire_misc/).
* ``USER_RETIRE_LMS_CRITICAL.send(sender=AccountRetirementView, user=<User>, retired_username=<str>,
  retired_email=<str>)`` (POST /api/user/v1/accounts/retire/), sent while the user still has its original
  username and email; the view then blanks first/last name, deactivates the user and sets the retired username
  and email.
"""

from django.dispatch import Signal

# Signal to retire a user from LMS-initiated mailings (course mailings, etc)
# providing_args=["user"]
USER_RETIRE_MAILINGS = Signal()

# Signal to retire LMS critical information
# providing_args=["user", "retired_username", "retired_email"]
USER_RETIRE_LMS_CRITICAL = Signal()

# Signal to retire LMS misc information
# providing_args=["user"]
USER_RETIRE_LMS_MISC = Signal()
