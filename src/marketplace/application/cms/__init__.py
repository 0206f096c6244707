"""CMS use cases: admins write and publish pages and banners; anyone reads what is published (cached)."""
