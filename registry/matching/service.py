"""Proposals and leads: submit a proposal and match it, express interest in a zone, follow a lead up.

The engine (`engine.match`) does the matching; this module gives it the proposal and the zones as
plain data (`sites.py`), keeps its answer with the proposal as plain JSON (reason codes with
parameters, translated when shown) and `ProposalMatch` rows for the boards' counts (`recorded`).
"""
from __future__ import annotations

import dataclasses
import secrets
from dataclasses import fields, is_dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from registry.accounts.permissions import require
from registry.audit.models import utcnow
from registry.domain_errors import Conflict, Invalid, NotFound
from registry.extensions import db
from registry.places.models import Province
from registry.zones.models import Zone

from . import cleaning, engine, sites
from .models import Lead, LeadNote, LeadStatus, Proposal, ProposalMatch
from .permissions import FOLLOW_LEADS

MAX_NOTE = 4000
MAX_MESSAGE = 2000
REVERSE_MATCH_PROPOSALS = 2000  # the newest proposals a board's page weighs against its zones
MATCHES_SHOWN = 20  # the first matches kept and shown in full (each criterion, incentive and assumption); all are ranked
EXCLUSIONS_SHOWN = 5  # zones named per reason they were left out for; the others are counted


def submit(actor, raw: dict, *, locale: str = "vi") -> Proposal:
    """Check the proposal, keep it, match it against every zone and keep the answer; raise Invalid naming each wrong field."""
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    values = cleaning.clean(raw, anonymous=not signed_in)
    weights = _weights(raw.get("weights"))
    proposal = Proposal(token=secrets.token_urlsafe(32), locale=locale, weights=weights, result={}, **values)
    if signed_in:
        proposal.user_id = actor.id
        proposal.email = ""
    else:
        proposal.consent_at = utcnow()
    # Matched before it is added: the zones and rules kept per data version are read only while the
    # transaction has written nothing (registry.page_cache.kept_value).
    candidates = sites.prepared(date(proposal.start_year, 1, 1))
    result = run(proposal, candidates=candidates)
    keep_answer(proposal, result)
    db.session.add(proposal)
    db.session.flush()
    record_matches(proposal, result, candidates)
    return proposal


def _weights(raw) -> dict:
    if raw in (None, ""):
        return {}
    errors: dict = {}
    if not isinstance(raw, dict):
        raise Invalid(errors={"weights": [_l("Give the weights as criterion: number pairs.")]})
    found = {}
    for criterion, weight in raw.items():
        if criterion not in engine.DEFAULT_WEIGHTS:
            errors.setdefault("weights", []).append(_l("There is no criterion %(name)s.", name=criterion))
        elif isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 100:
            errors.setdefault("weights", []).append(_l("Give each weight as a number from 0 to 100."))
        else:
            found[criterion] = float(weight)
    if errors:
        raise Invalid(errors=errors)
    return found


def provinces_of(proposal: Proposal) -> tuple[str, ...]:
    """The proposal's provinces with those of its regions added."""
    codes = list(proposal.provinces or [])
    if proposal.regions:
        codes += db.session.scalars(db.select(Province.code).where(Province.region.in_(proposal.regions)).order_by(Province.code))
    return tuple(dict.fromkeys(codes))


def engine_proposal(proposal: Proposal, *, weights: dict | None = None, margin: float | None = None) -> engine.Proposal:
    """The proposal as the engine takes it; `weights` and `margin` try other values without changing the stored ones."""
    chosen_margin = margin if margin is not None else proposal.margin
    return engine.Proposal(
        activity=proposal.activity, catalog_codes=tuple(proposal.catalog_codes or ()), land_min_ha=proposal.land_min_ha,
        land_max_ha=proposal.land_max_ha, capital_vnd=int(proposal.capital_vnd), jobs=proposal.jobs, start_year=proposal.start_year,
        new_project=proposal.new_project, provinces=provinces_of(proposal), strict_provinces=proposal.strict_provinces,
        wastewater_m3_day=proposal.wastewater_m3_day, port_within_km=proposal.port_within_km, needs_power=proposal.needs_power,
        required_kinds=tuple(proposal.required_kinds or ()), weights={**(proposal.weights or {}), **(weights or {})},
        **({"margin": chosen_margin} if chosen_margin is not None else {}),
        **({"revenue_vnd_year": int(proposal.revenue_vnd_year)} if proposal.revenue_vnd_year else {}),
    )


