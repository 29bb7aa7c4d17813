# Stand-in for edx-platform lms/djangoapps/instructor/constants.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""Constants used by Instructor. Reproduced: the plugin view name. Omitted: report types, invoice key."""

# external plugins (if any) will use this constant to return context to instructor dashboard
INSTRUCTOR_DASHBOARD_PLUGIN_VIEW_NAME = "instructor_dashboard"
