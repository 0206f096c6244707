"""Stores: one owner each, a unique slug, a pickup address; suspended stores sell nothing."""
