"""Value objects, errors and helpers shared by every bounded context."""
