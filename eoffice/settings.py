"""Settings, read from the environment only. Production differs from development by env vars alone.

Database roles (docs/security.md):
- ``DATABASE_URL``            the app role: not owner, not superuser, no BYPASSRLS. Every request/task.
- ``MIGRATION_DATABASE_URL``  the owner role: runs migrations (``migrate --database owner``) only.
- ``REDIS_URL``               Celery broker + cache (Valkey/Redis).
"""

from __future__ import annotations

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or env.bool("EOFFICE_DEV", default=False):
        SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105
    else:
        raise RuntimeError("DJANGO_SECRET_KEY must be set (ตั้งค่า DJANGO_SECRET_KEY ก่อน)")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS posture. Development on http://127.0.0.1 sets EOFFICE_HTTPS=0.
HTTPS = env.bool("EOFFICE_HTTPS", default=True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env.bool("EOFFICE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("EOFFICE_BEHIND_PROXY", default=False) else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("EOFFICE_SESSION_SECONDS", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "__Host-eoffice_session" if HTTPS else "eoffice_session"
CSRF_COOKIE_NAME = "__Host-eoffice_csrf" if HTTPS else "eoffice_csrf"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "drf_spectacular",
    "eoffice.common",
    "tenants",
    "documents",
    "signatures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "eoffice.common.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "eoffice.common.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Resolves /a/<agency>/ and /api/v1/a/<agency>/, checks membership, and wraps the WHOLE
    # response (template rendering, streamed bodies) in one transaction with the tenant set.
    "tenants.middleware.TenantMiddleware",
]

ROOT_URLCONF = "eoffice.urls"
WSGI_APPLICATION = "eoffice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.web.context.tenant_context",
                "documents.web.context.notifications_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
_APP_DB = env.db_url("DATABASE_URL", default="postgres://eoffice_app:eoffice_app@127.0.0.1:5432/eoffice")
_OWNER_DB = env.db_url(
    "MIGRATION_DATABASE_URL", default="postgres://eoffice_owner:eoffice_owner@127.0.0.1:5432/eoffice"
)
if env.bool("EOFFICE_DB_AS_OWNER", default=False):
    # Used only by seeding commands that the test harness runs as the owner (never by the app).
    _APP_DB = dict(_OWNER_DB)

_DB_ENGINE = "eoffice.common.db.backend"


def _db(cfg: dict, *, guard: bool, conn_max_age: int) -> dict:
    d = dict(cfg)
    d["ENGINE"] = _DB_ENGINE
    d["CONN_MAX_AGE"] = conn_max_age
    d["CONN_HEALTH_CHECKS"] = True
    d["ATOMIC_REQUESTS"] = False  # tenants.middleware owns the request transaction
    d["TENANT_GUARD"] = guard
    d.setdefault("OPTIONS", {})
    d["OPTIONS"].setdefault("application_name", "eoffice")
    d["TEST"] = {"NAME": d["NAME"]}
    return d


DATABASES = {
    "default": _db(_APP_DB, guard=True, conn_max_age=env.int("EOFFICE_CONN_MAX_AGE", default=60)),
    # A second app-role connection for events that must survive the request's rollback
    # (denied access, failed logins): written in their own short transaction.
    "audit_side": _db(_APP_DB, guard=True, conn_max_age=60),
    # Owner: migrations only (``manage.py migrate --database owner``).
    "owner": _db(_OWNER_DB, guard=False, conn_max_age=0),
}
DATABASE_ROUTERS = ["eoffice.common.db.routers.MigrateOnOwnerRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache / broker ---------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("EOFFICE_CACHE_PREFIX", default="eoffice"),
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # bounded by the attempt cap kept in the database (jobs)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("EOFFICE_TASK_SOFT_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("EOFFICE_TASK_HARD_LIMIT", default=300)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("EOFFICE_VISIBILITY_TIMEOUT", default=3600)}
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULE = {
    "jobs-reconcile": {"task": "tenants.jobs_reconcile", "schedule": env.float("EOFFICE_RECONCILE_SECONDS", 30.0)},
}
# Jobs: a worker's lease on a job; the reconciler re-dispatches jobs whose lease ran out.
EOFFICE_JOB_LEASE_SECONDS = env.int("EOFFICE_JOB_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 30)
EOFFICE_JOB_MAX_ATTEMPTS = env.int("EOFFICE_JOB_MAX_ATTEMPTS", default=5)
# Run (in this order, in the agency's scope) when an agency is created or re-provisioned.
EOFFICE_AGENCY_PROVISIONERS = ["documents.registry.books.books_provision"]
EOFFICE_JOB_STALE_DISPATCH_SECONDS = env.int("EOFFICE_JOB_STALE_DISPATCH_SECONDS", default=60)

# --- Auth -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "tenants.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "agency-choose"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (tenants/services/login_throttle.py): per account+address, per account, per address.
EOFFICE_LOGIN_LIMITS = {
    "account_address": (env.int("EOFFICE_LOGIN_MAX_ACCOUNT_ADDRESS", default=5), 15 * 60),
    "account": (env.int("EOFFICE_LOGIN_MAX_ACCOUNT", default=20), 15 * 60),
    # An office of 200 people behind one NAT address must not be locked out by one person.
    "address": (env.int("EOFFICE_LOGIN_MAX_ADDRESS", default=200), 15 * 60),
}
EOFFICE_API_TOKEN_DAYS = env.int("EOFFICE_API_TOKEN_DAYS", default=90)

# --- i18n: Thai first, English available ---------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "eoffice_lang"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files: our own + packages installed from the npm lockfile (no CDN) ------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("EOFFICE_STATIC_ROOT", default=str(BASE_DIR / ".devdata" / "static")))
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/uswds", _NODE / "@uswds" / "uswds" / "dist"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/sarabun", _NODE / "@fontsource" / "sarabun"),
    ("vendor/trix", _NODE / "trix" / "dist"),  # the drafting pages' rich-text editor
]
STATICFILES_DIRS = [d for d in STATICFILES_DIRS if Path(d[1] if isinstance(d, tuple) else d).exists()]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # pdf.js for the in-page preview: only the files it loads, under vendor/pdfjs/ (not the 14 MB package)
    "documents.web.staticfiles.PdfjsFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env.bool("EOFFICE_PLAIN_STATIC", default=False):
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = Path(env("EOFFICE_MEDIA_ROOT", default=str(BASE_DIR / ".devdata" / "media")))

# --- Registry files (documents/files, docs/files.md): checked by content, encrypted per file -------------
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

EOFFICE_FILE_MAX_BYTES = env.int("EOFFICE_FILE_MAX_BYTES", default=50 * 1024 * 1024)
# Files uploaded ahead of a registration that never came: destroyed (key and ciphertext) after this long.
EOFFICE_UPLOAD_KEEP_HOURS = env.int("EOFFICE_UPLOAD_KEEP_HOURS", default=72)
# Handling (docs/handling.md): working days an assigned officer gets, by urgency (DGA codes ปกติ 001 … ด่วนที่สุด 004),
# "001:10,002:5,003:3,004:1" by default; a letter's ด่วนภายใน deadline brings the date forward.
EOFFICE_DUE_WORKING_DAYS = {
    code: int(days) for code, days in (
        pair.split(":") for pair in env("EOFFICE_DUE_WORKING_DAYS", default="001:10,002:5,003:3,004:1").split(",") if pair)
}
# Master keys wrapping each file's data key: "id:base64(32 random bytes)", comma-separated, current first.
EOFFICE_FILE_MASTER_KEYS = env.list("EOFFICE_FILE_MASTER_KEYS", default=[])
# Development/tests only: without master keys, derive one from SECRET_KEY (documents/files/crypto.py).
EOFFICE_FILE_DEV_MASTER_KEY = not EOFFICE_FILE_MASTER_KEYS and (DEBUG or env.bool("EOFFICE_DEV", default=False))
if not EOFFICE_FILE_MASTER_KEYS and not EOFFICE_FILE_DEV_MASTER_KEY:
    raise ImproperlyConfigured(
        "EOFFICE_FILE_MASTER_KEYS must be set (id:base64 of 32 random bytes; docs/files.md) /"
        " ต้องตั้งค่า EOFFICE_FILE_MASTER_KEYS ก่อน (ดู docs/files.md)"
    )
EOFFICE_FILE_ROOT = Path(env("EOFFICE_FILE_ROOT", default=str(BASE_DIR / ".devdata" / "files")))
EOFFICE_FILE_STORAGE = env("EOFFICE_FILE_STORAGE", default="filesystem")
if EOFFICE_FILE_STORAGE == "s3":
    _S3_ENDPOINT = env("EOFFICE_FILE_S3_ENDPOINT_URL", default="") or None
    STORAGES["registry_files"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("EOFFICE_FILE_S3_BUCKET", default="eoffice-files"),
            "endpoint_url": _S3_ENDPOINT,
            "region_name": env("EOFFICE_FILE_S3_REGION", default="") or None,
            "access_key": env("EOFFICE_FILE_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("EOFFICE_FILE_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env("EOFFICE_FILE_S3_PREFIX", default=""),
            "addressing_style": "path" if _S3_ENDPOINT else None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": True,  # names are fresh UUIDs: skip the existence check
        },
    }
elif EOFFICE_FILE_STORAGE == "filesystem":
    STORAGES["registry_files"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(EOFFICE_FILE_ROOT),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
else:
    raise ImproperlyConfigured("EOFFICE_FILE_STORAGE must be 'filesystem' or 's3'")
# Preview of office files: LibreOffice converts them to PDF (documents/files/preview.py, docs/files.md).
EOFFICE_PREVIEW_TIMEOUT = env.float("EOFFICE_PREVIEW_TIMEOUT", default=60.0)  # seconds; then the process is killed
EOFFICE_PREVIEW_MAX_MB = env.int("EOFFICE_PREVIEW_MAX_MB", default=2048)  # address-space limit of the conversion
EOFFICE_SOFFICE = env("EOFFICE_SOFFICE", default="soffice")
WHITENOISE_USE_FINDERS = DEBUG

# --- DRF / OpenAPI -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.api.auth.MembershipTokenAuthentication",
        "tenants.api.auth.TenantSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.api.permissions.IsTenantMember"],
    "DEFAULT_SCHEMA_CLASS": "tenants.api.schema.TenantAutoSchema",
    "EXCEPTION_HANDLER": "tenants.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "e-Office สารบรรณอิเล็กทรอนิกส์ API",
    "DESCRIPTION": (
        "Multi-tenant API. Every route lives under /api/v1/a/{agency}/; a token is bound to one "
        "membership of one agency. Dates are ISO 8601 in the Christian Era (CE)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "LetterKindEnum": "documents.models.letters.LetterKind",
        "OrgUnitKindEnum": "tenants.models.people.OrgUnitKind",
        "AgencyKindEnum": "tenants.models.agency.AgencyKind",
        "PurposeEnum": "documents.models.letters.Purpose",
        "UrgencyEnum": "documents.models.letters.Urgency",
        "StatusEnum": "documents.models.registry.EntryStatus",
        "HandlingStateEnum": "documents.models.handling.HandlingState",
        "HoldingPurposeEnum": "documents.models.handling.HoldingPurpose",
        "HoldingStatusEnum": "documents.models.handling.HoldingStatus",
        "HandlingEventKindEnum": "documents.models.handling.EventKind",
        "NotificationKindEnum": "documents.models.notifications.NotificationKind",
        "ChannelEnum": "documents.models.registry.Channel",
        "DraftFormEnum": "documents.models.drafting.DraftForm",
        "DraftSourceEnum": "documents.models.drafting.DraftSource",
        "DraftStateEnum": "documents.models.drafting.DraftState",
        "DraftEventKindEnum": "documents.models.drafting.DraftEventKind",
        "DispatchChannelEnum": "documents.models.drafting.DispatchChannel",
        "RecipientRoleEnum": "documents.models.drafting.RecipientRole",
        "ReviewStageEnum": "documents.models.drafting.ReviewStage",
        "ReviewStatusEnum": "documents.models.drafting.ReviewStatus",
    },
}

