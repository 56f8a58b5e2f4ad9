"""Folded text for diacritic-insensitive search, and the site search page."""
