"""Request bodies as msgspec Structs: strict (unknown fields refused), constraints in the OpenAPI."""
