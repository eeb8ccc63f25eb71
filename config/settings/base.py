"""Settings shared by every environment. Everything comes from the environment (config.env).

`dev.py`, `test.py` and `prod.py` only choose defaults; the rules that depend on DEBUG
(secrets required, HTTPS on) live here so that no environment can skip them.
"""

import tomllib
from datetime import timedelta

from corsheaders.defaults import default_headers
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import BASE_DIR, env, lockout_parameters, rate, secret
from config.logs import configure_structlog, logging_config

DEBUG = env.bool("DEBUG", default=False)

# --- secrets and hosts: dev defaults only when DEBUG is on -------------------------------
_DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production-0123456789abcdef"  # noqa: S105 (used only with DEBUG on)
if DEBUG:
    SECRET_KEY = secret("SECRET_KEY", default=_DEV_SECRET_KEY)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = secret("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (e.g. 50+ random characters).")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names).")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- applications ------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "corsheaders",
    "csp",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "djoser",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "littlelemon.core",
    "littlelemon.api",
    "littlelemon.accounts",
    "littlelemon.menu",
    "littlelemon.restaurant",
    "littlelemon.bookings",
    "littlelemon.events",
    "littlelemon.notifications",
    "littlelemon.cart",
    "littlelemon.orders",
    "littlelemon.payments",
    "littlelemon.reports",
    "littlelemon.audit",
    "rest_framework_api_key",  # the abstract model littlelemon.apikeys builds on (its own table stays unused)
    "littlelemon.apikeys",
    "littlelemon.demo",
    "littlelemon.pages",
    "littlelemon.web",
    "littlelemon.staff",
    "littlelemon.live",
    "littlelemon.kitchen",
    "littlelemon.recommendations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # CORS answers preflights and adds its headers to every response below it, errors included.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body (CSRF, sessions, DRF's parsers): 413 for an oversized one.
    "littlelemon.api.middleware.RequestBodyLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed a two-factor code (littlelemon/accounts/two_factor.py).
    "django_otp.middleware.OTPMiddleware",
    # The admin asks staff who use two-factor log-in for their code too.
    "littlelemon.accounts.two_factor.AdminTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "littlelemon.audit.context.AuditContextMiddleware",
    # A view's unhandled exception: 503 when the database does not answer, JSON 500 under /api/.
    "littlelemon.api.middleware.ServerErrorMiddleware",
    # Turns a locked-out log-in (admin, web pages) into the lockout answer; axes wants it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "littlelemon.web.context_processors.restaurant",
                "littlelemon.staff.context_processors.staff",
                "csp.context_processors.nonce",  # {{ CSP_NONCE }} for the inline <script>/<style> a page needs
            ],
        },
    },
]

# --- database ----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's own SQLite options for a web server with several threads/processes writing:
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock when a
    # transaction starts, so two writers wait for each other instead of failing on a lock
    # upgrade; the busy timeout (seconds) is how long a writer waits before "database is
    # locked" (a 503). synchronous=NORMAL is durable in WAL mode up to a power cut.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Keep connections between requests. On SQLite too: opening one costs the PRAGMAs above and
# Django's function registrations, and closing the last connection checkpoints the WAL. Not
# under ASGI (config/asgi.py says so): there each request's synchronous code runs in a thread of
# its own, so a connection kept for "the next request" of that thread is never reused, only
# leaked until the database refuses new ones (Django's docs: persistent connections are for WSGI).
# On PostgreSQL under ASGI, each process keeps a pool of DB_POOL_MAX_SIZE connections instead
# (psycopg's, Django's OPTIONS["pool"]): a request borrows one and gives it back when it ends, and
# a burst of requests (200 live streams reconnecting after a deploy) waits up to
# DB_POOL_TIMEOUT seconds for a free one rather than exceed the server's max_connections.
SERVING_ASGI = env.bool("LITTLELEMON_ASGI", default=False)
DATABASES["default"]["CONN_MAX_AGE"] = 0 if SERVING_ASGI else env.int("CONN_MAX_AGE", default=60)
if SERVING_ASGI and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DB_POOL_MAX_SIZE", default=20),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
    }

