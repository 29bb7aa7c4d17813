# Stand-in for edx-platform lms/djangoapps/instructor/views/ at commit 32ad8dd701f44d2865a62902303002a84fb63c1e
# (openedx/openedx-platform; package marker).
