"""The worker: delivers outbox messages to their handlers and runs the periodic jobs."""
