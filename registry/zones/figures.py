"""Sourced, dated figures of a zone, and the one rule that picks the figure a zone shows.

A figure says what one source published about one zone: "400 ha available, as of 24/06/2025,
per Viet Nam News". Several sources may disagree; all are kept. The zone's own columns
(`total_ha`, `available_ha` …) hold the shown figure, so the list filters and the API read
them as before.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _n
from sqlalchemy import Date, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.audit.models import Audited, utcnow
from registry.extensions import db, stored_enum
from registry.i18n import locale_code

from .models import Zone


class SourceKind(enum.StrEnum):
    GOVERNMENT = "government"
    BOARD = "board"
    PRESS = "press"
    BROKER = "broker"


class DatePrecision(enum.StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


# The zone column holding each metric's shown figure; metrics without one are shown on the zone page only.
METRIC_COLUMNS = {
    "total": "total_ha", "industrial": "industrial_ha", "leased": "leased_ha", "available": "available_ha",
    "price": "land_price_usd_m2", "tenants": "tenants", "occupancy": "published_occupancy",
}
COLUMN_METRICS = {column: metric for metric, column in METRIC_COLUMNS.items()}
METRICS = (*METRIC_COLUMNS, "projects")
METRIC_LABELS = {
    "total": _l("Total area (ha)"), "industrial": _l("Industrial land (ha)"), "leased": _l("Leased land (ha)"),
    "available": _l("Land available (ha)"), "price": _l("Land price (USD/m²)"), "tenants": _l("Enterprises operating"),
    "occupancy": _l("Occupancy (%)"), "projects": _l("Projects"),
}
SOURCE_KIND_LABELS = {
    SourceKind.GOVERNMENT: _l("government"), SourceKind.BOARD: _l("zone board"),
    SourceKind.PRESS: _l("press"), SourceKind.BROKER: _l("broker listing"),
}
# The order of trust: an official source before the press, the press before marketing.
KIND_RANK = {SourceKind.GOVERNMENT: 0, SourceKind.BOARD: 1, SourceKind.PRESS: 2, SourceKind.BROKER: 3}


class ZoneFigure(Audited, db.Model):
    """One figure about a zone as one source gave it, with the date it is for."""

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(String(30))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(120), default="")
    as_of: Mapped[date | None] = mapped_column(Date)
    as_of_precision: Mapped[DatePrecision | None] = mapped_column(stored_enum(DatePrecision, 10))
    # The source's own words for the date ("~2016-17", "undated (after QĐ 93/QĐ-UBND 26/01/2010)").
    as_of_text: Mapped[str] = mapped_column(String(200), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    source_name: Mapped[str] = mapped_column(String(300), default="")
    # Reference data words some sources in English too.
    source_name_en: Mapped[str] = mapped_column(String(300), default="")
    source_kind: Mapped[SourceKind] = mapped_column(stored_enum(SourceKind, 20))
    confidence: Mapped[str] = mapped_column(String(1), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def source_in(self, locale: str) -> str:
        return (self.source_name_en if locale == "en" else "") or self.source_name

    @property
    def label(self) -> str:
        return str(METRIC_LABELS.get(self.metric, self.metric))


def shown_order(figure: ZoneFigure) -> tuple:
    """Sort key of the shown-value rule: government > board > press > broker; then the newest date; undated last."""
    return (KIND_RANK[figure.source_kind], figure.as_of is None, -(figure.as_of.toordinal() if figure.as_of else 0), -(figure.id or 0))


def figures_of(zone_ids) -> dict[int, dict[str, list[ZoneFigure]]]:
    """Return each zone's figures by metric, the shown one first."""
    ids = list(zone_ids)
    found: dict[int, dict[str, list[ZoneFigure]]] = {zone_id: {} for zone_id in ids}
    if not ids:
        return found
    for figure in db.session.scalars(db.select(ZoneFigure).where(ZoneFigure.zone_id.in_(ids))):
        found[figure.zone_id].setdefault(figure.metric, []).append(figure)
    for metrics in found.values():
        for figures in metrics.values():
            figures.sort(key=shown_order)
    return found


