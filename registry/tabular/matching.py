"""Match a file's headers to our fields through the spellings each field accepts, folded."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from registry.text import fold

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def suggest_mapping(header: Sequence[str], synonyms: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Return {header: field} for the headers we recognise; each field is given to one column at most.

    Exact matches (ignoring case, diacritics, punctuation and bracketed notes) come first; then a
    header that contains a synonym as whole words takes the field of its longest such synonym.
    """
    spellings = {field: {fold(s) for s in names} for field, names in synonyms.items()}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    folded = {name: _folded_header(name) for name in header}
    for name in header:
        for field_name, names in spellings.items():
            if field_name not in taken and (folded[name] in names or fold(name) in names):
                mapping[name] = field_name
                taken.add(field_name)
                break
    for name in header:
        if name in mapping:
            continue
        best = _longest_contained(f" {fold(name)} ", spellings, taken)
        if best:
            mapping[name] = best
            taken.add(best)
    return mapping


def _folded_header(name: str) -> str:
    return fold(_BRACKETS.sub(" ", name)) or fold(name)


def _longest_contained(padded: str, spellings: Mapping[str, set[str]], taken: set[str]) -> str | None:
    best, length = None, 0
    for field_name, names in spellings.items():
        if field_name in taken:
            continue
        for spelling in names:
            if len(spelling) > length and f" {spelling} " in padded:
                best, length = field_name, len(spelling)
    return best


def resolve_mapping(header: Sequence[str], chosen: Mapping[str, str] | None, synonyms: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Combine the user's choices with suggestions for the headers they did not choose for; "" means "do not import"."""
    chosen = {name: value for name, value in (chosen or {}).items() if name in header}
    suggested = suggest_mapping([h for h in header if h not in chosen], {f: s for f, s in synonyms.items() if f not in chosen.values()})
    return {name: value for name, value in {**suggested, **chosen}.items() if value in synonyms}
