"""TREC Hub settings: one module, configured by environment variables.

With no environment at all the hub runs on its embedded defaults: SQLite in
``var/``, Celery tasks in-process, a local-memory cache and e-mail to the
console. ``DATABASE_URL`` switches to Postgres, ``REDIS_URL`` to Redis for the
cache and the Celery broker, and ``DJANGO_ENV=production`` turns on every
deployment safeguard (``manage.py check --deploy`` passes with no warnings).
"""

import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TREC_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
TESTING = env_bool("TREC_TESTING") or "pytest" in sys.modules

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-6f1c0e1c2b9a4d7f8e3a5b6c7d8e9f00-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Applications -----------------------------------------------------------

SOCIAL_PROVIDERS = {
    # provider id: (environment prefix, allauth app)
    "google": ("GOOGLE", "allauth.socialaccount.providers.google"),
    "microsoft": ("MICROSOFT", "allauth.socialaccount.providers.microsoft"),
}
ENABLED_SOCIAL_PROVIDERS = [
    provider
    for provider, (prefix, _app) in SOCIAL_PROVIDERS.items()
    if os.environ.get(f"{prefix}_CLIENT_ID") and os.environ.get(f"{prefix}_CLIENT_SECRET")
]

INSTALLED_APPS = [
    "trec.apps.HubAdminConfig",  # django.contrib.admin with a scoped "view on site"
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    *[SOCIAL_PROVIDERS[provider][1] for provider in ENABLED_SOCIAL_PROVIDERS],
    "django_filters",
    "import_export",
    "csp",
    "auditlog",  # before "trec": trec/admin.py takes its generic log admin away
    "trec",
    "trec.accounts",
    "trec.transcripts",
    "trec.impact",
    "trec.notifications",
    "trec.districts",
    "providers",
    "events",
    "events.follows",
    "communities",
    "surveys",
    "gratitude",
    "events.proposals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "trec.uploads.RequestBodyLimitMiddleware",  # before anything reads a body
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Database unreachable: a friendly 503 with Retry-After, not a 500 (issue 11).
    "trec.middleware_db.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The audit trail's actor and address for every change in this request (trec.audit).
    "trec.audit.AuditActorMiddleware",
    # NUL and other control characters in the path or a query/form field: a 400 page.
    "trec.middleware_input.RejectControlCharactersMiddleware",
    "trec.accounts.language.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Sign-in throttling (see "Security" below) and the Permissions-Policy header.
    "trec.accounts.throttle.LoginThrottleMiddleware",
    "trec.middleware.PermissionsPolicyMiddleware",
    "trec.middleware.PrivateCacheMiddleware",
]

ROOT_URLCONF = "trec.urls"
WSGI_APPLICATION = "trec.wsgi.application"

TEMPLATE_LOADERS = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trec.context_processors.hub",
            ],
            # The cached loader everywhere but in local development, where
            # template edits should show up without a restart.
            # TEMPLATE_CACHE=0 turns it off (`make bench` measures the difference).
            "loaders": TEMPLATE_LOADERS
            if DEBUG or not env_bool("TEMPLATE_CACHE", True)
            else [("django.template.loaders.cached.Loader", TEMPLATE_LOADERS)],
        },
    }
]
FORM_RENDERER = "trec.forms.HubFormRenderer"

# --- Data -------------------------------------------------------------------

VAR_DIR.mkdir(parents=True, exist_ok=True)
# Persistent connections: each gunicorn thread keeps its connection for CONN_MAX_AGE
# seconds (0 = a new connection per request), checked before reuse, so a restarted
# Postgres costs one failed request per thread at most, then the hub reconnects by
# itself. (Django's psycopg pool would need psycopg_pool, which the hub does not ship;
# `make bench` compares CONN_MAX_AGE=0 with the default.)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if USING_POSTGRES:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")),
        # Catalog typo tolerance (events.search): "litracy" still finds "literacy".
        options="-c pg_trgm.word_similarity_threshold=0.4",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, degrading to a per-process memory cache while Redis is unreachable
            # (trec/cache.py): pages, sign-in (allauth's rate limits use the cache) and
            # registration keep working when Redis is down.
            "BACKEND": "trec.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "trec",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "FALLBACK_RETRY_SECONDS": float(os.environ.get("CACHE_RETRY_SECONDS", "5")),
            },
        }
    }
else:
    # A real (per-process) cache, so allauth's rate limits work on the
    # embedded defaults too.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database, so Redis going away never signs anyone out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Cached reads, in seconds (0 = not cached). Writes bump a version key, so a change
