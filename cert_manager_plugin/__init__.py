"""Instructor-controlled course certificates that stay true to the learner's final grade."""

__version__ = "0.1.0"
