# lms_host only: no edx-platform counterpart (edx-platform renders the instructor dashboard with Mako).
