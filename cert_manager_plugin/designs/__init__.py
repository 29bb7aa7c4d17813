"""
Certificate designs (issue 17): a course's look as immutable versions, each certificate recording its version.

``document`` validates and resolves a design document (plain text blocks with a fixed set of variables, colours,
font, images, per mode/language overrides); ``library`` holds the built-in designs; ``models`` the versions and
uploaded assets; ``api`` what ``cert_manager_plugin.api`` exposes; ``jobs`` the apply job; ``pdf`` the PDF
rendering. docs/decisions/0009-certificate-designs.rst says why.
"""
