"""Markdown rendering and HTML sanitising (markdown-it-py, nh3)."""
