"""The daily sweep: move each certificate to its status of the day, and tell those concerned when one starts expiring or expires.

Safe to repeat and to run from cron: a status already stored is left alone, and each notice has a
key (certificate, status, validity end) that a user is given once, so a renewed validity end warns again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from registry.accounts.models import Membership, Organization, OrgKind, Role, User
from registry.extensions import db
from registry.i18n import in_language
from registry.notifications.service import notify

from .models import EcolabelCertificate
from .status import Status

NOTIFIED = (Status.EXPIRING, Status.EXPIRED)
EXPIRED_NOTICE_DAYS = 90  # a certificate that lapsed longer ago than this (before the sweep first ran) is not announced again


@dataclass
class SweepReport:
    moved: dict[str, int] = field(default_factory=dict)
    notices: int = 0

    @property
    def moved_total(self) -> int:
        return sum(self.moved.values())


def recipients(certificate: EcolabelCertificate) -> list[User]:
    """The holder's representatives and the officers of the Department of the holder's province."""
    holder = certificate.enterprise
    conditions = [(Membership.role == Role.PROVINCE_OFFICER) & (Organization.kind == OrgKind.DEPARTMENT)
                  & (Organization.province_code == holder.province_code)]
    if holder.organization_id is not None:
        conditions.append((Membership.role == Role.ENTERPRISE_REP) & (Membership.organization_id == holder.organization_id))
    query = (select(User).join(Membership, Membership.user_id == User.id).join(Organization, Organization.id == Membership.organization_id)
             .where(User.active.is_(True), db.or_(*conditions)).order_by(User.id))
    return list(db.session.scalars(query).unique())


def _notice(certificate: EcolabelCertificate, status: Status) -> tuple[str, str]:
    holder = certificate.enterprise
    values = {"number": certificate.number, "product": certificate.product_name, "holder": holder.name_vi,
              "day": certificate.valid_until.isoformat()}
    if status == Status.EXPIRING:
        return (_("Eco-label certificate %(number)s expires on %(day)s", **values),
                _("The certificate %(number)s for “%(product)s” of %(holder)s is valid until %(day)s. Apply for a new one in time to keep the label.", **values))
    return (_("Eco-label certificate %(number)s has expired", **values),
            _("The certificate %(number)s for “%(product)s” of %(holder)s was valid until %(day)s; the label may no longer be used.", **values))


def sweep(today: date | None = None) -> SweepReport:
    """Store every certificate's status of `today` and notify on entering expiring or expired; call within a request context for links."""
    today = today or date.today()
    report = SweepReport()
    for certificate in db.session.scalars(select(EcolabelCertificate).order_by(EcolabelCertificate.id)):
        status = certificate.status_on(today)
        if certificate.status != status.value:
            certificate.status = status.value
            report.moved[status.value] = report.moved.get(status.value, 0) + 1
        if status in NOTIFIED and (status == Status.EXPIRING or (today - certificate.valid_until).days <= EXPIRED_NOTICE_DAYS):
            link = url_for("ecolabels.detail", certificate_id=certificate.id, _external=True)
            key = f"ecolabel:{certificate.id}:{status.value}:{certificate.valid_until.isoformat()}"
            for user in recipients(certificate):
                with in_language(user.locale or "vi"):
                    title, body = _notice(certificate, status)
                report.notices += notify(user, key, title, body, link)
    db.session.flush()
    return report
