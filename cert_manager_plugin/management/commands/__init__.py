"""The ``manage.py`` commands: bulk jobs, job status, backfill from the LMS, standalone course roles."""
