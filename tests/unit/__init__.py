"""Unit tests: the domain and the use cases, in memory."""
