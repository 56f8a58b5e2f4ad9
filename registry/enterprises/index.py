"""The enterprise search index: folded text, legal-form words set aside, FTS5 or pg_trgm underneath.

This module alone decides what enterprise text is indexed and how it is looked up. SQLite keeps a standalone FTS5 table
(`enterprise_search`, rowid = enterprise id) fed with folded text, because no tokenizer folds
đ/Đ and an external-content table must see the exact stored text. Its `state` column holds
the record's status (empty when published), so a search by text and status alone is counted
and paged in the index without touching `enterprise` (`matches_page`). PostgreSQL matches the
same words in the stored `enterprise.search_text` column through a pg_trgm GIN index.

The rule is the registry's one (`registry.text`): every word of a query must match a whole word
except the last, which may be the beginning of one (as one types). “xu l” finds “xử lý” but not
“xuất”; whole earlier words also keep broad queries cheap, since an FTS5 prefix merges every word
it begins. `install` keeps the index's `state` in step with status changes; the app factory calls it.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from markupsafe import Markup, escape
from sqlalchemy import Select, and_, bindparam, column, event, func, inspect, literal, select, table, text

from registry.audit import service as audit
from registry.extensions import db
from registry.page_cache import kept_value
from registry.text import fold, word_patterns

from .models import Enterprise

FTS_TABLE = "enterprise_search"
# Folded legal-form phrases, longest first so "cong ty co phan" goes before "cong ty".
LEGAL_FORMS = sorted(
    [
        "tong cong ty", "cong ty", "cty", "ct y", "trach nhiem huu han", "tnhh", "co phan", "cp", "cty cp",
        "mot thanh vien", "hai thanh vien tro len", "hai thanh vien", "mtv", "doanh nghiep tu nhan", "dntn",
        "hop tac xa", "htx", "jsc", "joint stock company", "joint stock", "co ltd", "company limited",
        "limited liability company", "llc", "limited", "company", "corporation", "corp", "ltd", "inc", "group",
    ],
    key=len,
    reverse=True,
)
# Grouped by first letter, longest first within each group: only the forms of one letter can begin
# where a match begins, so the choice is that of one long alternation, but tried a group at a time.
_LEGAL_FORM_PATTERN = re.compile(r"\b(?:" + "|".join(
    re.escape(first) + "(?:" + "|".join(re.escape(form[1:]) for form in LEGAL_FORMS if form[0] == first) + ")"
    for first in dict.fromkeys(form[0] for form in LEGAL_FORMS)) + r")\b")
_WORD = re.compile(r"(\w+)")
search_table = table(FTS_TABLE, column("rowid"), column("rank"))
RANKED_MATCHES = 2000
HIDDEN = "hidden"


def is_search_structure(name: str | None, type_: str) -> bool:
    """Tell whether a table or index is part of the search index that no model describes (for Alembic)."""
    if type_ == "table":
        return bool(name) and name.startswith(FTS_TABLE)
    return type_ == "index" and bool(name) and name.endswith("_trgm")


def strip_legal_forms(folded: str) -> str:
    """Drop words such as “cong ty”, “tnhh”, “co phan”, “jsc” from folded text."""
    return " ".join(_LEGAL_FORM_PATTERN.sub(" ", folded).split())


def query_terms(query: str | None) -> list[str]:
    """Return the folded words of a query that matter for matching, legal-form words removed."""
    return strip_legal_forms(fold(query)).split()[:8]


def tax_code_terms(tax_code: str) -> str:
    """Index a tax code whole and, for a branch, as parent code and suffix too."""
    return f"{tax_code} {tax_code[:10]} {tax_code[10:]}".strip() if len(tax_code) == 13 else tax_code


def indexed_parts(name_vi: str, name_en: str, short_name: str, tax_code: str, nodes: Iterable, *,
                  name_folded: str | None = None, items_text: str | None = None) -> tuple[str, str, str]:
    """Return the folded names (legal forms set aside), tax-code terms and text of the catalog `nodes`.

    `name_folded` is `fold(name_vi)` and `items_text` is `items_text(nodes)` when the caller has
    them already. Folding works character by character and spaces separate the parts, so the
    names are folded one by one and joined.
    """
    folded = (fold(name_vi) if name_folded is None else name_folded, fold(name_en), fold(short_name))
    names = strip_legal_forms(" ".join(filter(None, folded)))
    return names, tax_code_terms(tax_code), items_text_of(nodes) if items_text is None else items_text


def items_text_of(nodes: Iterable) -> str:
    """The indexed text of catalog `nodes`: each one's folded code and names."""
    return " ".join(filter(None, (_folded_item(node.code, node.name_vi, node.name_en) for node in nodes)))


