"""Ordering: quote, check out, pay or expire, and move each store's order through its statuses."""
