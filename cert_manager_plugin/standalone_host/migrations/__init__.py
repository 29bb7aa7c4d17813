"""Migrations of the standalone host's tables (app label ``cert_manager_standalone``)."""
