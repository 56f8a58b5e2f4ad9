"""Settings: defaults, then `instance/registry.cfg`, then `REGISTRY_`-prefixed environment variables."""
from __future__ import annotations

import math
import os
import secrets
from collections import Counter
from pathlib import Path

WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "secret-key", "development"}
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 80  # estimated from the key's own character frequencies; token_hex(32) gives about 240


class Defaults:
    """The embedded default: SQLite in `instance/`, Vietnamese first, demo data on first start."""

    ENV = "development"
    SECRET_KEY = ""
    SQLALCHEMY_DATABASE_URI = ""  # empty: SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 15000
    AUTO_INIT = True  # create or upgrade the database and load reference data on start
    DEMO_DATA = True
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024
    IMPORT_MAX_BYTES = 20 * 1024 * 1024
    IMPORT_MAX_COLUMNS = 200
    IMPORT_MAX_ROWS = 200_000
    IMPORT_MAX_CELL_CHARS = 32_767
    IMPORT_JOB_ROWS = 5_000  # a list of more rows is imported by the job queue, with a progress page
    JOB_QUEUE_URL = ""  # empty: a SQLite file in the instance folder (one host); redis://host:6379/0 in production
    JOB_QUEUE_IMMEDIATE = None  # run each job at once in the process that queues it; None: only when TESTING
    JOB_WORKER_IN_PROCESS = None  # a thread in each app process runs queued jobs; None: on the embedded default only
    BOUNDARY_MAX_FEATURES = 5_000
    BOUNDARY_MAX_VERTICES = 1_000_000
    PROVINCE_BORDER_TOLERANCE_M = 200  # a point this close outside its province's loaded boundary still counts as inside
    BOUNDARY_MOVE_WARN_KM = 1.0  # a new boundary moving the zone's recorded position this far or more is flagged, and the move waits for the editor
    FACET_CACHE_SECONDS = 120  # how old the facet counts beside a list may be
    PAGE_CACHE_SECONDS = 300  # how long a public page may be kept while no data changes; 0 turns it off
    PAGE_CACHE_PAGES = 2000  # pages kept per process (about 10 KB each)
    LIST_CACHE_SECONDS = 300  # how long a list's total and page marks are kept while no data changes; 0 turns it off
    LIST_CACHE_ENTRIES = 1000  # totals and mark sets kept per process; a search's matches count one per 4 KB of ids
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_IDLE_MINUTES = 120  # a signed-in session unused this long ends
    SESSION_MAX_HOURS = 12  # and any session ends this long after signing in
    SESSION_TOUCH_SECONDS = 60  # how often the idle clock in the signed cookie is moved on
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    LOGIN_MAX_FAILURES = 5  # failed sign-ins for one account from one address before waits begin
    LOGIN_FAILURE_WINDOW_MINUTES = 15  # how long a failure counts
    LOGIN_DELAY_SECONDS = 30  # the first wait; it doubles with each further failure
    LOGIN_MAX_DELAY_SECONDS = 900
    LOGIN_ACCOUNT_FAILURES = 100  # failures for one account from all addresses before each address that failed on it is slowed
    LOGIN_ACCOUNT_DELAY_SECONDS = 5  # the pause after the latest failure; an address without failures is never held back
    FORCE_HTTPS = False  # redirect plain HTTP to HTTPS (off: a proxy in front usually does it)
    PROXY_COUNT = 0  # how many proxies in front set X-Forwarded-For / -Proto; 0 trusts no such header
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URL = ""  # empty: in memory, per process; redis://host:6379 to share between workers
    RATELIMIT_SIGN_IN = "20 per minute; 300 per hour"  # sign-in attempts per client address
    RATELIMIT_REGISTER = "10 per minute; 50 per hour"  # registrations per client address
    RATELIMIT_API = "600 per minute"  # API requests per client address
    RATELIMIT_ACCOUNT_MAIL = "5 per minute; 30 per hour"  # password-reset and confirmation e-mails asked for, per client address
    RATELIMIT_PROPOSALS = "10 per minute; 100 per hour"  # project proposals sent (form and API), per client address
    RATELIMIT_VERIFY = "30 per minute; 300 per hour"  # eco-label verifications (page and API), per client address
    USD_VND_RATE = 0.0  # VND per USD offered for a capital in USD and for land prices in USD; 0: the investor gives the rate
    MATCH_NEARBY_KM = 30.0  # registry enterprises this close to a zone count as its suppliers and buyers nearby
    SCHEDULE_TIME_LIMIT = 5.0  # seconds a "build schedule" on the page may search; a larger event is solved by `events schedule`
    SCHEDULE_WORK_LIMIT = 0.0  # CP-SAT deterministic time a page's run may spend (the same schedule on any machine); 0: the time limit only
    MAIL_SERVER = ""  # SMTP host; empty: messages are written to MAIL_OUTBOX and the log instead of being sent
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_DEFAULT_SENDER = "CNMT Registry <no-reply@localhost>"
    MAIL_OUTBOX = ""  # folder for unsent messages (one .eml each) while MAIL_SERVER is empty; empty: instance/outbox
    SITE_URL = "http://localhost:5000"  # the registry's public address, for links in what commands send (the eco-label sweep's notices)
    EMAIL_CONFIRM_HOURS = 72  # how long the link confirming a new account's address works
    PASSWORD_RESET_MINUTES = 60  # how long a password-reset link works (once, and only until the password changes)
    API_TOKEN_DAYS = 90  # how long a new API token lasts unless told otherwise
    PER_PAGE = 50
    MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_POINTS_IN_VIEW = 2000  # a map view holding more enterprises is answered as counts per grid cell
    MAP_TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


