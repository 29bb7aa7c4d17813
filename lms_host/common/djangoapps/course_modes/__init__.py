# Stand-in for edx-platform common/djangoapps/course_modes/ at commit 6913dfd7cbf742e40041ce14b76df5072ba6e335
# (openedx/openedx-platform; package marker).
