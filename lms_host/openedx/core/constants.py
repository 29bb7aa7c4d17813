# Stand-in for edx-platform openedx/core/constants.py at commit b18b6a3c131ebecd7d4319fc88b7cf6ee61a4295
# (openedx/edx-platform).
"""URL regexes for course keys. Reproduced: COURSE_KEY_PATTERN, COURSE_ID_PATTERN, COURSE_KEY_REGEX."""

COURSE_KEY_PATTERN = r"(?P<course_key_string>[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)"
COURSE_ID_PATTERN = COURSE_KEY_PATTERN.replace("course_key_string", "course_id")
COURSE_KEY_REGEX = COURSE_KEY_PATTERN.replace("P<course_key_string>", ":")
