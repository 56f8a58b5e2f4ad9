"""The home page, language switch and health check."""
