"""The register's words: schemes, statuses, decisions and field labels, in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import Scheme
from .status import EventKind, Status

SCHEME_LABELS = {
    Scheme.VN_ECOLABEL: _l("Vietnam Ecolabel (Nhãn sinh thái Việt Nam)"),
    Scheme.VN_GREEN_LABEL: _l("Vietnam Green Label (Nhãn xanh Việt Nam, before 2022)"),
    Scheme.OTHER: _l("Another scheme (imported goods)"),
}
STATUS_LABELS = {
    Status.VALID: _l("Valid"),
    Status.EXPIRING: _l("Expiring"),
    Status.EXPIRED: _l("Expired"),
    Status.SUSPENDED: _l("Suspended"),
    Status.REVOKED: _l("Revoked"),
    "unknown": _l("Unknown"),
}
EVENT_LABELS = {
    EventKind.SUSPENDED: _l("Suspended"),
    EventKind.REINSTATED: _l("Reinstated"),
    EventKind.REVOKED: _l("Revoked"),
}
FIELD_LABELS = {
    "scheme": _l("Scheme"),
    "number": _l("Certificate number"),
    "criteria_code": _l("Criteria set"),
    "product_group": _l("Product group"),
    "product_name": _l("Product"),
    "product_model": _l("Model"),
    "holder_tax_code": _l("Holder's tax code"),
    "issuer": _l("Issued by"),
    "legal_basis": _l("Legal basis"),
    "issued_on": _l("Issued on"),
    "valid_until": _l("Valid until"),
    "status": _l("Status"),
    "kind": _l("Decision"),
    "effective_on": _l("From"),
    "reason": _l("Reason"),
    "document": _l("Deciding document"),
}
