"""Economic zones, industrial parks and clusters: figures, boundaries and their versions."""
