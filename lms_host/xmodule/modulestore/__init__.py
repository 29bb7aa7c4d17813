# Stand-in for edx-platform xmodule/modulestore (openedx/edx-platform): host-only storage of course block fields.
"""
edx-platform keeps a course's settings in its course block, in the modulestore (MongoDB). The host has no
modulestore: ``models.CourseBlockFields`` holds the block fields the host's stand-ins read, per course.
"""
