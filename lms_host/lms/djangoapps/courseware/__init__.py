# Stand-in for edx-platform lms/djangoapps/courseware/ at commit 8fe0640e92a89c80864ceb3386bea570e536140b
# (openedx/openedx-platform; package marker; has_access as lms/djangoapps/instructor/permissions.py uses it).
