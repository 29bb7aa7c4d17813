# Stand-in for edx-platform openedx/core/djangolib/ at commit 76ccca7c8787cd4259bd0e8ada3f940cf3195b39
# (openedx/edx-platform; package marker).
