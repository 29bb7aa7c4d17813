"""Tests of lms_host, the LMS-shaped test host (run with DJANGO_SETTINGS_MODULE=lms.envs.test)."""
