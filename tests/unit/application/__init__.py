"""Use cases driven in memory through the real container."""
