"""Local imitations of the providers' HTTP APIs (same paths, payloads, auth, statuses, callbacks) for
development and integration tests; standalone or mounted inside the marketplace app."""