def run(proposal: Proposal, *, weights: dict | None = None, margin: float | None = None, zone_ids=None, candidates=None,
        on: date | None = None):
    """Match the proposal against the zones (all, `zone_ids`, or `candidates` already read) with the policies in force at its start.

    Every zone: the prepared zones and the rules kept per data version (`sites.prepared`, `sites.all_policies`).
    """
    start = date(proposal.start_year, 1, 1)
    if candidates is None:
        candidates = sites.prepared(start) if zone_ids is None else engine.prepare(sites.sites(zone_ids, on=start))
    return engine.match(engine_proposal(proposal, weights=weights, margin=margin), candidates, sites.all_policies(start),
                        sites.sector_map(), on=on or date.today(), assumptions=sites.assumptions(proposal), detail=MATCHES_SHOWN)


def answer(result) -> dict:
    """The engine's answer as kept and shown: the first MATCHES_SHOWN matches in full, and per reason the first
    EXCLUSIONS_SHOWN zones it left out, with the totals (`matches_total`, `excluded_counts`, `excluded_total`).

    A broad proposal admits and leaves out thousands of zones; every matched zone is kept (`match_ids`, in rank
    order), the boards' counts read `ProposalMatch` rows (`recorded`), and the what-ifs and the empty
    explanation weigh them all.
    """
    excluded = result.excluded if isinstance(result.excluded, engine.Exclusions) else engine.Exclusions.of(result.excluded)
    counts, shown = excluded.by_reason(EXCLUSIONS_SHOWN)
    kept = plain(dataclasses.replace(result, matches=result.matches[:MATCHES_SHOWN], excluded=()))
    kept.update(matches_total=len(result.matches), match_ids=zone_ids(result.matches),
                excluded=plain(sorted(shown, key=lambda e: (e.site_code, e.site_id))), excluded_counts=counts,
                excluded_total=len(result.excluded))
    return kept


def zone_ids(matches) -> list[int]:
    """The matches' zone ids in rank order (without writing out the engine's records)."""
    return matches.site_ids if isinstance(matches, engine.Matches) else [match.site_id for match in matches]


def keep_answer(proposal: Proposal, result) -> None:
    """Keep the engine's answer with the proposal (before it is written: one INSERT carries it)."""
    proposal.result = answer(result)
    proposal.matched_at = utcnow()


def recorded(result, candidates: engine.Prepared) -> list:
    """The matches kept as `ProposalMatch` rows: the first MATCHES_SHOWN, and the best one of every other province.

    The rows answer the boards' question "which proposals match a zone of this province" (`province_counts`)
    as all the matches would, and a broad proposal admits thousands of zones: writing a row for each cost
    more than matching them. Every matched zone stays in the kept answer (`match_ids`), in rank order.
    """
    province_of = candidates.keep("province of zone", None, lambda: {site.id: site.province for site in candidates.sites})
    matches = result.matches
    ids = zone_ids(matches)
    kept = list(range(min(MATCHES_SHOWN, len(ids))))
    seen = {province_of.get(zone_id) for zone_id in ids[:MATCHES_SHOWN]}
    for at in range(MATCHES_SHOWN, len(ids)):
        province = province_of.get(ids[at])
        if province not in seen:
            seen.add(province)
            kept.append(at)
    return [matches[at] for at in kept]


def record_matches(proposal: Proposal, result, candidates: engine.Prepared) -> None:
    """Keep the `recorded` matches as rows, in one statement.

    Core on the session's connection: the ORM's bulk path costs more than the rows. The proposal is new, so it has none yet.
    """
    computed = proposal.matched_at or utcnow()
    if result.matches:
        db.session.connection().execute(ProposalMatch.__table__.insert(), [
            {"proposal_id": proposal.id, "zone_id": match.site_id, "rank": match.rank, "score": match.score, "computed_at": computed}
            for match in recorded(result, candidates)
        ])


def matched(proposal: Proposal, zone_id: int) -> bool:
    """Whether the engine admitted the zone for the proposal: its kept answer lists every matched zone (an answer
    kept before it did has a row for each)."""
    ids = (proposal.result or {}).get("match_ids")
    if ids is not None:
        return zone_id in ids
    return db.session.scalar(db.select(ProposalMatch.id).where(ProposalMatch.proposal_id == proposal.id,
                                                               ProposalMatch.zone_id == zone_id)) is not None


LEAVES = (str, int, float, bool, type(None))


