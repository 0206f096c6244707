"""Catalog use cases: categories, products, variants, browsing, search and detail."""