@functools.lru_cache(maxsize=4096)
def _folded_item(code: str, name_vi: str, name_en: str) -> str:
    # Cached because an import folds the same few catalog items' long names for every row.
    return fold(f"{code} {name_vi} {name_en}")


def _indexed_parts(enterprise) -> tuple[str, str, str]:
    nodes = [link.node for link in enterprise.items if link.node]
    return indexed_parts(enterprise.name_vi, enterprise.name_en, enterprise.short_name, enterprise.tax_code, nodes)


def folded_name(name_vi: str) -> tuple[str, str]:
    """Return the stored folded name and its core, the folded name with legal forms set aside (or whole, when that is all)."""
    name_folded = fold(name_vi)
    return name_folded, strip_legal_forms(name_folded) or name_folded


def folded_columns(name_vi: str, parts: tuple[str, str, str], folded: tuple[str, str] | None = None) -> dict[str, str]:
    """Return the stored folded columns for a name and its `indexed_parts` (what `refresh` sets); `folded` is its `folded_name`."""
    name_folded, name_core = folded or folded_name(name_vi)
    return {
        "name_folded": name_folded,
        "name_core": name_core,
        "search_text": " " + " ".join(filter(None, parts)) + " ",
    }


def refresh(enterprise) -> None:
    """Recompute an enterprise's folded columns from its names, tax code and catalog items."""
    for name, value in folded_columns(enterprise.name_vi, _indexed_parts(enterprise)).items():
        setattr(enterprise, name, value)


def state_terms(status) -> str:
    """The index's `state` words for a status: none when published, else “hidden” and the status.

    Public searches then exclude every other record with one NOT over the few hidden rows, and an
    officer's search of one status intersects with that status's rows only.
    """
    value = getattr(status, "value", status)
    return "" if value == "published" else f"{HIDDEN} {value}"


_INSERT = text(f"INSERT INTO {FTS_TABLE}(rowid, names, codes, items, state) VALUES (:id, :names, :codes, :items, :state)")


def write_to_index(enterprise) -> None:
    """Put the enterprise's folded text into the SQLite FTS table (PostgreSQL indexes the column itself)."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    remove_from_index(enterprise.id)
    names, codes, items = _indexed_parts(enterprise)
    db.session.execute(_INSERT, {"id": enterprise.id, "names": names, "codes": codes, "items": items,
                                 "state": state_terms(enterprise.status)})


def write_many_to_index(entries: Iterable[tuple[int, tuple[str, str, str]]]) -> None:
    """Index new published enterprises in one statement: (id, `indexed_parts`) pairs; for bulk imports."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    rows = [(id_, names, codes, items, "") for id_, (names, codes, items) in entries]
    if rows:
        # Straight to the driver: the text statement's per-row parameter handling cost more than FTS5's own work.
        db.session.connection().exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, names, codes, items, state) VALUES (?, ?, ?, ?, ?)", rows)
        audit.note_written(FTS_TABLE)


def install() -> None:
    """Keep the index's `state` in step whenever a record's status changes through the ORM (review, merge); once per process."""
    if not event.contains(Enterprise, "after_update", _status_changed):
        event.listen(Enterprise, "after_update", _status_changed)


def _status_changed(_mapper, connection, target) -> None:
    if connection.dialect.name == "sqlite" and inspect(target).attrs.status.history.has_changes():
        connection.execute(text(f"UPDATE {FTS_TABLE} SET state = :state WHERE rowid = :id"),
                           {"state": state_terms(target.status), "id": target.id})


def remove_from_index(enterprise_id: int) -> None:
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": enterprise_id})


def clear_index(connection) -> None:
    """Empty the FTS table (tests, and `demo remove` through the deletes it makes)."""
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"DELETE FROM {FTS_TABLE}"))


def rebuild_index() -> int:
    """Refill the SQLite FTS table from the enterprise rows; returns how many were indexed."""
    count = 0
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text(f"DELETE FROM {FTS_TABLE}"))
    for enterprise in db.session.scalars(db.select(Enterprise)):
        refresh(enterprise)
        write_to_index(enterprise)
        count += 1
    return count


def _fts_expression(terms: list[str], status=None) -> str:
    # Every term is a run of word characters after folding, so quoting cannot be broken out of.
    words = " AND ".join([*(f'"{term}"' for term in terms[:-1]), f'"{terms[-1]}"*'])
    state = state_terms(status) if status is not None else None
    if state == "":
        # Published only: the hidden rows, whose state words a typed "h" would match, are left out
        # anyway, and a column filter would cost a broad query a third more.
        return f"({words}) NOT state : {HIDDEN}"
    text_only = f"{{names codes items}} : ({words})"  # a typed "h" must not find every "hidden" record
    return text_only if state is None else f"{text_only} AND state : {state.split()[-1]}"


