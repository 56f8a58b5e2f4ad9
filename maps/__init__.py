"""Geodata for the registry without Flask: read boundary uploads, check them, serve map layers and maps.

Nothing here imports Flask, the database or the `registry` package.
"""