# --- cache: local memory by default, Redis when REDIS_URL is set -------------------------
# Throttle counters (and the log-in limits' records) must be shared by every server process, so
# that more workers do not multiply the limits, and must be kept until they expire: Redis when
# configured, else the database (table `throttle_cache`, created by core migration 0004) through
# littlelemon.core.cache: one upsert a write, one SELECT a read. The periodic job
# `cache_tables_purge` deletes expired entries; MAX_ENTRIES bounds the table (past it, the
# entries that expire soonest go), checked also every CULL_EVERY writes of a process.
REDIS_URL = env.str("REDIS_URL", default="")
THROTTLE_CACHE_MAX_ENTRIES = env.int("THROTTLE_CACHE_MAX_ENTRIES", default=100_000)
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "throttle",
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "littlelemon"},
        "throttle": {
            "BACKEND": "littlelemon.core.cache.UpsertDatabaseCache",
            "LOCATION": "throttle_cache",
            "OPTIONS": {"MAX_ENTRIES": THROTTLE_CACHE_MAX_ENTRIES},
        },
    }


# --- HTTP caching (littlelemon/core/conditional.py) ---------------------------------------
def _project_version() -> str:
    with open(BASE_DIR / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["version"]


# ETags are built from the version stamps and the release, so a deploy never leaves a stale 304.
RELEASE = env.str("RELEASE", default=_project_version())
# Public reads (the menu, the availability): how long a browser or the proxy in front may reuse
# an answer without asking, and then serve it while it revalidates in the background.
HTTP_CACHE_MAX_AGE = env.int("HTTP_CACHE_MAX_AGE", default=5)
HTTP_CACHE_STALE_WHILE_REVALIDATE = env.int("HTTP_CACHE_STALE_WHILE_REVALIDATE", default=30)

# --- auth --------------------------------------------------------------------------------
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
# django-axes counts failed log-ins wherever Django's authenticate() runs (the API's JWT log-in,
# the admin, the web log-in page) and refuses further attempts for a while once the limit is
# reached: by default for that account from that address, so nobody can lock a user out from
# elsewhere, and the address is `client_address()` (the socket's unless TRUSTED_PROXIES).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = lockout_parameters("LOGIN_LOCKOUT_BY", default="username+ip_address")
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "littlelemon.core.http.client_address"
AXES_LOCKOUT_CALLABLE = "littlelemon.accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "littlelemon.accounts.lockout.lockout_username"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False  # no start-up banner in every manage.py command; lockouts are still logged

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "littlelemon.accounts.validators.MaximumLengthValidator"},
]

# --- i18n / time -------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True

