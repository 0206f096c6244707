"""Shipping: booking each order's courier, tracking it to delivery, completing delivered orders."""
