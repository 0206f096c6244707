"""The domain: aggregates, value objects, events and errors. Standard library only."""
