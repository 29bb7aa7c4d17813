"""
The standalone adapter's courses and course team roles: an optional app for hosts without edx-platform.

The demo host (``devsite``) and the tests install it (``cert_manager_plugin.standalone_host`` in
``INSTALLED_APPS``); the LMS never does (its entry point installs ``cert_manager_plugin.apps:CertManagerConfig``
only, and the edx-platform adapter reads ``CourseOverview`` and ``CourseAccessRole``). Nothing outside this
package imports it: the standalone adapter looks its models up by app label (``lms.standalone``).
"""
