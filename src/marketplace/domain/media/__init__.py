"""Media: uploaded objects (owner, purpose, key, real type and size), checked by their bytes."""
