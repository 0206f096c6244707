"""Shipping: each order's shipment, its courier bookings (attempts) and their tracked statuses."""
