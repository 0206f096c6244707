"""MongoDB adapters (pymongo's async client): the chat store in production."""