# --- static and media --------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The back office's dish photos (littlelemon/menu/photos.py): uploads above this are refused.
MENU_PHOTO_MAX_BYTES = env.int("MENU_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)

# --- email -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Little Lemon <orders@littlelemon.localhost>")
# The customer e-mails (littlelemon/notifications/emails, docs/emails.md): sent by the outbox relay in
# the restaurant's name, with links back to the site at SITE_URL (scheme and host, no path).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
BOOKING_REMINDER_HOURS = env.int("BOOKING_REMINDER_HOURS", default=3)  # 0: no reminders
# The bookings floor (docs/bookings-floor.md): a party is seated from this many minutes before its
# booking starts (until it ends), and marked a no-show only this many minutes after it started.
BOOKING_SEAT_EARLY_MINUTES = env.int("BOOKING_SEAT_EARLY_MINUTES", default=30)
BOOKING_NO_SHOW_GRACE_MINUTES = env.int("BOOKING_NO_SHOW_GRACE_MINUTES", default=15)

# --- staff accounts: two-factor log-in, invitations (docs/staff-accounts-and-privacy.md) ---
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Little Lemon")
# After a wrong code the next one is refused for 1, 2, 4, 8... seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)
# Wrong codes allowed for one password log-in before the password must be entered again.
TWO_FACTOR_MAX_ATTEMPTS = env.int("TWO_FACTOR_MAX_ATTEMPTS", default=5)
# How often a signed-in staff session re-reads whether its user must use two-factor log-in.
TWO_FACTOR_RECHECK_SECONDS = env.int("TWO_FACTOR_RECHECK_SECONDS", default=300)
# A staff invitation's set-password link works for this many days.
STAFF_INVITE_DAYS = env.int("STAFF_INVITE_DAYS", default=3)

# --- background work: the Tasks API (django-tasks, Django 6's django.tasks) --------------
# The queue lives in the database (django-tasks-db); `manage.py worker` runs it and the periodic
# jobs (docs/deploy.md). TASKS_IMMEDIATE=true runs each task inside the request that enqueued it
# instead: no worker needed, slower requests (tests of a single flow, tiny setups).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env.bool("TASKS_IMMEDIATE", default=False)
        else "django_tasks_db.DatabaseBackend"
    }
}
# How often `manage.py worker` enqueues the periodic jobs that are due (no job runs more often).
PERIODIC_TICK_SECONDS = env.int("PERIODIC_TICK_SECONDS", default=15)
# Finished task results (the queue's table) are deleted after this many days (a periodic job).
TASK_RESULT_RETENTION_DAYS = env.int("TASK_RESULT_RETENTION_DAYS", default=7)
# The outbox relay (littlelemon/events/relay.py).
# The relay runs after every commit that writes an event, and this often besides: retries that
# came due, deliveries a killed worker left leased, an enqueue that was lost.
OUTBOX_RELAY_INTERVAL_SECONDS = env.int("OUTBOX_RELAY_INTERVAL_SECONDS", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)  # then the delivery is dead-lettered
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)  # doubles each attempt
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=3600)
# A worker's claim on a delivery it is sending; past it, another worker sends it again (same id).
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=120)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=30)  # delivered events are purged after
# Outgoing webhooks (littlelemon/notifications/webhooks, docs/webhooks.md). Plain http only in
# development; endpoints inside the network (loopback, private, link-local...) only when allowed.
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=DEBUG)
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10.0)  # then the attempt failed
WEBHOOKS_CA_BUNDLE = env.str("WEBHOOKS_CA_BUNDLE", default="")  # PEM file of CAs to trust instead of the system's
# Periodic jobs of the orders (littlelemon/orders/tasks.py). The auto-reject minutes live on the
# restaurant settings row (managers edit them); these two are only its first values, copied by
# migration restaurant 0004. Idempotency keys are forgotten IDEMPOTENCY_KEY_TTL_HOURS after the order.
ORDER_ACCEPT_TIMEOUT_MINUTES = env.int("ORDER_ACCEPT_TIMEOUT_MINUTES", default=15)
ORDER_SCHEDULED_DUE_MINUTES = env.int("ORDER_SCHEDULED_DUE_MINUTES", default=60)
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
# Guest carts (the API's X-Cart-Token, a web visitor's) nothing was written to for this many days
# are deleted with their lines (littlelemon/cart/housekeeping.py).
GUEST_CART_TTL_DAYS = env.int("GUEST_CART_TTL_DAYS", default=30)

# Payments (littlelemon/payments, docs/payments.md). Counter, cash and card in person need
# nothing; cards online go through Stripe when its three keys are set (the option is hidden
# otherwise). STRIPE_API_BASE and STRIPE_JS_URL point at localstripe for tests and the demo.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
# An order waiting for its online payment expires (cart intact, nothing charged) after this.
PAYMENT_EXPIRY_MINUTES = env.int("PAYMENT_EXPIRY_MINUTES", default=30)

# Live updates of the staff screens and the customer's order page (littlelemon/live). "stream":
# server-sent events from /live/stream/, which needs an ASGI server (uvicorn; `make run` uses
# one). "poll": the same pages re-fetch their fragments every LIVE_POLL_SECONDS with
# If-None-Match, for AWS Lambda or a WSGI-only server.
LIVE_MODE = env.str("LIVE_MODE", default="stream")
if LIVE_MODE not in ("stream", "poll"):
    raise ImproperlyConfigured(f"LIVE_MODE is 'stream' or 'poll', not {LIVE_MODE!r}.")
