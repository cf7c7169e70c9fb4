"""One environment-driven settings module.

Safe defaults: DEBUG off, embedded SQLite under ``var/``. Development mode
(``SPONA_MODE=development``) turns DEBUG on, except in a demo (``SPONA_DEMO``, the default
outside production), which shows the translated error pages like production; ``DEBUG=true``
turns it on anyway. Production mode refuses to start without
its secret and encryption keys. Every value is read from the environment (or a
``NAME_FILE`` holding it), and ``.env`` in the project root is read when present.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from spona.ops.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# The environment wins over the file; SPONA_ENV_FILE names another file (or none).
environ.Env.read_env(env.str("SPONA_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)


def _secret(name: str, default: str = "") -> str:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (container secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return str(env.str(name, default=default))


MODE = env.str("SPONA_MODE", default="production")
if MODE not in {"production", "development", "test"}:
    raise ImproperlyConfigured("SPONA_MODE must be production, development or test")
PRODUCTION = MODE == "production"
DEMO = env.bool("SPONA_DEMO", default=not PRODUCTION)
# A demo is looked at as the product: a forbidden or missing record shows the translated 404
# page, not Django's technical page listing every URL pattern.
DEBUG = env.bool("DEBUG", default=MODE == "development" and not DEMO)
if PRODUCTION and DEMO:
    # A demo's banner, its invented data and `spona totp` (a user's current code) have no
    # place in production; a `.env` left from `make run` must not switch them on.
    raise ImproperlyConfigured(
        "SPONA_DEMO=true is refused in production mode: run a demo with SPONA_MODE=development."
    )

SECRET_KEY = _secret("SECRET_KEY")
FIELD_ENCRYPTION_KEYS = [k for k in _secret("FIELD_ENCRYPTION_KEYS").split(",") if k]
BLIND_INDEX_KEY = _secret("BLIND_INDEX_KEY")
if MODE == "test" and not (SECRET_KEY and FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY):
    from spona.core.keys import generate_keys  # throwaway keys for a throwaway database

    SECRET_KEY, FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY = generate_keys()
if not (SECRET_KEY and FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY):
    raise ImproperlyConfigured(
        "Spona needs SECRET_KEY, FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY. Set them in the "
        "environment, or run `make run` once to write a development .env with fresh keys."
    )
if BLIND_INDEX_KEY in [*FIELD_ENCRYPTION_KEYS, SECRET_KEY]:
    raise ImproperlyConfigured("BLIND_INDEX_KEY must differ from every other key.")
#: encrypts `spona backup` archives; needed only by `spona backup` and `spona restore`
BACKUP_KEY = _secret("BACKUP_KEY")
if BACKUP_KEY and BACKUP_KEY in [*FIELD_ENCRYPTION_KEYS, SECRET_KEY, BLIND_INDEX_KEY]:
    raise ImproperlyConfigured("BACKUP_KEY must differ from every other key.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "spona.core",
    "spona.audit",
    "spona.institutions",
    "spona.accounts",
    "spona.people",
    "spona.signals",
    "spona.screening",
    "spona.cases",
    "spona.coordination",
    "spona.jobs",
    "spona.inbox",
    "spona.conferences",
    "spona.plans",
    "spona.prevention",
    "spona.surveys",
    "spona.planning",
    "spona.providers",
    "spona.statistics",
    "django_tasks_db",
    "spona.api",
    "spona.workspace",
    "spona.ops",
]

MIDDLEWARE = [
    "spona.ops.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "spona.core.middleware.KeptPolicyCSPMiddleware",  # Django's, each header written once
    # Django's, the session and the reference data's stamp read in one round trip
    "spona.ops.sessions.SessionMiddleware",
    "spona.ops.sessions.SessionTouchMiddleware",
    "spona.core.middleware.SerbianLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "spona.accounts.middleware.SignedInUserMiddleware",  # Django's, the user read at once
    "spona.policy.RequestMemoMiddleware",
    "spona.audit.middleware.AuditContextMiddleware",
    "spona.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last with a process_view: GET and HEAD views run outside the request's transaction
    "spona.core.middleware.ReadOnlyRequestsMiddleware",
]

# Django's cookie-then-session storage, the cookie's signer made only when used
MESSAGE_STORAGE = "spona.core.messages.MessageStorage"

ROOT_URLCONF = "spona.urls"
WSGI_APPLICATION = "spona.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "spona" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spona.workspace.context_processors.navigation",
                "spona.core.csrf.csrf",  # Django's built-in one's token, masked for less
            ],
            # one number format everywhere: |count |money |percent |share … (spona.core.numbers);
            # {% url %} with its reversals kept per process (spona.core.links); {% extends %} and
            # {% csrf_token %} with less work per render (spona.core.templatetags.spona_engine)
            "builtins": [
                "spona.core.templatetags.spona_numbers",
                "spona.core.templatetags.spona_urls",
                "spona.core.templatetags.spona_engine",
            ],
            # Django's i18n with fixed texts kept per language, the language asked once per
            # template (spona.core.templatetags.spona_i18n)
            "libraries": {"i18n": "spona.core.templatetags.spona_i18n"},
        },
    },
]
# "i18n" names Spona's library on purpose (above): Django warns of any library name given to
# two modules; tests/test_i18n.py checks that no other name is
SILENCED_SYSTEM_CHECKS = ["templates.W003"]
#: Django's, with labels, inputs and text areas written out in Python (spona.core.forms)
FORM_RENDERER = "spona.core.forms.FormRenderer"

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'spona.sqlite3'}")}
# Every view that may write runs in one transaction; GET and HEAD views read outside one
# (spona.core.middleware.ReadOnlyRequestsMiddleware).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend plus work run just before a commit (the audit chain's append).
    DATABASES["default"]["ENGINE"] = "spona.core.postgresql"
    # Keep each server process's connection (no connect per request); check it before each
    # request's first use, so a restarted database is picked up without a restart.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=300))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server, not written into the SQL, so that a statement a
    # connection runs a second time is prepared there: PostgreSQL parses and plans it once
    # per connection instead of on every request (about 40 % of its CPU per page,
    # docs/performance.md). "off" for a pooler that cannot keep prepared statements.
    _prepare = env.str("DATABASE_PREPARE_THRESHOLD", default="1")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "server_side_binding": True,
            "prepare_threshold": None if _prepare == "off" else int(_prepare),
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Long work runs in a real worker (`spona worker`) from a queue kept in the database.
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}
#: Task reminders (spona.conferences.reminders): one this long before the due date, one the
#: day after it, each sent at this hour (local time).
TASK_REMINDER_BEFORE = timedelta(days=env.int("TASK_REMINDER_BEFORE_DAYS", default=1))
TASK_REMINDER_HOUR = env.int("TASK_REMINDER_HOUR", default=8)
#: Individual plans (spona.plans): a plan is reviewed this many months after its approval and
#: after each review; a review shows on the home page this many days before it is due.
PLAN_REVIEW_MONTHS = env.int("PLAN_REVIEW_MONTHS", default=3)
PLAN_REVIEW_NOTICE_DAYS = env.int("PLAN_REVIEW_NOTICE_DAYS", default=14)
#: Differentially private releases (spona.statistics.privacy): the privacy budget, the total
#: epsilon all releases of one dataset may spend in one calendar year; a release past it is
#: refused. The released years start at SPONA_DP_FIRST_YEAR (a public bound, not the data's).
DP_BUDGET = env.float("SPONA_DP_BUDGET", default=2.0)
DP_FIRST_YEAR = env.int("SPONA_DP_FIRST_YEAR", default=2014)
#: Each task runs in a child process of the worker under these limits (spona.jobs.worker).
JOB_MEMORY_LIMIT_MB = env.int("JOB_MEMORY_LIMIT_MB", default=2048)
JOB_TIME_LIMIT_SECONDS = env.float("JOB_TIME_LIMIT_SECONDS", default=900)
#: A worker renews its heartbeat this often; one silent for six beats is taken for dead.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10)
#: how often the worker runs the periodic sweeps (missed reminders; ``spona.jobs.schedule``)
SWEEP_INTERVAL_MINUTES = env.float("SWEEP_INTERVAL_MINUTES", default=60)

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://spona")}
# Django's Redis cache, keeping its Redis client (spona.core.rediscache)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "spona.core.rediscache.KeptClientRedisCache"
#: caches every server process shares (``CACHE_URL``); a local memory cache is each process's own
SHARED_CACHES = frozenset(
    {"django.core.cache.backends.redis.RedisCache", "spona.core.rediscache.KeptClientRedisCache"}
)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["spona.accounts.backends.UserBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "accounts:login"

#: The client's address (rate limits, sign-in delays, the audit log: spona.ops.clients). Behind
#: a reverse proxy, name the header it sets (X-Real-IP; or X-Forwarded-For with the number of
#: proxies that append to it); it is believed only from FORWARDED_ALLOW_IPS (Gunicorn's own
#: setting). Unset: REMOTE_ADDR, and no header is ever read.
TRUSTED_PROXY_HEADER = env.str("SPONA_TRUSTED_PROXY_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("SPONA_TRUSTED_PROXY_COUNT", default=1)
TRUSTED_PROXY_ADDRESSES = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"])

# Sign-in hardening (spona.accounts.services).
# No lock: after some free failures, each attempt waits twice as long as the one before, up
# to a cap, per account and per client address (docs/decisions.md, "Sign-in delays").
LOGIN_FREE_FAILURES = env.int("LOGIN_FREE_FAILURES", default=5)
LOGIN_ADDRESS_FREE_FAILURES = env.int("LOGIN_ADDRESS_FREE_FAILURES", default=20)
LOGIN_DELAY_BASE_SECONDS = env.float("LOGIN_DELAY_BASE_SECONDS", default=1.0)
LOGIN_ACCOUNT_DELAY_CAP_SECONDS = env.int("LOGIN_ACCOUNT_DELAY_CAP_SECONDS", default=60)
LOGIN_ADDRESS_DELAY_CAP_SECONDS = env.int("LOGIN_ADDRESS_DELAY_CAP_SECONDS", default=300)
#: an institution admin whose own account is younger than this many days is "new": when they
#: give an account access to person data, the Centre is alerted too (spona.inbox.receivers)
NEW_ADMIN_DAYS = env.int("NEW_ADMIN_DAYS", default=30)
API_TOKEN_LIFETIME = timedelta(days=env.int("API_TOKEN_DAYS", default=30))

# With a cache every process shares, a session is read from the cache (written to both, a
# sign-out deletes both): one query fewer on every request. Not with a per-process cache, where a
# sign-out in one process would not reach another's copy. Resets end sessions through the
# account's ``session_generation``, read from the database on every request, as before.
if CACHES["default"]["BACKEND"] in SHARED_CACHES:
    SESSION_ENGINE = "spona.ops.sessions"  # Django's cached_db, read in one round trip with others
# Idle sessions expire after this long without a request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# Renewed at most once a minute (spona.ops.sessions), not written on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = env.int("SESSION_TOUCH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "sr"
LANGUAGES = [("sr", "Српски"), ("sr-latn", "Srpski (latinica)"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Belgrade"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "spona" / "static"]
#: uploaded files kept on disk (part of every backup)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
#: where uploads larger than 2.5 MB are received before a job takes them (the system's
#: temporary folder by default); when it is full, the upload is refused with a message
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)
FILE_UPLOAD_HANDLERS = [
    "spona.core.uploads.LimitedUploadHandler",  # refuses an upload over the limit as it comes
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "spona.ops.uploads.TidyTemporaryFileUploadHandler",
]
# Limits of every upload (spona.core.uploads): checked at the request, in the form and in the job.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", default=5) * 1024 * 1024
UPLOAD_MAX_ROWS = env.int("UPLOAD_MAX_ROWS", default=100_000)
UPLOAD_MAX_COLUMNS = env.int("UPLOAD_MAX_COLUMNS", default=1000)
UPLOAD_MAX_CELL_CHARS = env.int("UPLOAD_MAX_CELL_CHARS", default=4000)
#: an XLSX may unpack to this much in all, no member more than this many times its packed size
XLSX_MAX_UNCOMPRESSED_BYTES = env.int("XLSX_MAX_UNCOMPRESSED_MB", default=100) * 1024 * 1024
XLSX_MAX_COMPRESSION_RATIO = env.int("XLSX_MAX_COMPRESSION_RATIO", default=100)
XLSX_MAX_MEMBERS = env.int("XLSX_MAX_MEMBERS", default=1000)
#: form fields other than files (Django's default, written down)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
if PRODUCTION:  # `spona serve` collects them; file names carry a hash, so caches keep them
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
else:  # serve straight from the source folders
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG
    STATIC_ROOT.mkdir(exist_ok=True)

# Security headers. The CSP allows no inline script at all; the nonce exists for any
# script tag a template adds, which must still come from our own origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The load balancer's health checks reach the app server over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]

#: how long a break-glass (emergency) grant opens a case
BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=120)
#: how many break-glass grants one user may open in 24 hours
BREAK_GLASS_DAILY_LIMIT = env.int("BREAK_GLASS_DAILY_LIMIT", default=3)

#: the languages of an e-mail to an institution's duty address, one after the other (the
#: subject in the first): whoever is on duty reads it (docs/decisions.md, "Notices")
DUTY_EMAIL_LANGUAGES = env.list("DUTY_EMAIL_LANGUAGES", default=["sr", "sr-latn"])

#: the address of this installation, for links in e-mails
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

MAILERS = {
    "default": {
        "BACKEND": env.str(
            "EMAIL_BACKEND",
            default="django.core.mail.backends.smtp.EmailBackend"
            if PRODUCTION
            else "django.core.mail.backends.console.EmailBackend",
        ),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "spona.api.authentication.ExpiringTokenAuthentication",
        "spona.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API reads JSON bodies only: it takes no uploads, and one way to write a body is one
    # way to read it (a form's empty values were dropped by some multipart writers; 415 else)
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "spona.api.throttling.AnonRateThrottle",
        "spona.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", default="30/minute"),
        "user": env.str("API_RATE_USER", default="600/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "spona.api.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "spona.api.views.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Spona API",
    "DESCRIPTION": "JSON API of Spona: the same access policy and audit as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema (and /api/docs/) only for those signed in or holding a token: it names every
    # endpoint and field, which helps no one outside (docs/decisions.md, issue 14).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "spona.api.schema.add_error_responses",
    ],
}

# Application logs carry no personal data: one JSON line per request (method, path without
# the query, status, time, request id) and the audit log's own identifiers (spona.ops.logs).
LOGGING = logging_config(
    level=env.str("LOG_LEVEL", default="WARNING"),
    json_lines=env.bool("LOG_JSON", default=True),
    requests=env.bool("LOG_REQUESTS", default=True),
)
#: readiness reports the job queue late once a ready task has waited this long
READY_QUEUE_MAX_AGE_SECONDS = env.int("READY_QUEUE_MAX_AGE_SECONDS", default=300)
