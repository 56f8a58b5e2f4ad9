"""The accounts' e-mails, in the recipient's language, sent only once the request's transaction is committed.

A service queues a message with what it needs (address, language, link token); the message is
written when the transaction commits and dropped when it rolls back, so a refused request never
mails anyone. With MAIL_SERVER set, messages go to that SMTP server from a background thread, so
an answer takes as long whether or not it sent mail (which would otherwise tell whether an
address has an account). Without one (the embedded default, development, tests) each message is
written to MAIL_OUTBOX as an .eml file and named in the log. Either way Flask-Mail's
`record_messages` sees every message.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_mail import Message
from sqlalchemy import event

from registry.extensions import db, mail
from registry.i18n import in_language, locale_code

from . import links
from .models import User

_QUEUE = "registry.accounts.outgoing_mail"
SUBJECTS = {
    "confirm_email": _l("Confirm your e-mail address for the CNMT Investment Registry"),
    "reset_password": _l("Reset your password for the CNMT Investment Registry"),
    "address_taken": _l("Someone tried to open an account with your e-mail address"),
}


@dataclass(frozen=True)
class Outgoing:
    """A message to write once committed: its template, recipient, language and what the template shows."""

    template: str
    to: str
    locale: str
    context: dict = field(default_factory=dict)


def install(app: Flask) -> None:
    app.config.setdefault("MAIL_SUPPRESS_SEND", not app.config["MAIL_SERVER"] or app.testing)
    mail.init_app(app)
    if not event.contains(db.session, "after_commit", _send_queued):  # one listener, however many apps
        event.listen(db.session, "after_commit", _send_queued)
        event.listen(db.session, "after_rollback", _drop_queued)


def outbox(app: Flask) -> Path:
    return Path(app.config["MAIL_OUTBOX"] or Path(app.instance_path) / "outbox")


def _queue(user: User, template: str, **context) -> None:
    db.session.info.setdefault(_QUEUE, []).append(
        Outgoing(template, user.email, user.locale or locale_code(), {"name": user.display_name, **context})
    )


def send_confirmation(user: User) -> None:
    """Mail `user` a link confirming their address."""
    _queue(user, "confirm_email", link=("accounts.signup.confirm_email", links.link_token(user, links.CONFIRM_EMAIL)),
           hours=current_app.config["EMAIL_CONFIRM_HOURS"])


def send_password_reset(user: User) -> None:
    """Mail `user` a link to choose a new password."""
    _queue(user, "reset_password", link=("accounts.signup.reset_password", links.link_token(user, links.RESET_PASSWORD)),
           minutes=current_app.config["PASSWORD_RESET_MINUTES"])


def send_address_taken(user: User) -> None:
    """Tell the owner of an address that someone tried to open a second account with it."""
    _queue(user, "address_taken", link=("accounts.signup.forgot_password", None))


def queue_message(message: Message) -> None:
    """Send a message written elsewhere (a notification's copy) the same way: once committed, dropped on rollback."""
    db.session.info.setdefault(_QUEUE, []).append(message)


def _drop_queued(session) -> None:
    session.info.pop(_QUEUE, None)


def _send_queued(session) -> None:
    queued = session.info.pop(_QUEUE, None)
    if not queued:
        return
    app = current_app._get_current_object()
    messages = []
    for outgoing in queued:
        try:
            messages.append(outgoing if isinstance(outgoing, Message) else _compose(outgoing))
        except RuntimeError:  # links need the request's address: a command or a test outside a request mails nobody
            app.logger.warning("No e-mail “%s” to %s: it can only be written during a web request", outgoing.template, outgoing.to)
    if app.config["MAIL_SUPPRESS_SEND"]:
        for message in messages:
            _deliver(app, message)
    else:
        threading.Thread(target=_deliver_all, args=(app, messages), daemon=True).start()


def _compose(outgoing: Outgoing) -> Message:
    endpoint, token = outgoing.context["link"]
    context = {**outgoing.context, "link": url_for(endpoint, token=token, _external=True) if token else url_for(endpoint, _external=True)}
    with in_language(outgoing.locale):
        return Message(
            subject=str(SUBJECTS[outgoing.template]),
            recipients=[outgoing.to],
            body=render_template(f"accounts/mail/{outgoing.template}.txt", **context),
            html=render_template(f"accounts/mail/{outgoing.template}.html", **context),
        )


def _deliver_all(app: Flask, messages: list[Message]) -> None:
    with app.app_context():
        for message in messages:
            _deliver(app, message)


def _deliver(app: Flask, message: Message) -> None:
    """Send one message, or write it to the outbox while no SMTP server is set; a failure is logged, never raised."""
    try:
        if not app.config["MAIL_SERVER"]:
            folder = outbox(app)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}.eml"
            path.write_bytes(message.as_bytes())
            app.logger.info("E-mail to %s, “%s”, written to %s (no MAIL_SERVER is set)", ", ".join(message.recipients), message.subject, path)
        app.extensions["mail"].send(message)
    except Exception:  # noqa: BLE001 - mail trouble must not undo a committed request
        app.logger.exception("Could not send the e-mail “%s” to %s", message.subject, ", ".join(message.recipients))