LIVE_POLL_SECONDS = env.int("LIVE_POLL_SECONDS", default=3)
# The stream: each server process reads new events every LIVE_TAIL_SECONDS for all its streams;
# a stream sends a keep-alive comment every LIVE_KEEPALIVE_SECONDS and ends after
# LIVE_STREAM_MAX_SECONDS (the browser reconnects at once, resuming from its Last-Event-ID).
LIVE_TAIL_SECONDS = env.float("LIVE_TAIL_SECONDS", default=0.25)
LIVE_KEEPALIVE_SECONDS = env.int("LIVE_KEEPALIVE_SECONDS", default=15)
LIVE_STREAM_MAX_SECONDS = env.int("LIVE_STREAM_MAX_SECONDS", default=300)
# On PostgreSQL an event with a lower id may commit after a higher one was read: the hub keeps
# asking for the ids it skipped for LIVE_GAP_SECONDS, then takes them for rolled back.
LIVE_GAP_SECONDS = env.float("LIVE_GAP_SECONDS", default=30)
# The kitchen display (littlelemon/staff): whether it shows orders not yet accepted; how long
# before its time a scheduled order appears; the age (minutes since it was accepted, or placed)
# at which a card turns amber, then red; how long after a bump the kitchen may recall it.
KITCHEN_SHOWS_PLACED = env.bool("KITCHEN_SHOWS_PLACED", default=False)
KITCHEN_SCHEDULED_LEAD_MINUTES = env.int("KITCHEN_SCHEDULED_LEAD_MINUTES", default=30)
KITCHEN_AGE_WARNING_MINUTES = env.int("KITCHEN_AGE_WARNING_MINUTES", default=10)
KITCHEN_AGE_LATE_MINUTES = env.int("KITCHEN_AGE_LATE_MINUTES", default=20)
KITCHEN_RECALL_MINUTES = env.int("KITCHEN_RECALL_MINUTES", default=3)
# The delivery-crew app: whether drivers may take ready delivery orders nobody was assigned.
DELIVERY_CREW_TAKES_READY_ORDERS = env.bool("DELIVERY_CREW_TAKES_READY_ORDERS", default=True)
# Recommendations (littlelemon/recommendations): the scores are recomputed by a background job
# every night (RECOMMENDATIONS_RECOMPUTE_HOURS) and as soon as RECOMMENDATIONS_RECOMPUTE_AFTER_ORDERS
# orders came in since the last time; the worker checks every RECOMMENDATIONS_CHECK_MINUTES.
RECOMMENDATIONS_RECOMPUTE_HOURS = env.int("RECOMMENDATIONS_RECOMPUTE_HOURS", default=24)
RECOMMENDATIONS_RECOMPUTE_AFTER_ORDERS = env.int("RECOMMENDATIONS_RECOMPUTE_AFTER_ORDERS", default=200)
RECOMMENDATIONS_CHECK_MINUTES = env.int("RECOMMENDATIONS_CHECK_MINUTES", default=10)

# --- HTTPS and proxies: on by default when DEBUG is off ----------------------------------
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- request size: a body over the limit is a 413 before anything reads it ----------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)  # multipart bodies (dish photos)

# --- Content-Security-Policy (django-csp): scripts and styles from this site or nonced -----
# Templates put `nonce="{{ CSP_NONCE }}"` on the inline <script>/<style> they need; the
# API documentation pages relax the policy for what Swagger UI and Redoc need (config.urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *env.list("CSP_IMG_SRC", default=[])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- CORS (django-cors-headers): only the configured origins, only the API -----------------
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False  # the API authenticates with a bearer token, not cookies
CORS_ALLOW_HEADERS = (*default_headers, "idempotency-key")
CORS_EXPOSE_HEADERS = ["Retry-After"]

