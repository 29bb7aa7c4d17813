"""Certificates as people see them: the web certificate and verification page, PDFs, QR codes and exports."""