def _match(expression: str, name: str):
    return text(f"{FTS_TABLE} MATCH :{name}").bindparams(**{name: expression})


def _count(expression: str) -> int:
    return db.session.connection().execute(select(func.count()).select_from(search_table).where(_match(expression, "fts_count"))).scalar()


def count_matches(query: str, status) -> int:
    """How many records with `status` match `query`, counted in the FTS table (the total of `matches_page`)."""
    return _count(_fts_expression(query_terms(query), status))


def answers_alone() -> bool:
    """Tell whether the index can count and page a search by itself (`matches_page`): SQLite's FTS5 can."""
    return db.session.get_bind().dialect.name == "sqlite"


def matches_page(query: str, status, offset: int, limit: int, total: int | None = None) -> tuple[list[int], int]:
    """Return the ids of one page of records with `status` matching `query`, and how many match in all.

    Both come from the FTS table alone: at 100,000 records a broad query's count takes a few
    milliseconds there, against tens when every match is looked up in `enterprise`. The order is
    that of `apply_search`: best first, or newest first above RANKED_MATCHES matches. A caller
    that knows the total already (`count_matches`, kept) passes it and saves the count.
    """
    expression = _fts_expression(query_terms(query), status)
    total = _count(expression) if total is None else total
    statement = _RANKED_PAGE if total <= RANKED_MATCHES else _NEWEST_PAGE
    ids = db.session.connection().execute(statement, {"fts_page": expression, "limit": limit, "offset": offset})
    return list(ids.scalars()), total


# A page of matches, built once: best first, and newest first.
_PAGE = select(search_table.c.rowid).where(text(f"{FTS_TABLE} MATCH :fts_page"))
_RANKED_PAGE = _PAGE.order_by(search_table.c.rank, search_table.c.rowid).limit(bindparam("limit")).offset(bindparam("offset"))
_NEWEST_PAGE = _PAGE.order_by(search_table.c.rowid.desc()).limit(bindparam("limit")).offset(bindparam("offset"))


def apply_search(statement: Select, model, query: str | None, *, ranked: bool = True, status=None) -> Select:
    """Narrow `statement` (over `model`, the Enterprise class) to matches of `query`, best first.

    On SQLite the matches are taken as `id IN (full-text matches)`, which keeps counts and facets
    driven by the index; PostgreSQL matches the words in the trigram-indexed `search_text`.
    Ranking scores every match, so a broad query (more than RANKED_MATCHES matches with `status`,
    such as one common word) is listed newest first instead: its top scores say little anyway.
    """
    terms = query_terms(query)
    if not terms:
        return statement
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    if sqlite:
        # The same status as the statement's, so that the RANKED_MATCHES best below are all of that status.
        expression = _fts_expression(terms, status)
        matching = model.id.in_(select(search_table.c.rowid).where(_match(expression, "fts_filter")))
    else:
        matching = and_(*(model.search_text.like(p, escape="\\") for p in word_patterns(terms)))
    statement = statement.where(matching)
    if not ranked:
        return statement
    def count() -> int:
        if sqlite:
            return _count(expression)
        counted = select(func.count()).select_from(model).where(matching)
        return db.session.scalar(counted if status is None else counted.where(model.status == status))

    # A broad query's count (tens of milliseconds on PostgreSQL at 100,000 records) is kept until the records change.
    total = kept_value(("enterprises",), f"enterprises:text-matches:{getattr(status, 'value', status)}:{' '.join(terms)}", count,
                       lambda total: total > RANKED_MATCHES)
    if total > RANKED_MATCHES:
        # Newest first walks the primary key and stops after one page; any other order sorts every match.
        return statement.order_by(model.id.desc())
    if not sqlite:
        return statement.order_by(func.similarity(model.name_core, literal(" ".join(terms))).desc(), model.id)
    ranking = (
        select(search_table.c.rowid.label("id"), search_table.c.rank.label("rank"))
        .where(_match(expression, "fts_rank")).order_by(search_table.c.rank).limit(RANKED_MATCHES).subquery()
    )
    return statement.join(ranking, ranking.c.id == model.id).order_by(ranking.c.rank, model.id)


def highlight(value: str | None, query: str | None) -> Markup:
    """Escape `value` and wrap the words that match the query's terms in <mark>."""
    if not value:
        return Markup("")
    terms = query_terms(query)
    if not terms:
        return escape(value)
    whole, last = set(terms[:-1]), terms[-1]
    parts = []
    for piece in _WORD.split(value):
        folded = fold(piece)
        if folded and (folded in whole or folded.startswith(last)):
            parts.append(Markup("<mark>{}</mark>").format(piece))
        else:
            parts.append(escape(piece))
    return Markup("").join(parts)
