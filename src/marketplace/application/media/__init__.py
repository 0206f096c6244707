"""Media use cases: ask for an upload, complete it once the stored bytes are checked."""
