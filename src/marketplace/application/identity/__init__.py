"""Identity use cases: registration, sessions with rotating refresh tokens, profile, addresses."""
