"""Security adapters: argon2 password hashes, zxcvbn password strength and JWT access tokens."""