def show_figures(zone: Zone) -> None:
    """Set the zone's columns to the shown figure of every metric that has figures; others stay as recorded."""
    for metric, figures in figures_of([zone.id])[zone.id].items():
        column = METRIC_COLUMNS.get(metric)
        if column:
            value = figures[0].value
            setattr(zone, column, round(value) if column == "tenants" else value)


def add_figure(zone: Zone, metric: str, value: float, source_kind: SourceKind, **details) -> ZoneFigure:
    """Record one figure of a zone (the caller shows it with `show_figures`)."""
    figure = ZoneFigure(zone_id=zone.id, metric=metric, value=value, source_kind=source_kind, **details)
    db.session.add(figure)
    db.session.flush()
    return figure


def keep_recorded_value(zone: Zone, metric: str, value: float | None, entry: dict | None) -> None:
    """Before a metric's first figure, keep the value the zone held (with its `sources` entry) as an undated figure."""
    if value is None or db.session.scalar(db.select(ZoneFigure.id).where(ZoneFigure.zone_id == zone.id, ZoneFigure.metric == metric).limit(1)):
        return
    entry = entry or {}
    add_figure(zone, metric, value, SourceKind.PRESS, source_name=str(entry.get("source") or "")[:300],
               source_name_en=str(entry.get("source_en") or "")[:300], confidence=str(entry.get("confidence") or "")[:1])


def newer_figures(zone: Zone, metric: str, than: date | None) -> list[ZoneFigure]:
    """Return the zone's figures of `metric` dated after `than` (every dated one when `than` is None), shown one first."""
    figures = figures_of([zone.id])[zone.id].get(metric, [])
    return [f for f in figures if f.as_of is not None and (than is None or f.as_of > than)]


def date_label(figure: ZoneFigure | None) -> str:
    """Word a figure's date in the reader's language: “as of 24/06/2025”, “as of 06/2025”, or “undated”."""
    if figure is None or figure.as_of is None:
        return str(_l("undated"))
    if figure.as_of_precision == DatePrecision.YEAR:
        shown = str(figure.as_of.year)
    elif figure.as_of_precision == DatePrecision.MONTH:
        shown = format_date(figure.as_of, "MM/yyyy")
    else:
        shown = format_date(figure.as_of, "dd/MM/yyyy" if locale_code() == "vi" else "medium")
    return str(_l("as of %(date)s", date=shown))


@dataclass(frozen=True)
class FigureAges:
    """How old the figures behind a list are: the years of the dated ones and the number undated."""

    first_year: int | None
    last_year: int | None
    undated: int

    def describe(self) -> str:
        """Say it in words: “figures dated 2023–2025, 2 undated”."""
        undated = str(_n("%(num)d figure undated", "%(num)d figures undated", self.undated)) if self.undated else ""
        if self.first_year is None:
            return undated
        years = str(self.first_year) if self.first_year == self.last_year else f"{self.first_year}–{self.last_year}"
        dated = str(_l("figures dated %(years)s", years=years))
        return f"{dated}, {undated}" if undated else dated


def ages_of(zones, metric: str) -> FigureAges:
    """Tell how old the shown `metric` figures of `zones` are; a value without a dated figure counts as undated."""
    column = METRIC_COLUMNS[metric]
    zones = [zone for zone in zones if getattr(zone, column) is not None]
    shown = figures_of(zone.id for zone in zones)
    years = [figures[0].as_of.year for zone in zones if (figures := shown[zone.id].get(metric)) and figures[0].as_of]
    undated = len(zones) - len(years)
    return FigureAges(min(years, default=None), max(years, default=None), undated)


def figure_json(figure: ZoneFigure) -> dict:
    """A figure as the API gives it."""
    return {
        "metric": figure.metric, "value": figure.value, "unit": figure.unit,
        "as_of": figure.as_of.isoformat() if figure.as_of else None, "as_of_precision": figure.as_of_precision.value if figure.as_of_precision else None,
        "as_of_text": figure.as_of_text, "source_url": figure.source_url, "source_name": figure.source_name,
        "source_kind": figure.source_kind.value, "confidence": figure.confidence, "note": figure.note,
    }
