"""Cart: one per buyer, lines across stores; quantities stay within what can be bought."""