# shows on the next request (trec/cache_signals.py); the timeout backs that up for bulk
# writes and for the clock. Off in tests unless a test turns them on: other tests pin
# query counts and build their data in rolled-back transactions.
CACHED_READS = {
    "catalog_facets": int(os.environ.get("CATALOG_CACHE_SECONDS", "0" if TESTING else "60")),
    # The rendered catalog body per query string: short, because seats left show on it.
    "catalog_page": int(os.environ.get("CATALOG_PAGE_CACHE_SECONDS", "0" if TESTING else "10")),
    "provider_directory": int(os.environ.get("DIRECTORY_CACHE_SECONDS", "0" if TESTING else "300")),
    # One rendered catalog card per event, seat count, next session and language, under
    # the catalog page's version: shared by every query string that lists the event.
    "catalog_cards": int(os.environ.get("CATALOG_CARD_CACHE_SECONDS", "0" if TESTING else "300")),
}

# --- Accounts ---------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses a sign-in attempt past the throttle before any password is checked.
    "trec.accounts.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:me"
ACCOUNT_ADAPTER = "trec.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Trade-off (issue 2 vs issue 11): sign-up says plainly when an address already has an
# account, because issue 2 asks for a clear error there; allauth can only switch that
# off together with its other anti-enumeration measures, so this stays False and the
# sign-up form does leak "this address is registered" (mitigated by allauth's sign-up
# rate limit). Login never tells the two apart ("e-mail and/or password not correct"),
# the sign-in waits (per address, per typed e-mail) say the same for everyone
# (trec.accounts.throttle), and password reset answers the same for any address
# (ACCOUNT_FORMS below: trec.accounts.forms.PrivateResetPasswordForm).
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_FORMS = {"reset_password": "trec.accounts.forms.PrivateResetPasswordForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the e-mail in the browser that signed up signs the person in, and they go
# on to where they were heading (the adapter puts the short profile first).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[TREC Hub] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# allauth's default rate limits stay on (sign-ups, password resets), but see "Security" below.
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS = {
    provider: {
        "APPS": [
            {
                "client_id": os.environ[f"{SOCIAL_PROVIDERS[provider][0]}_CLIENT_ID"],
                "secret": os.environ[f"{SOCIAL_PROVIDERS[provider][0]}_CLIENT_SECRET"],
            }
        ],
        "SCOPE": ["openid", "email", "profile"],
    }
    for provider in ENABLED_SOCIAL_PROVIDERS
}

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365  # the header's language switcher remembers a year
FORMAT_MODULE_PATH = ["trec.formats"]  # Spanish dates and numbers as written in Arizona
TIME_ZONE = "America/Phoenix"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The largest request body the hub accepts (an event import or a 2 MB picture fits with
# room to spare); larger ones are a 413 before anything reads them (trec.uploads).
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_MB", "10")) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "trec.uploads.BodyLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB in memory, larger files to a temp file
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the form fields besides files

# --- E-mail -----------------------------------------------------------------

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "TREC Hub <hello@trec-hub.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Embedded defaults (and the test suite) run tasks in-process.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or TESTING
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Periodic work (celery beat). The notification jobs are idempotent: running one twice,
# or on two beats at once, never sends a message twice (see trec.notifications).
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "notifications.sweep_outbox",
        "schedule": float(os.environ.get("NOTIFICATIONS_SWEEP_SECONDS", "60")),
    },
    "notifications-reminders": {
        "task": "notifications.enqueue_due_reminders",
        "schedule": float(os.environ.get("NOTIFICATIONS_REMINDER_SECONDS", "300")),
    },
    "events-followups": {
        "task": "events.enqueue_followups",
        "schedule": crontab(minute=20),  # hourly
    },
    "events-weekly-digest": {
        "task": "events.enqueue_weekly_digest",
        "schedule": crontab(day_of_week="mon", hour=6, minute=30),
    },
    "events-review-digest": {
        "task": "events.enqueue_review_digest",
        "schedule": crontab(hour=6, minute=45),  # yesterday's submissions, once a day
    },
    "proposals-presenter-credits": {
        "task": "proposals.presenter_credits",
        "schedule": crontab(minute=35),  # hourly: presenters of sessions that just ended
    },
    "follows-alerts": {
        "task": "follows.enqueue_due_alerts",
        "schedule": crontab(minute="*/10"),  # daily/weekly alerts, and leftovers
    },
    "events-next-sessions": {
        "task": "events.refresh_next_sessions",
        "schedule": float(os.environ.get("CATALOG_NEXT_SESSION_SECONDS", "60")),
    },
    "impact-nightly": {
        "task": "impact.refresh_nightly",
        "schedule": crontab(hour=2, minute=15),  # the current calendar and school years
    },
}

# --- Notifications ----------------------------------------------------------

