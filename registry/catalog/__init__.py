"""The Decision 980 catalog as stored and shown."""