def plain(value):
    """The engine's answer as JSON: dataclasses as objects, reasons as {code, params}, dates as ISO text."""
    kind = type(value)
    if kind in LEAVES:
        return value
    how = _HOW.get(kind)
    if how is None:
        how = _HOW[kind] = _how(kind)
    form, names = how
    if form == "object":
        return {name: plain(getattr(value, name)) for name in names}
    if form == "reason":
        return {"code": value.code, "params": plain(dict(value.params))}
    if form == "mapping":
        return {str(key): plain(item) for key, item in value.items()}
    if form == "list":
        return [plain(item) for item in value]
    if form == "set":
        return sorted((plain(item) for item in value), key=str)
    if form == "date":
        return value.isoformat()
    return value


_HOW: dict[type, tuple[str, tuple[str, ...]]] = {}  # how `plain` writes each type of value it met, and its fields


def _how(kind: type) -> tuple[str, tuple[str, ...]]:
    if issubclass(kind, engine.Reason):
        return "reason", ()
    if is_dataclass(kind):
        return "object", tuple(field.name for field in fields(kind))
    if issubclass(kind, tuple) and hasattr(kind, "_fields"):  # a record that is a named tuple (engine.Match)
        return "object", kind._fields
    if issubclass(kind, dict) or callable(getattr(kind, "items", None)):
        return "mapping", ()
    if issubclass(kind, (set, frozenset)):
        return "set", ()
    if issubclass(kind, (list, tuple, engine.Exclusions, engine.Matches)):
        return "list", ()
    if issubclass(kind, (date, datetime)):
        return "date", ()
    return "value", ()


def by_token(token: str) -> Proposal:
    proposal = db.session.scalar(db.select(Proposal).where(Proposal.token == token)) if token else None
    if proposal is None:
        raise NotFound(_l("There is no proposal at this link. Check that the whole link was copied."))
    return proposal


def of_user(user, limit: int | None = None) -> list[tuple[Proposal, int]]:
    """The user's proposals, newest first (the first `limit`), each with how many zones it matched.

    The count is the kept total (`matches_total` in the answer), read in the same statement without the
    answer itself; a proposal kept before the total was (its answer and rows hold every match) has its
    rows counted, all such in one more statement.
    """
    total = Proposal.result["matches_total"].as_integer()
    statement = (db.select(Proposal, total).where(Proposal.user_id == user.id).options(defer(Proposal.result))
                 .order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(limit))
    found = db.session.execute(statement).all()
    older = [proposal.id for proposal, counted in found if counted is None]
    rows = dict(db.session.execute(db.select(ProposalMatch.proposal_id, db.func.count()).where(ProposalMatch.proposal_id.in_(older))
                                   .group_by(ProposalMatch.proposal_id)).all()) if older else {}
    return [(proposal, rows.get(proposal.id, 0) if counted is None else counted) for proposal, counted in found]


def count_of_user(user) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Proposal).where(Proposal.user_id == user.id)) or 0


# --- interest and leads ------------------------------------------------------------------------

def express_interest(proposal: Proposal, zone_id: int, message: str = "") -> Lead:
    """Open a lead for the zone's board (the holder of the proposal's link asks; once per zone) and return it."""
    if not matched(proposal, zone_id):
        raise NotFound(_l("This zone is not among the proposal's matches."))
    errors: dict = {}
    from registry.inputs import text

    message = text(message, "message", errors, MAX_MESSAGE)
    if errors:
        raise Invalid(errors=errors)
    found = db.select(Lead).where(Lead.proposal_id == proposal.id, Lead.zone_id == zone_id)
    lead = db.session.scalar(found)
    if lead is None:
        try:
            with db.session.begin_nested():  # a second click racing the first finds the lead it made
                lead = Lead(proposal=proposal, zone_id=zone_id, status=LeadStatus.NEW, message=message)
                db.session.add(lead)
        except IntegrityError:
            lead = db.session.scalar(found)
    return lead


def interests_of(proposal: Proposal) -> dict[int, Lead]:
    """The leads the proposal opened, by zone."""
    return {lead.zone_id: lead for lead in db.session.scalars(db.select(Lead).where(Lead.proposal_id == proposal.id))}


def answerer(zone: Zone) -> str:
    """Who will answer an investor about the zone: its managing board, else the province's officers."""
    if zone.organization is not None:
        return zone.organization.name
    return str(_l("the Department of Industry and Trade of %(province)s", province=zone.province.name_vi))


