"""Image adapters: thumbnails with Pillow."""