# --- REST framework ----------------------------------------------------------------------
REST_FRAMEWORK = {
    # JWT first: an anonymous call to a protected endpoint is a 401 with WWW-Authenticate.
    # `Api-Key <key>` last: integrations, within their key's scopes (littlelemon/apikeys).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        # The session, once it gave its two-factor code when its user uses two-factor log-in.
        "littlelemon.accounts.authentication.VerifiedSessionAuthentication",
        "littlelemon.apikeys.authentication.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "littlelemon.api.renderers.XMLRenderer",
        "littlelemon.api.renderers.CSVRenderer",
        "littlelemon.api.renderers.YAMLRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "littlelemon.api.parsers.JSONParser",
        "littlelemon.api.parsers.FormParser",
        "littlelemon.api.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "littlelemon.api.negotiation.ContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "littlelemon.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["littlelemon.api.filters.FilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "littlelemon.api.throttling.AnonRateThrottle",
        "littlelemon.api.throttling.UserRateThrottle",
        "littlelemon.api.throttling.ApiKeyRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": rate("THROTTLE_ANON_RATE", "20/min"),
        "user": rate("THROTTLE_USER_RATE", "100/min"),
        "login": rate("THROTTLE_LOGIN_RATE", "10/min"),  # per address: log-ins and reset requests
        # Failed log-ins of one account from addresses it never logged in from (accounts/ratelimit.py).
        "login_username": rate("THROTTLE_LOGIN_USERNAME_RATE", "10/hour"),
        "signup": rate("THROTTLE_SIGNUP_RATE", "5/min"),
        "guest": rate("THROTTLE_GUEST_RATE", "5/min"),  # guest carts made, guest orders placed, claims asked for
        "order": rate("THROTTLE_ORDER_RATE", "10/min"),
        "api_key": rate("THROTTLE_API_KEY_RATE", "600/min"),  # per API key, whatever its address
    },
    # The throttles use littlelemon.core.http.client_address (TRUSTED_PROXIES); kept in step.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "EXCEPTION_HANDLER": "littlelemon.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "littlelemon.api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].insert(1, "rest_framework.renderers.BrowsableAPIRenderer")

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": SECRET_KEY,
    "ALGORITHM": "HS256",
}

DJOSER = {
    "LOGIN_FIELD": "username",
    "USER_CREATE_PASSWORD_RETYPE": False,
    "HIDE_USERS": True,
    "SERIALIZERS": {
        "user_create": "littlelemon.accounts.serializers.UserCreateSerializer",
        "user": "littlelemon.accounts.serializers.UserSerializer",
        "current_user": "littlelemon.accounts.serializers.UserSerializer",
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Little Lemon API",
    "DESCRIPTION": (
        "Online ordering and table reservations for a restaurant. Authenticate with "
        "`Authorization: Bearer <access token>` from `/api/v1/auth/jwt/create/`; integrations with "
        "`Authorization: Api-Key <key>` (issued at `/api/v1/api-keys/`, within its scopes). Errors are "
        '`{"detail", "code", "fields"}`. Responses are JSON by default; XML, CSV and YAML by '
        "`Accept` or `?format=`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name per choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "littlelemon.orders.enums.OrderStatus",
        # The menu's dietary tags and allergens, also the food preferences of /auth/users/me/.
        "DietaryEnum": "littlelemon.menu.enums.DietaryTag",
        "AllergenEnum": "littlelemon.menu.enums.Allergen",
    },
    # Links from lists and creates to the operations on one object (stateful fuzzing follows them).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "littlelemon.api.schema.add_links"],
}

# --- logging: JSON lines (LOG_FORMAT=json) or text (plain), see config/logs.py ---------------
# Plain text when DEBUG is on (`make run`), JSON otherwise; LOG_FORMAT overrides either way.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json").lower()
configure_structlog()
LOGGING = logging_config(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))