def get_lead(actor, lead_id: int) -> Lead:
    lead = db.session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(_l("There is no such lead."))
    require(actor, FOLLOW_LEADS, lead.zone)
    return lead


def follow_up(actor, lead: Lead, status: str | None, note: str, *, expected: str | None = None) -> LeadNote:
    """Move a lead to `status` and/or note something on it, dated; the board's members and administrators only."""
    require(actor, FOLLOW_LEADS, lead.zone)
    errors: dict = {}
    from registry.inputs import choice, text

    chosen = choice(status, "status", errors, LeadStatus, _l("Choose one of the lead's stages."))
    written = text(note, "note", errors, MAX_NOTE)
    if not errors and chosen in (None, lead.status) and not written:
        errors["note"] = [_l("Write a note or choose another stage.")]
    if errors:
        raise Invalid(errors=errors)
    if expected is not None and expected != lead.status.value:
        raise Conflict(_l("Someone moved this lead meanwhile; read it again."))
    before = lead.status
    if chosen is not None:
        lead.status = chosen
    entry = LeadNote(lead=lead, author_id=actor.id, author_label=actor.email, status_before=before if chosen not in (None, before) else None,
                     status_after=chosen if chosen not in (None, before) else None, text=written)
    db.session.add(entry)
    lead.updated_at = utcnow()
    db.session.flush()
    return entry


def board_zones(actor) -> list[Zone]:
    """The zones whose leads `actor` follows (administrators: every zone with a board)."""
    from registry.accounts.permissions import is_admin
    from registry.accounts.models import Role

    statement = db.select(Zone).where(Zone.organization_id.is_not(None)).order_by(Zone.name_vi)
    if not is_admin(actor):
        boards = {m.organization_id for m in actor.memberships if m.role in {Role.ZONE_EDITOR, Role.PROVINCE_OFFICER}}
        statement = statement.where(Zone.organization_id.in_(boards or {-1}))
    return list(db.session.scalars(statement))


def leads_of(zone_ids) -> list[Lead]:
    return list(db.session.scalars(db.select(Lead).where(Lead.zone_id.in_(list(zone_ids) or [-1])).order_by(Lead.created_at.desc())))


def fits_for(zone_ids) -> list[tuple[Proposal, int, float]]:
    """Reverse matching: the newest proposals the engine admits to these zones, as (proposal, zone id, score).

    Worked out anew from the zones' current figures, so a zone whose free land grew finds the
    proposals it now fits; kept under the data version of the zones (and the newest proposal).
    """
    from registry.page_cache import kept_value

    ids = sorted(zone_ids)
    if not ids:
        return []
    newest = db.session.scalar(db.select(db.func.max(Proposal.id))) or 0
    found = kept_value(("zones", "enterprises", "catalog"), f"matching-fits:{newest}:{','.join(map(str, ids))}",
                       lambda: _fits(ids), worth_keeping=lambda value: True)
    proposals = {p.id: p for p in db.session.scalars(db.select(Proposal).where(Proposal.id.in_({row[0] for row in found} or {-1})))}
    return [(proposals[pid], zone_id, score) for pid, zone_id, score in found if pid in proposals]


def _fits(zone_ids: list[int]) -> tuple:
    candidates = engine.prepare(sites.sites(zone_ids))
    if not candidates.sites:
        return ()
    found = []
    for proposal in db.session.scalars(db.select(Proposal).order_by(Proposal.id.desc()).limit(REVERSE_MATCH_PROPOSALS)):
        found.extend((proposal.id, match.site_id, float(match.score)) for match in run(proposal, candidates=candidates).matches)
    return tuple(sorted(found, key=lambda row: (-row[2], row[0], row[1])))


def province_counts(province_code: str) -> dict:
    """A province's proposals and leads as counts: proposals matching its zones, leads by stage."""
    zone_ids = db.select(Zone.id).where(Zone.province_code == province_code)
    matched = db.session.scalar(db.select(db.func.count(db.distinct(ProposalMatch.proposal_id))).where(ProposalMatch.zone_id.in_(zone_ids)))
    stages = dict(db.session.execute(db.select(Lead.status, db.func.count()).where(Lead.zone_id.in_(zone_ids)).group_by(Lead.status)).all())
    return {"proposals": matched or 0, "leads": {status: stages.get(status, 0) for status in LeadStatus}}
