"""CMS content: pages (Markdown rendered to sanitised HTML) and banners (shown inside a time window)."""
