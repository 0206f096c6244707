"""Identity: users (every user buys; owning a store makes a seller; admins) and refresh tokens."""
