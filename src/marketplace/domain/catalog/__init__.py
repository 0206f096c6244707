"""Catalog: categories, products and their variants, and who may see them."""
