"""Incentive policies in words: the names of instruments, sector and area classes, confidences, and a benefit and its conditions as sentences."""
from __future__ import annotations

from datetime import date

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import confidence

from .models import AreaClass, Difficulty, Instrument, PolicyStatus, SectorClass

INSTRUMENT_MESSAGE = _l("Choose an instrument: corporate income tax, land rent, import duty, budget support, relocation, "
                        "technology transfer or credit.")
INSTRUMENT_LABELS = {
    Instrument.CIT: _l("Corporate income tax"),
    Instrument.LAND_RENT: _l("Land rent"),
    Instrument.IMPORT_DUTY: _l("Import duty"),
    Instrument.BUDGET_SUPPORT: _l("Budget support for cluster infrastructure"),
    Instrument.RELOCATION: _l("Relocation support"),
    Instrument.TECHNOLOGY_TRANSFER: _l("Technology-transfer support"),
    Instrument.CREDIT: _l("Credit"),
}
SECTOR_LABELS = {
    SectorClass.SPECIAL: _l("Special-incentive sector"),
    SectorClass.INCENTIVE: _l("Incentive sector"),
    SectorClass.CIT_LISTED: _l("Sector listed for income-tax incentives"),
    SectorClass.ANY: _l("Any sector"),
}
AREA_LABELS = {
    AreaClass.DBKK: _l("Especially difficult commune"),
    AreaClass.KK: _l("Difficult commune"),
    AreaClass.ECONOMIC_ZONE: _l("Economic zone"),
    AreaClass.INDUSTRIAL_PARK: _l("Industrial park"),
    AreaClass.HIGH_TECH_PARK: _l("High-tech park"),
    AreaClass.INDUSTRIAL_CLUSTER: _l("Industrial cluster"),
}
DIFFICULTY_LABELS = {Difficulty.DBKK: _l("Especially difficult (ĐBKK)"), Difficulty.KK: _l("Difficult (KK)")}
CONFIDENCE_LABELS = confidence.DESCRIPTIONS
STATUS_LABELS = {PolicyStatus.PUBLISHED: _l("Published"), PolicyStatus.DRAFT: _l("Draft (seen only by those who keep it)")}
FIELD_LABELS = {
    "code": _l("Code"), "title_vi": _l("Name in Vietnamese"), "title_en": _l("Name in English"), "instrument": _l("Instrument"),
    "sector_class": _l("Sector class"), "area_classes": _l("Area classes"), "min_capital_vnd": _l("Minimum capital (VND)"),
    "min_jobs": _l("Minimum jobs"), "new_project_only": _l("New projects only"), "province_code": _l("Scope"),
    "benefit": _l("Benefit"), "legal_basis": _l("Legal basis"), "article": _l("Article"), "effective_from": _l("In force from"),
    "effective_to": _l("In force until"), "level": _l("Level (the highest applies)"), "confidence": _l("Confidence"),
    "source": _l("Source"), "note_vi": _l("Note in Vietnamese"), "note_en": _l("Note in English"), "status": _l("Status"),
}
BENEFIT_LABELS = {
    "rate": _l("Tax rate (%)"), "rate_years": _l("Years at that rate"), "exempt_years": _l("Years exempt"),
    "reduce50_years": _l("Years at half the tax"), "exempt_rent_years": _l("Years of land rent exempt after construction"),
    "construction_exempt_years": _l("Years of land rent exempt during construction, at most"), "reduction_pct": _l("Reduction (%)"),
    "support_pct": _l("Support, at most (percent of the investment)"), "whole_term": _l("Exempt for the whole lease term"),
    "fixed_assets_exempt": _l("Goods for fixed assets exempt"), "inputs_not_domestic": _l("Only inputs not produced in Vietnam"),
}


def _number(value) -> str:
    return format_decimal(value)


def benefit_lines(instrument: str, benefit: dict) -> list[str]:
    """Say what a policy gives, one sentence per part of its benefit."""
    b = benefit or {}
    lines = []
    if b.get("rate") is not None:
        lines.append(_("Corporate income tax at %(rate)s %% for %(years)s years.", rate=_number(b["rate"]), years=_number(b["rate_years"]))
                     if b.get("rate_years") else _("Corporate income tax at %(rate)s %%.", rate=_number(b["rate"])))
    if instrument == Instrument.CIT and b.get("exempt_years"):
        lines.append(_("Exempt from the tax for %(exempt)s years, then half the tax for %(half)s years.", exempt=_number(b["exempt_years"]),
                       half=_number(b.get("reduce50_years") or 0)))
    elif b.get("reduce50_years"):
        lines.append(_("Half the tax for %(half)s years.", half=_number(b["reduce50_years"])))
    if b.get("construction_exempt_years"):
        lines.append(_("Land rent exempt during construction, for at most %(years)s years from the land-lease decision.",
                       years=_number(b["construction_exempt_years"])))
    if b.get("whole_term"):
        lines.append(_("Land rent exempt for the whole lease term."))
    if b.get("exempt_rent_years"):
        lines.append(_("Land rent exempt for %(years)s years after construction.", years=_number(b["exempt_rent_years"])))
    if b.get("reduction_pct"):
        lines.append(_("A reduction of %(pct)s %%.", pct=_number(b["reduction_pct"])))
    if b.get("fixed_assets_exempt"):
        lines.append(_("No import duty on goods imported to create fixed assets."))
    if instrument != Instrument.CIT and b.get("exempt_years"):
        lines.append(_("No import duty for %(years)s years on raw materials, supplies and components not produced in Vietnam.",
                       years=_number(b["exempt_years"])) if b.get("inputs_not_domestic") else
                     _("Exempt for %(years)s years.", years=_number(b["exempt_years"])))
    if b.get("support_pct"):
        lines.append(_("Support of at most %(pct)s %% of the total investment.", pct=_number(b["support_pct"])))
    return lines or [_("The benefit is set case by case; see the legal basis.")]


def condition_lines(policy) -> list[str]:
    """Say who qualifies: the sector class, the areas, capital, jobs and whether only new projects do."""
    lines = []
    if policy.sector_class != SectorClass.ANY:
        lines.append(_("The project is in a %(sector)s.", sector=str(SECTOR_LABELS[SectorClass(policy.sector_class)]).lower()))
    if policy.area_classes:
        names = ", ".join(str(AREA_LABELS[AreaClass(a)]).lower() for a in policy.area_classes)
        lines.append(_("The site is in one of: %(areas)s.", areas=names))
    if policy.min_capital_vnd:
        lines.append(_("Capital of at least %(capital)s VND.", capital=format_decimal(policy.min_capital_vnd)))
    if policy.min_jobs:
        lines.append(_("At least %(jobs)s jobs.", jobs=format_decimal(policy.min_jobs)))
    if policy.new_project_only:
        lines.append(_("New projects only, not expansions."))
    return lines or [_("Every project qualifies.")]


def validity(policy, today: date) -> str:
    """Say when a policy is in force, and whether it still is on `today`."""
    start, end = policy.effective_from, policy.effective_to
    if end is not None and end < today:
        return _("No longer in force since %(day)s.", day=format_date(date.fromordinal(end.toordinal() + 1)))
    if start is not None and start > today:
        return _("In force from %(start)s.", start=format_date(start))
    if start is not None and end is not None:
        return _("In force from %(start)s until %(end)s.", start=format_date(start), end=format_date(end))
    if start is not None:
        return _("In force since %(start)s.", start=format_date(start))
    if end is not None:
        return _("In force until %(end)s.", end=format_date(end))
    return _("In force; the date it came into force is not recorded.")
