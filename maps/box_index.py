"""Which zones' boxes meet a view: every zone's box held in arrays, answered without a database scan."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .validation import Bbox

# (key, min_lon, min_lat, max_lon, max_lat): a zone known only by its point has that point as its box.
BoxRow = tuple[int, float, float, float, float]


class BoxIndex:
    """The boxes of many zones; `meeting(bbox)` lists the keys of those that overlap or touch a box."""

    def __init__(self, rows: Iterable[BoxRow]) -> None:
        rows = list(rows)
        self._keys = np.array([row[0] for row in rows], dtype=np.int64)
        self._boxes = np.array([row[1:] for row in rows], dtype=float).reshape(len(rows), 4)

    def __len__(self) -> int:
        return len(self._keys)

    def meeting(self, bbox: Bbox) -> list[int]:
        """Return the keys whose box meets `bbox`, in ascending order."""
        b = self._boxes
        hits = (b[:, 0] <= bbox[2]) & (b[:, 2] >= bbox[0]) & (b[:, 1] <= bbox[3]) & (b[:, 3] >= bbox[1])
        return sorted(self._keys[hits].tolist())
