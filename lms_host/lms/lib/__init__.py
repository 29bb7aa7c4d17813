# Stand-in for edx-platform lms/lib/ at commit 0f1ccfaf4d3388e13d796038abfd3db0e5d2d7dc
# (openedx/openedx-platform; package marker).