def database_url(url: str) -> str:
    """Name the psycopg 3 driver for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _coerce(value: str, default):
    if isinstance(default, bool) or default is None:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def load(app, overrides: dict | None) -> None:
    """Fill `app.config` in order: defaults, instance file, environment, explicit overrides."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("registry.cfg", silent=True)
    for key, default in vars(Defaults).items():
        if key.isupper() and f"REGISTRY_{key}" in os.environ:
            app.config[key] = _coerce(os.environ[f"REGISTRY_{key}"], default)
    if os.environ.get("DATABASE_URL") and "REGISTRY_SQLALCHEMY_DATABASE_URI" not in os.environ:
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if overrides:
        app.config.update(overrides)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "registry.sqlite")
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["SECRET_KEY"] = _secret_key(app)


class InsecureSecretKey(RuntimeError):
    """Raised when a deployment would start with a guessable SECRET_KEY."""


def estimated_bits(key: str) -> float:
    """Estimate a key's entropy from its own character frequencies; a repeated pattern counts once."""
    period = next((p for p in range(1, len(key)) if key[p:] == key[:-p]), len(key))
    sample = key[:period]
    counts = Counter(sample)
    return -sum(n * math.log2(n / len(sample)) for n in counts.values())


def is_strong_secret(key: str) -> bool:
    return len(key) >= MIN_SECRET_LENGTH and key.lower() not in WEAK_SECRETS and estimated_bits(key) >= MIN_SECRET_BITS


def _secret_key(app) -> str:
    key = app.config["SECRET_KEY"] or ""
    if is_strong_secret(key):
        return key
    if app.config["ENV"] not in {"development", "testing"}:
        raise InsecureSecretKey(
            "REGISTRY_SECRET_KEY is missing or weak: set it to at least "
            f"{MIN_SECRET_LENGTH} random characters (about {MIN_SECRET_BITS} bits or more; "
            "repeated characters or patterns do not count), for example\n"
            "  export REGISTRY_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')\n"
            "or put SECRET_KEY = '...' in instance/registry.cfg."
        )
    # Development and tests: a random key kept in the instance folder, so sign-ins survive restarts.
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()
