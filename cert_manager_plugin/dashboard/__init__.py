"""The plugin's server-rendered pages and its openedx-filters steps inside the LMS's own pages."""
