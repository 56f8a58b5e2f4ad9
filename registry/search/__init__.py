"""The site search page: one ranked list across every feature that registers a search source."""
