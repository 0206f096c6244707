"""Ordering: a checkout pays for one order per store; each order follows its state machine."""
