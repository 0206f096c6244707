"""Live notifications: order, payment and shipment changes pushed to the people they concern."""
