"""
Open Badges 3.0 verifiable credentials of certificates: contexts, issuer keys, credentials, proofs, status lists.

``api`` is what the plugin's API (``cert_manager_plugin.api``) exposes; ``models`` holds the tables.
"""
