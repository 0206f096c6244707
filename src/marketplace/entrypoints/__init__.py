"""Entrypoints: HTTP (Litestar), CLI, and the composition root that picks the adapters."""
