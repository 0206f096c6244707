"""Settlement: the ledger written with the order changes that cause it, balances, payouts."""
