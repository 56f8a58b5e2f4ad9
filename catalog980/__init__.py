"""The Decision 980/QĐ-TTg catalog of environmental-industry technologies, equipment and products.

A Flask-free library: read and validate catalog files, walk the tree, map one version onto another.
"""
from .hs import apec_2012, normalize_hs
from .model import KINDS, SUB_SECTORS, CatalogInvalid, CatalogVersion, Node, Problem
from .reader import read_catalog, read_shipped
from .tree import Tree, map_by_code, validate

__all__ = [
    "KINDS",
    "SUB_SECTORS",
    "CatalogInvalid",
    "CatalogVersion",
    "Node",
    "Problem",
    "Tree",
    "apec_2012",
    "map_by_code",
    "normalize_hs",
    "read_catalog",
    "read_shipped",
    "validate",
]
