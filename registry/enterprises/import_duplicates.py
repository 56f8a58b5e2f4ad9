"""Find, for rows being imported, alike names among the province's records and earlier rows of the file."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

import numpy as np
from rapidfuzz import fuzz, process


from .duplicates import SIMILAR_NAME_SCORE

# Rows compared against a province's records per call: the score matrix is rows × records bytes.
CHUNK = 2000
MATCHES_PER_ROW = 5


def similar_names(accepted: Sequence, existing: Sequence) -> Iterator[tuple[object, int | None, int | None, float]]:
    """Yield (entry, existing id, earlier row, score) for every alike pair in one province.

    Registered records are compared with rapidfuzz `ratio` as in `duplicates.similar_in_province`;
    rows of the file are compared with each other by equal core names only, since a fuzzy
    comparison of every pair would grow with the square of the file.
    """
    by_province: dict[str, list] = defaultdict(list)
    for entry in accepted:
        by_province[entry.cleaned["province_code"]].append(entry)
    records: dict[str, list] = defaultdict(list)
    for row in existing:
        if row.name_core:
            records[row.province_code].append(row)
    for province_code, entries in by_province.items():
        cores = [e.folded_name[1] for e in entries]
        yield from _against_records(entries, cores, records.get(province_code, []))
        yield from _within_file(entries, cores)


def _against_records(entries: list, cores: list[str], records: list) -> Iterator[tuple[object, int, None, float]]:
    if not records:
        return
    choices = [r.name_core for r in records]
    for start in range(0, len(entries), CHUNK):
        scores = process.cdist(cores[start:start + CHUNK], choices, scorer=fuzz.ratio, score_cutoff=SIMILAR_NAME_SCORE,
                               dtype=np.uint8, workers=-1)
        for offset in np.flatnonzero(scores.any(axis=1)):
            row = scores[offset]
            best = np.argsort(row)[::-1][:MATCHES_PER_ROW]
            for record_index in best[row[best] > 0]:
                yield entries[start + offset], records[record_index].id, None, float(row[record_index])


def _within_file(entries: list, cores: list[str]) -> Iterator[tuple[object, None, int, float]]:
    first: dict[str, int] = {}
    for entry, core in zip(entries, cores):
        if not core:
            continue
        if core in first:
            yield entry, None, first[core], 100.0
        else:
            first[core] = entry.row
