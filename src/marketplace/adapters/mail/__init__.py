"""Sending email: over SMTP, or kept as .eml files where the sandboxes serve (docs/providers.md)."""
