"""Properties of the domain model."""
