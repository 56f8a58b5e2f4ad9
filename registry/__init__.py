"""The CNMT Investment Registry web application."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the application: settings, extensions, features, then the database on first start."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from . import config as settings
    from . import inputs

    settings.load(app, config)
    inputs.install(app)  # before any route, so every <int:…> id is bounded

    from . import database, i18n, page_cache, security_headers
    from .accounts.views import install as install_accounts
    from .audit.service import install as install_audit
    from .enterprises.index import install as install_search_index
    from .enterprises.placement import install as install_placement
    from .extensions import csrf, db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    security_headers.install(app)
    i18n.install(app)
    page_cache.install(app)
    install_accounts(app)
    install_audit()
    install_placement()
    install_search_index()
    database.install(app)

    from . import errors, rate_limits, transactions
    from .accounts.views import bp as accounts_bp
    from .api import bp as api_bp
    from .audit.views import bp as audit_bp
    from .catalog.views import bp as catalog_bp
    from .ecolabels.views import bp as ecolabels_bp
    from .enterprises.import_views import bp as enterprise_io_bp
    from .enterprises.review_views import bp as enterprise_review_bp
    from .enterprises.views import bp as enterprises_bp
    from .events.schedule.views import bp as event_schedule_bp
    from .events.attendance.views import bp as attendance_bp
    from .events.views import bp as events_bp
    from .home.views import bp as home_bp
    from .incentives.views import bp as incentives_bp
    from .incubators.views import bp as incubators_bp
    from .mapping.views import bp as mapping_bp
    from .matching.views import bp as matching_bp
    from .notifications.views import bp as notifications_bp
    from .places.views import bp as places_bp
    from .search.views import bp as search_bp
    from .zones.views import bp as zones_bp

    blueprints = (
        home_bp, accounts_bp, places_bp, catalog_bp, enterprises_bp, enterprise_review_bp, enterprise_io_bp,
        zones_bp, incentives_bp, ecolabels_bp, incubators_bp, mapping_bp, matching_bp, events_bp, event_schedule_bp, attendance_bp, notifications_bp, audit_bp,
        search_bp, api_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    transactions.install(app)
    errors.install(app)
    from .imports.jobs import install as install_jobs

    install_jobs(app)
    rate_limits.install(app)
    if app.config["PROXY_COUNT"]:
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from .cli import install as install_cli

    install_cli(app)
    if app.config["AUTO_INIT"]:
        database.ensure_ready(app)
    return app
