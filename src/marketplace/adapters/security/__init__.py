"""Security adapters: argon2 password hashes and JWT access tokens."""
