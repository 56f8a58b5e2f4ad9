"""Investor proposals matched to zones: the pure engine (`engine`) and the feature around it."""
