"""Validate a catalog's nodes and walk them as a tree."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .hs import normalize_hs
from .model import KINDS, SUB_SECTORS, CatalogInvalid, Node, Problem

CODE_PATTERN = re.compile(r"^[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*$")


def validate(nodes: list[Node]) -> list[Problem]:
    """List every problem in `nodes`: codes, duplicates, parents, cycles, names, kinds and HS codes."""
    problems: list[Problem] = []
    if not nodes:
        return [Problem("empty_file")]
    first_line: dict[str, int | None] = {}
    for node in nodes:
        if not node.code or len(node.code) > 40 or not CODE_PATTERN.match(node.code):
            problems.append(Problem("bad_code", node.line, "code", {"code": node.code}))
        elif node.code in first_line:
            problems.append(
                Problem("duplicate_code", node.line, "code", {"code": node.code, "first": first_line[node.code]})
            )
        else:
            first_line[node.code] = node.line
        if not node.name_vi.strip():
            problems.append(Problem("empty_name", node.line, "name_vi", {"code": node.code}))
        if node.kind is not None and node.kind not in KINDS:
            problems.append(Problem("bad_kind", node.line, "kind", {"kind": node.kind}))
        if node.sub_sector is not None and node.sub_sector not in SUB_SECTORS:
            problems.append(
                Problem(
                    "bad_sub_sector",
                    node.line,
                    "sub_sector",
                    {"sub_sector": node.sub_sector, "allowed": ", ".join(SUB_SECTORS)},
                )
            )
        for hs in node.hs_codes:
            if normalize_hs(hs) is None:
                problems.append(Problem("bad_hs_code", node.line, "hs_codes", {"hs": hs}))
    parent_of = {n.code: n.parent for n in nodes if n.code}
    for node in nodes:
        if node.parent and node.parent not in parent_of:
            problems.append(Problem("missing_parent", node.line, "parent", {"parent": node.parent, "code": node.code}))
    problems.extend(_cycles(nodes, parent_of))
    return sorted(problems, key=lambda p: (p.line or 0, p.field or ""))


def _cycles(nodes: list[Node], parent_of: dict[str, str | None]) -> Iterator[Problem]:
    reported: set[str] = set()
    for node in nodes:
        path, code = [], node.code
        while code and code in parent_of and code not in path:
            path.append(code)
            code = parent_of[code]
        if code in path and node.code not in reported:
            cycle = path[path.index(code):] + [code]
            reported.update(cycle)
            yield Problem("cycle", node.line, "parent", {"code": node.code, "path": " → ".join(cycle)})


def checked(nodes: list[Node]) -> list[Node]:
    """Return `nodes` with HS codes normalized and parents ordered first, or raise CatalogInvalid."""
    problems = validate(nodes)
    if problems:
        raise CatalogInvalid(problems)
    normalized = [
        Node(**{**n.__dict__, "hs_codes": tuple(dict.fromkeys(normalize_hs(h) for h in n.hs_codes))}) for n in nodes
    ]
    return list(Tree(normalized).walk())


class Tree:
    """Look up nodes by code, their children and ancestors."""

    def __init__(self, nodes: Iterable[Node]):
        self.nodes = {n.code: n for n in nodes}
        self._children: dict[str | None, list[Node]] = {}
        for node in self.nodes.values():
            self._children.setdefault(node.parent, []).append(node)

    def get(self, code: str) -> Node | None:
        return self.nodes.get(code)

    def children(self, code: str | None) -> list[Node]:
        return self._children.get(code, [])

    @property
    def roots(self) -> list[Node]:
        return self.children(None)

    def ancestors(self, code: str) -> list[Node]:
        """List the node's ancestors from the root down."""
        chain = []
        node = self.nodes.get(code)
        while node is not None and node.parent:
            node = self.nodes.get(node.parent)
            if node is not None:
                chain.append(node)
        return chain[::-1]

    def walk(self, code: str | None = None) -> Iterator[Node]:
        """Yield nodes depth-first, each parent before its children, keeping file order among siblings."""
        for child in self.children(code):
            yield child
            yield from self.walk(child.code)


def map_by_code(old_codes: Iterable[str], new_codes: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Pair each old code with the same code in the new version; list the old codes left over."""
    available = set(new_codes)
    mapped, unmapped = {}, []
    for code in old_codes:
        if code in available:
            mapped[code] = code
        else:
            unmapped.append(code)
    return mapped, unmapped
