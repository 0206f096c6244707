"""Thin controllers: map the request to a command, call one use case, return its view."""
