# Stand-in for edx-platform lms/djangoapps/grades/ at commit 3b7eee77d13ce639d136eaa68b74d9b51e1a8a1a
# (openedx/openedx-platform; package marker).
