"""Store use cases: open, update, suspend and reinstate, show and browse."""