# --- AWS Lambda (config/lambda_handler.py): only /tmp is writable and there is no Redis --------
# Lambda sets AWS_LAMBDA_FUNCTION_NAME. There the cache, the throttle counters and the sessions
# live in the database (CACHE_IN_DATABASE; `manage.py createcachetable` makes the cache's table, the
# handler's `{"manage": ["createcachetable"]}` event runs it), media and static files on S3
# (below), and nothing is written beside the code. CACHE_IN_DATABASE works anywhere else too.
ON_LAMBDA = bool(env.str("AWS_LAMBDA_FUNCTION_NAME", default=""))
if ON_LAMBDA and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("On AWS Lambda set DATABASE_URL (PostgreSQL): a SQLite file would not outlive /tmp.")
CACHE_IN_DATABASE = env.bool("CACHE_IN_DATABASE", default=ON_LAMBDA and not REDIS_URL)
if CACHE_IN_DATABASE:
    # The throttle counters are already the database's without Redis (the `throttle_cache` table).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "littlelemon_cache"},
        "throttle": {
            "BACKEND": "littlelemon.core.cache.UpsertDatabaseCache",
            "LOCATION": "throttle_cache",
            "OPTIONS": {"MAX_ENTRIES": THROTTLE_CACHE_MAX_ENTRIES},
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- media (and static) on S3: django-storages, on when AWS_STORAGE_BUCKET_NAME is set ---------
# Media under `media/`, and with STATIC_ON_S3 the collected static files under `static/` (hashed
# names, so a CDN may keep them for ever). Credentials come from boto3's usual chain (the Lambda
# role, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ...). URLs are unsigned: the files are public
# through CloudFront (AWS_S3_CUSTOM_DOMAIN), and the menu's responses, kept while the menu does
# not change, would outlive a signature's expiry (AWS_QUERYSTRING_AUTH=true signs them anyway).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
STATIC_ON_S3 = env.bool("STATIC_ON_S3", default=False)
if AWS_STORAGE_BUCKET_NAME:
    _s3_endpoint = env.str("AWS_S3_ENDPOINT_URL", default="")  # another S3 (MinIO, moto); empty: AWS
    _s3_region = env.str("AWS_S3_REGION_NAME", default="")
    _s3_domain = env.str("AWS_S3_CUSTOM_DOMAIN", default="")  # the CDN's host name, e.g. d111.cloudfront.net
    _s3_options = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": _s3_endpoint or None,
        "region_name": _s3_region or None,
        "custom_domain": _s3_domain or None,
        "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
        "file_overwrite": False,
    }
    STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3_options, "location": "media"}},
        "staticfiles": (
            {
                "BACKEND": "storages.backends.s3.S3ManifestStaticStorage",
                "OPTIONS": {**_s3_options, "location": "static", "querystring_auth": False},
            }
            if STATIC_ON_S3
            else STORAGES["staticfiles"]
        ),
    }
    # Where the pages load those files from, for the Content-Security-Policy.
    if _s3_domain:
        _s3_origins = [f"https://{_s3_domain}"]
    elif _s3_endpoint:
        _s3_origins = [_s3_endpoint.rstrip("/")]
    else:
        _s3_origins = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
        if _s3_region:
            _s3_origins.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{_s3_region}.amazonaws.com")
    _csp = CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for _directive in ("img-src", "script-src", "style-src", "font-src") if STATIC_ON_S3 else ("img-src",):
        _csp[_directive] = [*_csp[_directive], *_s3_origins]

# --- observability: request ids, request log lines, Prometheus metrics ---------------------
# littlelemon/observability. RequestLogMiddleware goes first so that every answer gets its
# X-Request-ID and its log line; django-prometheus' pair wraps the rest of the stack.
INSTALLED_APPS += ["django_prometheus", "littlelemon.observability"]
# On Lambda nothing scrapes: API Gateway's and Lambda's CloudWatch metrics stand in (docs/deploy.md).
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=not ON_LAMBDA)
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it is a 404 for everyone.
METRICS_TOKEN = secret("METRICS_TOKEN")
MIDDLEWARE = [
    "littlelemon.observability.requests.RequestLogMiddleware",
    *(["django_prometheus.middleware.PrometheusBeforeMiddleware"] if METRICS_ENABLED else []),
    *MIDDLEWARE,
]
if METRICS_ENABLED:  # the innermost but axes, which wants to be last
    MIDDLEWARE.insert(
        MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "django_prometheus.middleware.PrometheusAfterMiddleware"
    )
