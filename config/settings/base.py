"""Settings shared by every environment. Environment-specific files import this."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env.string("ARDH_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env.boolean("ARDH_DEBUG", False)
ALLOWED_HOSTS = env.strings("ARDH_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "procrastinate.contrib.django",  # the job queue (runtime/jobs.py, docs/decisions/012)
    "runtime.apps.ServingConfig",  # the request statement timeout (runtime/statement_timeout.py)
    "accounts.admin_apps.ArdhAdminConfig",  # django.contrib.admin, scoped by tenant in one place
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",  # PostgreSQL index expressions (operator classes), lookups
    "rest_framework",
    "rest_framework_gis",
    "drf_spectacular",
    "accounts",  # the tenant, people, roles, parties, API keys
    "geo",
    "audit",
    "parcels",
    "cases",  # the backbone of every process: numbers, parties, workflow, SLA, timeline
    "notifications",  # the outbox: SMS and email in Arabic and English, sent by jobs
    "surveys",  # the survey decision (القرار المساحي), the first process on the backbone
    "payments",  # fees, bills and SADAD (docs/payments.md); after the processes: its demo part pays their bills
    # Building permits (الرخص الفنية) with zoning rules as code (docs/permits.md). After payments in this list
    # only so its demo part pays its own bills (the payments' demo pays the survey decisions').
    "permits",
    # Commercial licenses and environmental-health inspections (docs/licensing.md): after payments and permits
    # so its demo part pays its own bills.
    "licensing",
    # Land grants drawn by a verifiable lottery (docs/grants.md) and investment sites leased by sealed bids
    # (docs/investment.md): processes on the backbone; their land is held through parcels' reservations.
    "grants",
    "investment",
    # Complaints and suggestions routed by place, also served as Open311 GeoReport v2 (docs/complaints.md).
    "complaints",
    "tiles",
    "fixtures",
    "web",
    "portal",  # the citizens' e-services portal (docs/portal.md): a face like web/
    # --- API and OGC API Features (issue 5)
    "api",
    "ogc",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "runtime.replica.ReadRoutingMiddleware",  # where this request reads from (first: sessions read too)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "runtime.statement_timeout.StatementTimeoutMiddleware",  # a cancelled statement is a 503
]

# The middleware of the short path for tiles and OGC items (runtime/lean.py, docs/decisions/007):
# what those GET responses need; static files, CSRF and messages do nothing for them.
ARDH_LEAN_MIDDLEWARE = [
    "runtime.replica.ReadRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",  # Content-Length, as on the full path (not on streamed pages)
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "runtime.statement_timeout.StatementTimeoutMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # cases/documents is a sub-package of the cases app: its templates (issued documents, the public
        # verification page) are named here.
        "DIRS": [BASE_DIR / "templates", BASE_DIR / "cases" / "documents" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        "NAME": env.string("ARDH_DB_NAME", "ardh"),
        "USER": env.string("ARDH_DB_USER", "ardh"),
        "PASSWORD": env.string("ARDH_DB_PASSWORD", ""),
        # The project-local cluster (scripts/pg.sh) listens on 127.0.0.1 and on a Unix socket in .data/run. The socket
        # is the default: a round trip over it costs less CPU than over loopback TCP, and every API request makes two
        # (the key, then the page; docs/decisions/005). A host name or address (ARDH_DB_HOST) connects over TCP.
        "HOST": env.string("ARDH_DB_HOST", str(BASE_DIR / ".data" / "run")),
        "PORT": env.integer("ARDH_DB_PORT", 5441),
        "CONN_MAX_AGE": env.integer("ARDH_DB_CONN_MAX_AGE", 60),
        # Persistent connections are checked before reuse, but only after ARDH_DB_PING_AFTER_S of
        # idleness (runtime/lean.py): no `SELECT 1` round trip per request under load.
        "CONN_HEALTH_CHECKS": True,
        # Django turns psycopg's prepared statements off (for transaction-pooling proxies; we use none).
        # Its own cursors bind on the client and are never prepared either way; this lets the statements we
        # run through runtime.db.prepared_cursor (tile SQL, the API-key lookup) really be prepared.
        "OPTIONS": {"prepare_threshold": 5},
    }
}
# The streaming read replica (scripts/replica.sh, `make replica`; runtime/replica.py, decision 038): configured
# when the project's replica exists under .data/replica (port ARDH_REPLICA_PORT, 5442), or ARDH_REPLICA_HOST names
# one. Read-only requests (ARDH_REPLICA_PATHS) read from it while it streams within ARDH_REPLICA_MAX_LAG_MS; a
# writer reads from the primary for ARDH_READ_YOUR_WRITES_S after writing.
_REPLICA_HOST = env.string("ARDH_REPLICA_HOST", "")
_REPLICA_LOCAL = (BASE_DIR / ".data" / "replica" / "PG_VERSION").exists()
if _REPLICA_HOST or _REPLICA_LOCAL:
    DATABASES["replica"] = {
        **DATABASES["default"],
        "HOST": _REPLICA_HOST or str(BASE_DIR / ".data" / "replica-run"),
        "PORT": env.integer("ARDH_REPLICA_PORT", 5442),
        "TEST": {"MIRROR": "default"},  # tests read the test database through the replica
    }
DATABASE_ROUTERS = ["runtime.replica.Router"]
ARDH_REPLICA_READS = env.boolean("ARDH_REPLICA_READS", "replica" in DATABASES)
ARDH_REPLICA_MAX_LAG_S = env.integer("ARDH_REPLICA_MAX_LAG_MS", 2000) / 1000
ARDH_REPLICA_CHECK_S = 1.0
ARDH_READ_YOUR_WRITES_S = env.integer("ARDH_READ_YOUR_WRITES_S", 10)
ARDH_REPLICA_PATHS = [
    r"^/tiles/", r"^/ogc/", r"^/api/v1/at-point/?$", r"^/mapproxy/", r"^/grants/", r"^/investment/?$",
    r"^/investment/\d+/$", r"^/verify/", r"^/portal/", r"^/healthz$",
]
ARDH_DB_PING_AFTER_S = env.integer("ARDH_DB_PING_AFTER_S", 5)
# SQL run while serving a web request is cancelled after this long and answered 503 (0 = no limit);
# background jobs, commands and migrations have no limit (runtime/statement_timeout.py).
ARDH_REQUEST_STATEMENT_TIMEOUT_MS = env.integer("ARDH_REQUEST_STATEMENT_TIMEOUT_MS", 15000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Admin changelists of large registers page an unfiltered list with PostgreSQL's estimate of the table's rows
# instead of counting them, once the estimate reaches this (common/admin_paging.py).
ARDH_ADMIN_EXACT_COUNT_BELOW = 100_000

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Arabic first; English too.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Riyadh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
# .data/vendor: front-end libraries from npm, copied there by `make` (see scripts/vendor.sh).
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / ".data" / "vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploaded and issued files (case documents): local disk here; object storage in production is a STORAGES
# "default" backend chosen by the environment (docs/decisions/014-case-documents.md).
MEDIA_ROOT = Path(env.string("ARDH_MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
# No MEDIA_URL: files are never served from a public path, only through the API that checks who asks.
# The largest document a case accepts, whatever its type declares (cases/documents/services.py).
ARDH_DOCUMENT_MAX_BYTES = env.integer("ARDH_DOCUMENT_MAX_BYTES", 50 * 1024 * 1024)
# The public address of this site: printed documents' QR codes point at <this>/verify/<token>/.
ARDH_PUBLIC_URL = env.string("ARDH_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# Request bodies over this size are refused with 413 by the API (see docs/api.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.integer("ARDH_MAX_BODY_BYTES", 5 * 1024 * 1024)
# JSON nested deeper than this is refused with 400 (common/json_input.py); GeoJSON in a body needs about 6.
ARDH_MAX_JSON_DEPTH = env.integer("ARDH_MAX_JSON_DEPTH", 64)
# A declared request body must be in within this many seconds plus its length at the minimum rate, or the
# request is answered 408 before the application sees it (runtime/request_body.py; docs/operations.md).
ARDH_REQUEST_BODY_TIMEOUT_S = env.integer("ARDH_REQUEST_BODY_TIMEOUT_S", 30)
ARDH_REQUEST_BODY_MIN_BYTES_PER_S = env.integer("ARDH_REQUEST_BODY_MIN_BYTES_PER_S", 50_000)

# --- Spatial reference systems: decided once, here. See docs/decisions/001-storage-srid.md.
# Storage and exchange: WGS 84 longitude/latitude.
ARDH_STORAGE_SRID = 4326
# Web map tiles.
ARDH_TILE_SRID = 3857
# Metric work (areas, lengths, buffers) uses the municipality's UTM zone;
# this is the default for municipalities that do not say (Qassim: UTM 38N, KSA-GRF17).
ARDH_DEFAULT_METRIC_SRID = 9358

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {"TITLE": "Ardh API", "VERSION": "1.0.0"}

# --- API access (issue 5): people by session, other systems by API key; per-key throttling.
REST_FRAMEWORK |= {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.access.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.TenantScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.access.PerKeyThrottle"],
    "EXCEPTION_HANDLER": "api.errors.handle",
    # JSON bodies through one reader with a nesting limit (common/json_input.py): never a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS |= {
    "DESCRIPTION": "Registers, spatial questions and lineage of Ardh. OGC API Features is under /ogc/.",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from our own static files (no CDN at run time).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ParcelStatusEnum": "parcels.models.parcel.ParcelStatus",
        "PlanStatusEnum": "parcels.models.plans.SubdivisionPlan.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("ARDH_LOG_LEVEL", "INFO")},
    # The queue's task registrations (every process, at start) and each deferral: not news; nor WeasyPrint's
    # steps of each PDF it renders (cases/documents/render.py), nor fontTools subsetting its fonts.
    "loggers": {name: {"level": "WARNING"} for name in (
        "procrastinate.blueprints", "procrastinate.periodic", "procrastinate.jobs", "procrastinate.app",
        "weasyprint", "fontTools")},
}

# GDAL 3.6 (Debian 12) cannot block file/network access while parsing a spatial reference.
# Ardh never passes user text to GDAL as an SRS: SRIDs are integers from geo.crs.KNOWN_CRS.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Map tiles (tiles/): disk cache of rendered tiles, see tiles/cache.py and docs/tiles.md.
ARDH_TILE_CACHE_ENABLED = env.boolean("ARDH_TILE_CACHE_ENABLED", True)
ARDH_TILE_CACHE_DIR = env.string("ARDH_TILE_CACHE_DIR", str(BASE_DIR / ".data" / "tiles-cache"))
# Browsers revalidate with If-None-Match (cheap 304s) so an edit shows on the next request.
ARDH_TILE_CACHE_CONTROL = env.string("ARDH_TILE_CACHE_CONTROL", "public, max-age=0, must-revalidate")
# TrueType fonts that map label glyphs are rendered from (Debian's fonts-dejavu-core).
ARDH_GLYPH_FONT_DIR = env.string("ARDH_GLYPH_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
# The orthophoto served at /tiles/ortho/ (a web-mercator COG; `manage.py make_orthophoto` writes it).
ARDH_ORTHO_PATH = env.string("ARDH_ORTHO_PATH", str(BASE_DIR / ".data" / "ortho" / "orthophoto.tif"))
# MapProxy (WMS/WMTS at /mapproxy/): its generated config and cache, and where it fetches our XYZ tiles from.
ARDH_MAPPROXY_DIR = env.string("ARDH_MAPPROXY_DIR", str(BASE_DIR / ".data" / "mapproxy"))
ARDH_MAPPROXY_SOURCE_URL = env.string("ARDH_MAPPROXY_SOURCE_URL", "http://127.0.0.1:8000")
# Offline packages requested through the API (tiles/offline_jobs.py): where they are written (the queue's
# worker builds them; `manage.py export_offline --pending` too).
ARDH_OFFLINE_DIR = env.string("ARDH_OFFLINE_DIR", str(BASE_DIR / ".data" / "offline-packages"))
ARDH_MAPPROXY_DEMO = env.boolean("ARDH_MAPPROXY_DEMO", DEBUG)  # MapProxy's demo pages: never in production

# --- Imports (issue 3): the import pipeline app and its limits.
INSTALLED_APPS += ["imports"]
# Uploaded files wait here for their background job.
ARDH_IMPORT_DIR = BASE_DIR / ".data" / "imports"
# Upload bodies over this size are refused with 413.
ARDH_IMPORT_MAX_UPLOAD_BYTES = env.integer("ARDH_IMPORT_MAX_UPLOAD_BYTES", 512 * 1024 * 1024)
# A zip may unpack to at most this much (zip-bomb guard).
ARDH_IMPORT_MAX_UNPACKED_BYTES = env.integer("ARDH_IMPORT_MAX_UNPACKED_BYTES", 2 * 1024 * 1024 * 1024)
# Gaps between neighbouring parcels narrower than this (metres) are reported as slivers to fix.
ARDH_IMPORT_GAP_TOLERANCE_M = 0.5

# --- The job queue (runtime/jobs.py, docs/decisions/012): procrastinate in this database; the worker is
# `manage.py procrastinate worker`. Tasks live in each app's tasks.py (discovered) and in runtime.jobs.
PROCRASTINATE_IMPORT_PATHS = ["runtime.jobs"]
PROCRASTINATE_WORKER_DEFAULTS = {"concurrency": env.integer("ARDH_JOB_CONCURRENCY", 4)}
# The cases' SLA sweep (cases/tasks.py: reminders, escalations, delegations starting): when (cron, UTC; 03:00 UTC
# is 06:00 in Riyadh, before the working day), and how many working days ahead a due date earns a reminder.
ARDH_CASES_SWEEP_CRON = env.string("ARDH_CASES_SWEEP_CRON", "0 3 * * *")
ARDH_CASES_REMIND_WORKING_DAYS = env.integer("ARDH_CASES_REMIND_WORKING_DAYS", 1)

# --- Notifications (notifications/): the backend of each channel, a dotted path. The outbox backend delivers
# to the staff page /outbox/ only (demo and tests); production names real ones (docs/operations.md).
ARDH_SMS_BACKEND = env.string("ARDH_SMS_BACKEND", "notifications.backends.OutboxBackend")
ARDH_EMAIL_BACKEND = env.string("ARDH_EMAIL_BACKEND", "notifications.backends.OutboxBackend")
# For notifications.backends.HttpSmsBackend: the provider's endpoint (POST JSON {to, body, sender}) and token.
ARDH_SMS_URL = env.string("ARDH_SMS_URL", "")
ARDH_SMS_TOKEN = env.string("ARDH_SMS_TOKEN", "")
ARDH_SMS_SENDER = env.string("ARDH_SMS_SENDER", "Ardh")
# For notifications.backends.SmtpEmailBackend (Django's SMTP backend).
EMAIL_HOST = env.string("ARDH_EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("ARDH_EMAIL_PORT", 25)
EMAIL_HOST_USER = env.string("ARDH_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env.string("ARDH_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("ARDH_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.string("ARDH_EMAIL_FROM", "ardh@localhost")

# --- Payments (payments/, docs/payments.md, docs/sadad-interface.md): the SADAD boundary. The connector is a
# dotted path (the HTTP one speaks to the simulator in the demo and tests, and to a sponsoring bank's gateway
# with the same messages); the secret signs both directions (Standard Webhooks, whsec_<base64>).
ARDH_SADAD_CONNECTOR = env.string("ARDH_SADAD_CONNECTOR", "payments.connector.HttpSadadConnector")
ARDH_SADAD_URL = env.string("ARDH_SADAD_URL", "http://127.0.0.1:8766").rstrip("/")
ARDH_SADAD_SECRET = env.string("ARDH_SADAD_SECRET", "whsec_YXJkaC1kZW1vLXNhZGFkLXNlY3JldC1ub3QtZm9yLXByb2R1Y3Rpb24=")
ARDH_SADAD_BILLER_CODE = env.string("ARDH_SADAD_BILLER_CODE", "091")
# The citizens' portal (docs/portal.md, decision 034): how to prove who one is (the code to the mobile; Nafath's
# OpenID Connect later), how long a code lives, whether /outbox/ shows the SMS to anyone (the demo only: a person
# reads their code there), how many proxies stand in front of the app (0 here: REMOTE_ADDR is the client).
ARDH_PORTAL_IDENTITY_PROVIDER = env.string("ARDH_PORTAL_IDENTITY_PROVIDER",
                                           "portal.identity.providers.SmsCodeProvider")
ARDH_PORTAL_CODE_TTL_S = env.integer("ARDH_PORTAL_CODE_TTL_S", 300)
ARDH_OUTBOX_PUBLIC = False
ARDH_TRUSTED_PROXIES = 0
# Where the portal sends a citizen to pay a bill on a web page (the simulator's bank page in the demo; empty in
# production: citizens pay in their own bank's app with the SADAD number the portal shows).
ARDH_SADAD_BANK_PAGE = env.string("ARDH_SADAD_BANK_PAGE", "")
# A notification signed further than this from our clock is refused (a replay, or a clock to fix).
ARDH_SADAD_TOLERANCE_S = env.integer("ARDH_SADAD_TOLERANCE_S", 300)
# A bill's due date and expiry, in days from its issue (a service may give its own).
ARDH_BILL_DUE_DAYS = env.integer("ARDH_BILL_DUE_DAYS", 14)
ARDH_BILL_EXPIRY_DAYS = env.integer("ARDH_BILL_EXPIRY_DAYS", 30)
# How long an issued building permit is valid (years from its issue; a renewal adds as much again).
ARDH_PERMIT_TERM_YEARS = env.integer("ARDH_PERMIT_TERM_YEARS", 3)
# The expiry sweep of unpaid bills (cron, UTC; 21:05 UTC is just after midnight in Riyadh).
ARDH_PAYMENTS_EXPIRY_CRON = env.string("ARDH_PAYMENTS_EXPIRY_CRON", "5 21 * * *")
# SADAD's daily reconciliation of yesterday for every biller (cron, UTC; 01:30 UTC is 04:30 in Riyadh).
ARDH_PAYMENTS_RECONCILE_CRON = env.string("ARDH_PAYMENTS_RECONCILE_CRON", "30 1 * * *")

# Land grants: the national systems asked for facts Ardh does not hold (identity and family from Yaqeen,
# property from the Ministry of Justice). The demo's backend is a simulator and says so in every answer it records.
ARDH_GRANTS_FACTS_BACKEND = env.string("ARDH_GRANTS_FACTS_BACKEND", "grants.facts.Simulator")