# Reminders before each dated session, as "<n>w|d|h|m" before it starts: these for every
# event, plus the extra ones for some kinds of event (webinars get one an hour before).
NOTIFICATIONS_REMINDER_OFFSETS = {
    "*": env_list("REMINDER_OFFSETS", "7d,1d"),
    "webinar": env_list("WEBINAR_REMINDER_OFFSETS", "1h"),
}
# A window's reminder is not sent late: once less than this share of the offset is left
# (e.g. under 12 hours for "1 day before"), or when the person registered inside the
# window, that reminder is left out.
NOTIFICATIONS_REMINDER_MIN_LEAD = 0.5
# "How was it?" follow-ups go out this long after an attended event ends, for a few days.
NOTIFICATIONS_FOLLOWUP_DELAY_HOURS = 2
NOTIFICATIONS_FOLLOWUP_WITHIN_DAYS = 3
# The sweep re-enqueues pending rows whose hand-off to the broker is older than this.
NOTIFICATIONS_RETRY_AFTER_SECONDS = int(os.environ.get("NOTIFICATIONS_RETRY_AFTER_SECONDS", "60"))
# A row a worker was handing to the mail server when it died becomes an "unconfirmed"
# failure after this long (it is never sent twice automatically).
NOTIFICATIONS_UNCONFIRMED_AFTER_SECONDS = int(
    os.environ.get("NOTIFICATIONS_UNCONFIRMED_AFTER_SECONDS", "600")
)
NOTIFICATIONS_SWEEP_LIMIT = 5000
NOTIFICATIONS_BATCH_SIZE = int(os.environ.get("NOTIFICATIONS_BATCH_SIZE", "100"))
# While the mail server is unreachable (or answers 4xx) a message stays pending and the
# sweep keeps trying, however many attempts that takes, so every message goes out once the
# server is back; only a message still undelivered this long after it was written fails.
NOTIFICATIONS_GIVE_UP_HOURS = int(os.environ.get("NOTIFICATIONS_GIVE_UP_HOURS", "48"))

# --- Security ---------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": [
            "'self'",
            "https://accounts.google.com",
            "https://login.microsoftonline.com",
        ],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Security: sign-in throttling and headers ----------------------------------
# The client's address (trec.net.client_ip): how many reverse proxies of ours append to
# X-Forwarded-For in front of gunicorn. 0 = gunicorn faces the internet (docker-compose):
# the header is ignored. allauth's rate limits read the same count.
TRUSTED_PROXY_COUNT = int(os.environ.get("TREC_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Sign-in throttling (trec.accounts.throttle; the policy is in README "Security"), in the
# database so it holds (and sign-in works) when Redis is down. Per address: the 11th
# failed sign-in within a minute is refused. Per account: after 5 failures within an
# hour, each further try from an unknown device waits 1, 2, 4… up to 15 minutes; a
# browser that signed in to the account before is never held back.
LOGIN_THROTTLE_FAILURES = int(os.environ.get("LOGIN_THROTTLE_FAILURES", "10"))
LOGIN_THROTTLE_WINDOW_SECONDS = int(os.environ.get("LOGIN_THROTTLE_WINDOW_SECONDS", "60"))
LOGIN_ACCOUNT_FREE_FAILURES = int(os.environ.get("LOGIN_ACCOUNT_FREE_FAILURES", "5"))
LOGIN_ACCOUNT_BACKOFF_SECONDS = (60, 15 * 60)  # the first wait, doubling up to the cap
# allauth's per-account limit (5 failures = 5 minutes for everyone, the owner included)
# gives way to the one above; its per-address limits stay on.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# Powerful browser features the hub never uses are off for every page and frame; the
# camera is allowed for the hub's own pages (the QR check-in page scans codes).
PERMISSIONS_POLICY = {
    "accelerometer": "()",
    "autoplay": "()",
    "camera": "(self)",
    "display-capture": "()",
    "geolocation": "()",
    "gyroscope": "()",
    "magnetometer": "()",
    "microphone": "()",
    "midi": "()",
    "payment": "()",
    "usb": "()",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Audit trail (trec/audit.py) ---------------------------------------------

# The models whose edits auditlog records field by field, with the person who made them.
# Status fields that services change are left out: the service records the step itself
# (audit_record), so each step is one entry. A survey's publication is its opening date.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "events.event",
        "exclude_fields": [
            "status",
            "review_comment",
            "published_at",
            "submitted_at",
            "approved_snapshot",
            "starts_at",
            "ends_at",
            "search_vector",
            "calendar_sequence",
            "calendar_state",
            "created_by",
            "created_at",
            "updated_at",
        ],
        "m2m_fields": ["topics", "grade_bands"],
    },
    "events.eventsession",  # shown in its event's History (get_additional_data)
    {
        "model": "accounts.user",
        "include_fields": ["email", "role", "is_active", "is_staff", "is_superuser"],
        "m2m_fields": ["groups"],
    },
    {
        "model": "surveys.survey",
        "include_fields": ["title", "title_es", "kind", "opens_at", "closes_at", "anonymous"],
    },
    {"model": "communities.community", "include_fields": ["title", "status", "capacity"]},
)
AUDITLOG_DISABLE_ON_RAW_SAVE = True  # fixtures and loaddata are not anyone's change
AUDITLOG_USE_FK_STRING_REPRESENTATION = True  # "Sonoran Early Learning", not "12"

# --- Hub --------------------------------------------------------------------

HUB_NAME = "TREC Hub"
HUB_TAGLINE = _("Professional learning for birth–12th grade educators in our region")
