"""The plugin's REST API (Django REST framework): versioned under ``v1``, with its errors, parsers and permissions."""
