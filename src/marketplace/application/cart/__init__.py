"""Cart use cases: add, change, remove lines; view the cart grouped by store at today's prices."""
