"""Settlement: the double-entry ledger of what each store and affiliate is owed, and their payouts."""
