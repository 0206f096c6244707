"""Redis adapters: the shared catalog cache and rate limiter for several processes."""
