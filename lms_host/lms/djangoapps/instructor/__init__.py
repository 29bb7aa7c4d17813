# Stand-in for edx-platform lms/djangoapps/instructor/ at commit 5af5f01fa9480258a5001852cd7498fe3e4cd2fb
# (openedx/openedx-platform; package marker).
