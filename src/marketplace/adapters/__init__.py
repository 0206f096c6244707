"""Adapters: implementations of the application's ports (memory, SQL, Redis, security, ...)."""
