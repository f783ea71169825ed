"""Settings shared by every environment; everything that varies comes from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from roots.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("ROOTS_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from our static files (offline)
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "roots.core",
    "roots.org",
    "roots.customers",
    "roots.procurement",
    "roots.catalog",
    "roots.orders",
    "roots.finance",
    "roots.service",
    "roots.portal",
    "roots.sellthrough",
    "roots.sales",
    "roots.kpis",
    "roots.notifications",
    # The top apps, which gather the others: the staff home, the demo data set.
    "roots.home",
    "roots.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "roots.core.middleware.PrivateCacheMiddleware",  # no-store on signed-in answers
    "django_otp.middleware.OTPMiddleware",
    "roots.org.middleware.OTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "roots.urls"
WSGI_APPLICATION = "roots.wsgi.application"
ASGI_APPLICATION = "roots.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "roots" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "roots.core.context_processors.navigation",
                "roots.notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database: SQLite (WAL) by default, PostgreSQL via DATABASE_URL --------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'roots.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Lockout (django-axes): web login and the token endpoint ---------------------------------
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "roots.org.views.lockout_response"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Password spraying (one address, many usernames): failed logins are also counted per address,
# across usernames, at a higher limit (roots.org.lockout).
AXES_HANDLER = "roots.org.lockout.AddressLimitHandler"
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 10)

# --- Two-factor: roles that must use TOTP (set in production) --------------------------------
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "")
OTP_TOTP_ISSUER = "Roots CRM"

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English"), ("es", "Español")]
STAFF_LANGUAGES = ["zh-hans", "en"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: front-end packages are copied from node_modules by `make assets` -----------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "roots" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the finders when DEBUG (demo) and in tests; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Mail: console by default, SMTP (or any backend) from EMAIL_URL ---------------------------
EMAIL_URL = env_str("EMAIL_URL", "console://")
_email = dj_email_url.parse(EMAIL_URL)
if "EMAIL_BACKEND" not in _email:  # an unknown scheme would silently mean SMTP on localhost
    raise ImproperlyConfigured(
        f"EMAIL_URL: unknown scheme in {EMAIL_URL.split(':', 1)[0]!r}; "
        "use smtp://, smtps://, console://, file://, memory:// or dummy://"
    )
vars().update(_email)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Roots CRM <noreply@roots.invalid>")

# --- Warehouse ------------------------------------------------------------------------------
WAREHOUSE_PATH = env_str("WAREHOUSE_PATH", str(VAR_DIR / "warehouse.duckdb"))

# --- Background work -----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Notifications and the outbox (docs/architecture.md) -------------------------------------
# E-mail is written to the outbox in the business transaction and sent by `db_worker`
# (`deliver_outbox`, swept by cron). True: send right after the commit, in the committing
# process (the test settings; no worker needed).
OUTBOX_DELIVER_ON_COMMIT = env_bool("OUTBOX_DELIVER_ON_COMMIT", False)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 60)  # the first back-off; it doubles
OUTBOX_CLAIM_SECONDS = env_int("OUTBOX_CLAIM_SECONDS", 300)  # a worker's lease on its batch
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 30)  # sent mail
NOTIFICATIONS_KEEP_DAYS = env_int("NOTIFICATIONS_KEEP_DAYS", 90)  # read notifications
NOTIFICATIONS_KEEP_UNREAD_DAYS = env_int("NOTIFICATIONS_KEEP_UNREAD_DAYS", 365)
# Fault injection for tests/test_outbox_kill.py: the worker kills itself after its claim.
OUTBOX_TEST_CRASH_BEFORE_SEND = env_bool("OUTBOX_TEST_CRASH_BEFORE_SEND", False)

# --- Demo ----------------------------------------------------------------------------------
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "roots-demo-2026")

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "roots.org.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # A browser session must have entered its two-factor code; a token had to at login.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "roots.org.permissions.TwoFactorVerified",
    ],
    "DEFAULT_PAGINATION_CLASS": "roots.core.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "roots.core.api.exception_handler",
    # Ours first: any body that cannot be read (nested too deep too) is a 400, never a 500.
    "DEFAULT_PARSER_CLASSES": [
        "roots.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Requests per user at the rate of the role's tier (roots.core.throttling): `user` for
    # staff roles, `portal` for customer and supplier users, `field` for engineers,
    # `integration` for system accounts, `anon` per IP address for anonymous callers.
    "DEFAULT_THROTTLE_CLASSES": ["roots.core.throttling.RoleRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_USER_RATE", "600/minute"),
        "portal": env_str("API_PORTAL_RATE", "120/minute"),
        "field": env_str("API_FIELD_RATE", "120/minute"),
        "integration": env_str("API_INTEGRATION_RATE", "3000/minute"),
        "anon": env_str("API_ANON_RATE", "60/minute"),
    },
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
}
# API tokens (django-rest-knox): hashed, expiring, one per login; `Authorization: Token <t>`.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 24 * 30)
API_TOKEN_LIMIT_PER_USER = env_int("API_TOKEN_LIMIT_PER_USER", 50)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# Costly downloads (statement PDF/XLSX, XLSX exports), pages and API: per user.
EXPORT_RATE = env_str("EXPORT_RATE", "10/minute")
# The OpenAPI schema (/api/schema/) and docs (/api/docs/) for anonymous callers too.
API_SCHEMA_PUBLIC = env_bool("API_SCHEMA_PUBLIC", False)
SPECTACULAR_SETTINGS = {
    "TITLE": "Roots CRM API",
    "DESCRIPTION": (
        "The HTTP API of Roots. Authenticate with `POST /api/v1/auth/token/`, then send "
        "`Authorization: Token <token>`. Every write accepts an `Idempotency-Key` header; "
        "record edits accept `If-Match` with the record's ETag."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs: signed-in callers only (a session past its two-factor code),
    # unless API_SCHEMA_PUBLIC.
    "SERVE_PERMISSIONS": [
        "roots.core.permissions.SchemaAccess",
        "roots.org.permissions.TwoFactorVerified",
    ],
    # Swagger UI and Redoc from our own static files (drf-spectacular-sidecar), no CDN; no
    # validator badge (an image from validator.swagger.io, which the CSP would refuse).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": True,
        "validatorUrl": None,
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name per choice set where several models call their field `status` or `kind`.
    "ENUM_NAME_OVERRIDES": {
        "ChannelTypeEnum": "roots.customers.models.ChannelType",
        "CustomerStatusEnum": "roots.customers.models.CustomerStatus",
        "OrderStatusEnum": "roots.orders.models.OrderStatus",
        "OrderKindEnum": "roots.orders.models.OrderKind",
        "OrderEventKindEnum": "roots.orders.models.EventKind",
        "InvoiceStatusEnum": "roots.finance.models.InvoiceStatus",
        "StatementStatusEnum": "roots.finance.models.StatementStatus",
        "DisputeStatusEnum": "roots.finance.models.DisputeStatus",
        "FeedKindEnum": "roots.sellthrough.models.FeedKind",
        "UploadStatusEnum": "roots.sellthrough.models.UploadStatus",
    },
}

# --- Security headers and CSP ----------------------------------------------------------------
from csp.constants import NONCE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # No 'unsafe-inline': templates style through classes (roots.css), scripts through
        # CSSOM (allowed); chart tooltips are escaped markup with classes (charts.js).
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# jieba keeps its dictionary cache under var/
JIEBA_CACHE = VAR_DIR / "jieba.cache"

ROOTS_NAV_LABEL = _("Roots CRM")
