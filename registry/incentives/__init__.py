"""Incentive policies as data (national and provincial), and the communes listed as difficult or especially difficult."""
