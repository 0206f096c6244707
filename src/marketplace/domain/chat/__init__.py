"""Chat: conversations between a buyer and a store, and their messages in order."""
