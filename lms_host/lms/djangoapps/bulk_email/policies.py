# Stand-in for edx-platform lms/djangoapps/bulk_email/policies.py at commit
# 570a869bd3d5e9be11bddf628ab03dd10f55f72f (openedx/edx-platform): reproduced exactly.
"""Course Email optOut Policy (edx-ace policy ``bulk_email_optout``, registered by edx-platform's setup.py)."""

from edx_ace.channel import ChannelType
from edx_ace.policy import Policy, PolicyResult
from opaque_keys.edx.keys import CourseKey

from lms.djangoapps.bulk_email.models import Optout


class CourseEmailOptout(Policy):
    """Deny email to a learner who opted out of every course the message is about (``context['course_ids']``)."""

    def check(self, message):
        course_ids = message.context.get("course_ids")
        if not course_ids:
            return PolicyResult(deny=frozenset())

        course_keys = [CourseKey.from_string(course_id) for course_id in course_ids]
        if Optout.objects.filter(user_id=message.recipient.lms_user_id, course_id__in=course_keys).count() == len(
            course_keys
        ):
            return PolicyResult(deny={ChannelType.EMAIL})

        return PolicyResult(deny=frozenset())
