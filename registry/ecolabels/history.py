"""How the history pages read eco-label certificates and their decisions."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select, true

from registry.accounts.permissions import department_provinces, is_admin
from registry.audit.records import RecordKind, describe
from registry.enterprises.models import Enterprise
from registry.text import matches

from .models import EcolabelCertificate, EcolabelEvent
from .wording import EVENT_LABELS, FIELD_LABELS, SCHEME_LABELS, STATUS_LABELS


def _kept(user):
    """The SQL form of the register's rule: administrators all, a Department's officers their province's holders' certificates."""
    if is_admin(user):
        return true()
    provinces = sorted(department_provinces(user))
    if not provinces:
        return false()
    return EcolabelCertificate.enterprise_id.in_(select(Enterprise.id).where(Enterprise.province_code.in_(provinces)))


describe(RecordKind(
    table="ecolabel_certificate", model=EcolabelCertificate, label=_l("Eco-label certificate"),
    name=lambda values: str(values.get("number") or ""),
    labels={name: label for name, label in FIELD_LABELS.items() if name not in {"holder_tax_code", "kind", "effective_on", "reason", "document"}},
    choices={"scheme": SCHEME_LABELS, "status": STATUS_LABELS},
    editable=_kept,
    find=lambda words: matches(EcolabelCertificate.search_folded, words, padded=True),
    page=lambda certificate_id: url_for("ecolabels.detail", certificate_id=int(certificate_id)),
))
describe(RecordKind(
    table="ecolabel_event", model=EcolabelEvent, label=_l("Eco-label decision"), parent=("ecolabel_certificate", "certificate_id"),
    name=lambda values: str(EVENT_LABELS.get(values.get("kind"), values.get("kind") or "")),
    labels={name: FIELD_LABELS[name] for name in ("kind", "effective_on", "reason", "document")},
    choices={"kind": EVENT_LABELS},
))
