"""Boundaries used across the maps tests."""
from __future__ import annotations

import pytest
from shapely.geometry import Polygon

from .files import DUNG_QUAT, HANOI, square


@pytest.fixture
def hanoi_square() -> Polygon:
    """A 100 ha square centred on Hà Nội."""
    return square(*HANOI)


@pytest.fixture
def dung_quat_square() -> Polygon:
    """A 100 ha square centred on the Dung Quất economic zone."""
    return square(*DUNG_QUAT)
