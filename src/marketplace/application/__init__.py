"""The application: one use case per user intention, the ports they need, the unit of work."""
