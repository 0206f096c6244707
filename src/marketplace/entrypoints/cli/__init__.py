"""The `marketplace` command line: serve, migrate, seed, admin."""