# --- Content security policy (eoffice/common/middleware.py) --------------------------------------------
EOFFICE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

EMAIL_BACKEND = env("EOFFICE_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Outgoing SMTP (auto-replies from the saraban@ mailbox, notifications) when the SMTP backend is chosen.
EMAIL_HOST = env("EOFFICE_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EOFFICE_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EOFFICE_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EOFFICE_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EOFFICE_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EOFFICE_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EOFFICE_EMAIL_TIMEOUT", default=30)

# --- Central saraban@ mailbox intake (documents/mailbox, docs/mailbox.md) -----------------------------------
EOFFICE_MAILBOX_FETCH_SECONDS = env.int("EOFFICE_MAILBOX_FETCH_SECONDS", default=300)
EOFFICE_MAILBOX_FETCH_LIMIT = env.int("EOFFICE_MAILBOX_FETCH_LIMIT", default=200)
EOFFICE_MAILBOX_MAX_MESSAGE_MB = env.int("EOFFICE_MAILBOX_MAX_MESSAGE_MB", default=75)
EOFFICE_MAILBOX_LOOKBACK_DAYS = env.int("EOFFICE_MAILBOX_LOOKBACK_DAYS", default=14)
EOFFICE_MAILBOX_TIMEOUT = env.int("EOFFICE_MAILBOX_TIMEOUT", default=30)
# Maildir mailboxes must lie under this folder; empty: maildir mailboxes are refused.
EOFFICE_MAILBOX_MAILDIR_ROOT = env("EOFFICE_MAILBOX_MAILDIR_ROOT", default="")
CELERY_BEAT_SCHEDULE["mailbox-fetch-due"] = {
    "task": "documents.mailbox_fetch_all_due", "schedule": float(EOFFICE_MAILBOX_FETCH_SECONDS),
}
CELERY_BEAT_SCHEDULE["uploads-sweep"] = {"task": "documents.files_sweep_all", "schedule": 3600.0}

from celery.schedules import crontab  # noqa: E402

# --- Notifications and the daily overdue reminder (documents/handling/notifications.py, docs/handling.md) ------
# The sender of notification e-mails, and the site's address for the links in them ("" = path only).
DEFAULT_FROM_EMAIL = env("EOFFICE_EMAIL_FROM", default="e-Office <no-reply@localhost>")
EOFFICE_SITE_URL = env("EOFFICE_SITE_URL", default="")
# Once a day (Bangkok time) one job per agency reminds holders of overdue letters; the job is keyed by the
# date, so a second beat the same day queues nothing.
EOFFICE_REMINDER_HOUR = env.int("EOFFICE_REMINDER_HOUR", default=7)
CELERY_TIMEZONE = TIME_ZONE  # crontab entries in Bangkok time
CELERY_BEAT_SCHEDULE["overdue-reminders"] = {
    "task": "documents.overdue_remind_all",
    "schedule": crontab(hour=EOFFICE_REMINDER_HOUR, minute=30),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("EOFFICE_LOG_LEVEL", "WARNING")},
}
