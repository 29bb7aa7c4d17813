# Stand-in for edx-platform lms/envs/ at commit 0191bfd216e9bf220f9c5cdda34cef073d0718db
# (openedx/openedx-platform; package marker).
