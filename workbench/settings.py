"""Settings read from the environment.

With nothing set, the workbench runs self-contained: SQLite and a filesystem Celery broker in DATA_DIR, so a
separate worker process builds reports without any server. DATABASE_URL and CELERY_BROKER_URL switch to
PostgreSQL and Redis in production.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import dj_email_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

# Lets classes that Django's type stubs declare generic be subscripted at run time: ModelAdmin[Team].
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))
# SQLite and the filesystem broker write here; creating it at start saves every entry point from doing so.
for _folder in (DATA_DIR, DATA_DIR / "broker", DATA_DIR / "broker-processed", DATA_DIR / "broker-control"):
    _folder.mkdir(parents=True, exist_ok=True)
DEBUG = envbool("DEBUG", False)
# The fallback key only serves local runs; check --deploy rejects it because production must set its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-local-only-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "axes",
    "policies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the signed-in user's saved language overrides what LocaleMiddleware chose.
    "policies.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# The CPU time of each request in a response header, for the load benchmark (policies.middleware).
if envbool("SERVER_TIMING", False):
    MIDDLEWARE.insert(0, "policies.middleware.ServerTimingMiddleware")

ROOT_URLCONF = "workbench.urls"
WSGI_APPLICATION = "workbench.wsgi.application"
ASGI_APPLICATION = "workbench.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'workbench.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, for the test database: the worker process and the live server must see it too.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the throttling counters, so every web process must see the same one: Redis with CACHE_URL
# (several web nodes), otherwise a table of the database (`manage.py createcachetable` makes it), which the two
# gunicorn workers of `make run` share with no service to run.
CACHE_URL = os.environ.get("CACHE_URL", "")
DATABASE_CACHE = {
    "BACKEND": "workbench.cache.SharedDatabaseCache",
    "LOCATION": "workbench_cache",
    # Above the default 300, so that a burst of guesses from many addresses cannot push counters out.
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}
CACHES = {
    "default": (
        {
            # A Redis outage degrades the cache (misses, dropped writes) instead of failing requests.
            "BACKEND": "workbench.cache.TolerantRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "workbench"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if CACHE_URL
        else DATABASE_CACHE
    )
}
# Sessions are read on every poll and autosave of a live workshop: Redis answers and the database keeps them.
# The database cache would only add a second read of the same database, so without Redis sessions stay in the
# database alone.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if CACHE_URL else "db")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while an account and address are locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (workbench/login_lockout.py): five failures for one username from one address lock that pair
# out for a while, and twenty from one address whatever the usernames (password spraying) lock the address out.
AXES_HANDLER = "workbench.login_lockout.LoginLockoutHandler"
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "policies" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STATIC_MANIFEST = envbool("STATIC_MANIFEST", not DEBUG)
# Without a collected manifest (tests, development) whitenoise serves straight from the app folders, finding
# each file as it is asked for: listing every app's folder up front took about 12 ms each time the middleware was
# built, which a test suite does once per test client.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
    # Report files: in MEDIA_ROOT, or in an S3-compatible bucket (AWS, MinIO, Ceph...) with REPORT_STORAGE=s3.
    "reports": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
REPORT_STORAGE = (os.environ.get("REPORT_STORAGE") or "local").strip().lower()
if REPORT_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured(f"REPORT_STORAGE must be 'local' or 's3', not {REPORT_STORAGE!r}.")
if REPORT_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("REPORT_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    from botocore.config import Config

    STORAGES["reports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,  # None: AWS itself
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Unset keys leave boto3 its own chain (instance role, ~/.aws); set, they win.
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "file_overwrite": False,  # as on disk: a name already taken gets a suffix, never replaced
            "default_acl": None,  # private objects: downloads go through the permission check in Django
            # An unreachable store fails the job within seconds instead of after boto3's 60 s timeouts.
            "client_config": Config(
                connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}
            ),
        },
    }

# Scripts only from our own origin; Plotly sets inline styles on the elements it draws, so styles need
# 'unsafe-inline' while scripts never do.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Celery. The filesystem transport needs no server yet still runs tasks in a separate worker process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "processed_folder": str(DATA_DIR / "broker-processed"),
        # Exchange tables; left unset, kombu writes them into the working directory.
        "control_folder": str(DATA_DIR / "broker-control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600)}
)
CELERY_TASK_IGNORE_RESULT = True  # job state lives in our own Report rows
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A prefork child whose memory passes this (in KiB) is replaced after its task: WeasyPrint and the Chromium of
# chart export grow a long-lived worker by hundreds of MB over many reports.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = envint("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 600_000)
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 300)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE = {
    "sweep-reports": {
        "task": "policies.tasks.sweep_reports_task",
        "schedule": envint("REPORT_SWEEP_SECONDS", 60),
    },
}
# A running report whose worker has not beaten for this long is taken back (above the hard time limit).
REPORT_STALE_SECONDS = envint("REPORT_STALE_SECONDS", CELERY_TASK_TIME_LIMIT + 30)
# A pending report not taken by a worker after this long is queued again (the broker may have lost it).
REPORT_REQUEUE_SECONDS = envint("REPORT_REQUEUE_SECONDS", 600)
# Reports one person may have waiting or being built at once: each PDF costs seconds of Chromium.
REPORTS_IN_FLIGHT_PER_USER = envint("REPORTS_IN_FLIGHT_PER_USER", 3)

# Chart export for reports; kaleido drives this Chromium (Debian's package, never a download).
CHROMIUM_PATH = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
# Each chart's SVG is kept by a hash of its figure, so a report rebuilt with little changed redraws only what changed
# (policies.chart_export). CHART_CACHE=0 turns it off; drawings expire after CHART_CACHE_SECONDS (they may carry
# participants' names and reasons, so they do not outlive the data for long).
CHART_CACHE_DIR = DATA_DIR / "chart-cache" if envbool("CHART_CACHE", True) else None
CHART_CACHE_SECONDS = envint("CHART_CACHE_SECONDS", 24 * 3600)
CHART_CACHE_MAX_FILES = envint("CHART_CACHE_MAX_FILES", 5000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        name: {"level": "WARNING"} for name in ("choreographer", "kaleido", "axes", "weasyprint", "fontTools")
    },
}

# -- Accounts: django-allauth (sign-in, sign-up, email, password reset, MFA, OpenID Connect) ------------------
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]
# allauth's middleware before django-axes, which must stay last; the team MFA rule after authentication.
MIDDLEWARE[MIDDLEWARE.index("axes.middleware.AxesMiddleware") : 0] = [
    "allauth.account.middleware.AccountMiddleware",
    "policies.middleware.TeamMfaMiddleware",
]
AUTHENTICATION_BACKENDS += ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "policies.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "policies.accounts.adapters.InstitutionalAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Invitation only unless SIGNUP_OPEN=1; an invitation opens sign-up for the person holding it.
ACCOUNT_SIGNUP_OPEN = envbool("SIGNUP_OPEN", False)
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("EMAIL_VERIFICATION", "mandatory")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Workbench] "
# django-axes throttles failed sign-ins (settings above); allauth's own counter would be a second, different one.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# allauth posts the login as "login" and accepts a username or an email: one counter per account for axes.
AXES_USERNAME_CALLABLE = "policies.accounts.throttling.login_name"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_ISSUER", "Policy Options Workbench")
# Who may create teams: "anyone" signed in, or "staff" (site administrators) only.
TEAM_CREATION = os.environ.get("TEAM_CREATION", "anyone").strip().lower()
if TEAM_CREATION not in {"anyone", "staff"}:
    raise ImproperlyConfigured(f"TEAM_CREATION must be 'anyone' or 'staff', not {TEAM_CREATION!r}.")
INVITATION_DAYS = envint("INVITATION_DAYS", 14)
# Workshop guests' names are erased once their exercise's retention has run out (an hourly sweep).
CELERY_BEAT_SCHEDULE["erase-expired-guests"] = {
    "task": "policies.tasks.erase_expired_guests_task",
    "schedule": 3600,
}
# Cases, exercises and case items deleted longer ago than their restore window are removed for good (daily).
CELERY_BEAT_SCHEDULE["purge-expired-deletions"] = {
    "task": "policies.tasks.purge_expired_deletions_task",
    "schedule": 24 * 3600,
}
# Behind N proxies, the client's address is the Nth from the right of X-Forwarded-For: for the throttles, the
# login lockout and the team history alike (policies/client_address.py).
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "policies.client_address.client_address"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # a provider's email never takes over an existing local account
SOCIALACCOUNT_AUTO_SIGNUP = True
# OpenID Connect providers (Keycloak, Entra ID, Google Workspace, any issuer) from OIDC_PROVIDERS and
# OIDC_<ID>_* variables; see docs/operations.md.
from workbench.institutional_sign_in import providers_from_environment  # noqa: E402

SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": providers_from_environment()}
}

# Email: EMAIL_URL (smtp://user:pass@host:587/?tls=True), or the usual EMAIL_HOST... variables; without
# either, mails are printed on the console of the web process. Django 6.1's MAILERS replaces EMAIL_BACKEND.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    _email = dj_email_url.parse(EMAIL_URL)
    _mailer: dict[str, object] = {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            "host": _email["EMAIL_HOST"],
            "port": _email["EMAIL_PORT"],
            "username": _email["EMAIL_HOST_USER"],
            "password": _email["EMAIL_HOST_PASSWORD"],
            "use_tls": _email["EMAIL_USE_TLS"],
            "use_ssl": _email["EMAIL_USE_SSL"],
            "timeout": _email["EMAIL_TIMEOUT"] or 10,
        }
        if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else ({"file_path": _email["EMAIL_FILE_PATH"]} if _email.get("EMAIL_FILE_PATH") else {}),
    }
elif os.environ.get("EMAIL_HOST"):
    _port = envint("EMAIL_PORT", 587)
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ["EMAIL_HOST"],
            "port": _port,
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": envbool("EMAIL_USE_TLS", _port == 587),
            "use_ssl": envbool("EMAIL_USE_SSL", _port == 465),
            "timeout": 10,
        },
    }
else:
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "workbench@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
