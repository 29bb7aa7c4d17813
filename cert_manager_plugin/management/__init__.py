"""Django management commands of the certificate manager."""
