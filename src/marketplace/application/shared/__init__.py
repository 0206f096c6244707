"""Read models and helpers shared by the use cases of several contexts."""
