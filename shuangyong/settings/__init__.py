"""Settings for local use, development and tests.

Everything a deployment changes comes from the environment, so the same code
runs on a laptop with SQLite and on a cluster with PostgreSQL. Production
tightens these in ``shuangyong.settings.production``.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Data folder: the SQLite file, uploaded files, the generated secret key.
DATA_DIR = Path(os.environ.get("SHUANGYONG_DATA_DIR", Path.cwd() / "data")).resolve()


def _local_secret_key() -> str:
    """A key generated once per data folder, so local sessions survive restarts."""
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Ours first, so our templates override third-party ones.
    "shuangyong.audit",
    "shuangyong.core",
    "shuangyong.org",
    "shuangyong.accounts",
    "shuangyong.messaging",
    "shuangyong.standards",
    "shuangyong.campaigns",
    "shuangyong.supervision",
    "shuangyong.coordination",
    "shuangyong.care",
    "shuangyong.defence",
    "shuangyong.reports",
    "shuangyong.api",
    "shuangyong.portal",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shuangyong.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, but a logout racing a request in flight does not turn its answer into a 400.
    "shuangyong.core.middleware.SessionEndedMeanwhileMiddleware",
    "shuangyong.core.middleware.ChineseFirstLocaleMiddleware",
    "shuangyong.core.middleware.RejectUnstorableTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A page kept whole is read with the session (before anything reads it) and served
    # once the idle timeout has passed it (core.pagecache).
    "shuangyong.core.pagecache.KeptPageLookupMiddleware",
    "shuangyong.accounts.middleware.IdleTimeoutMiddleware",
    "shuangyong.core.pagecache.KeptPageMiddleware",
    "shuangyong.audit.context.AuditContextMiddleware",
    # An API POST repeated with the same Idempotency-Key gets the first one's answer.
    "shuangyong.api.idempotency.IdempotencyKeyMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "shuangyong.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes last: it turns a lockout raised during authentication into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shuangyong.urls"
WSGI_APPLICATION = "shuangyong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shuangyong.portal.context_processors.shell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'shuangyong.sqlite3'}",
        # Seconds a web thread keeps its connection (0: one per request). Production
        # keeps them (see settings.production): connecting costs more than a small page.
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and WAL keep concurrent requests from tripping
    # over "database is locked" when the app serves several people at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "shuangyong.accounts.backends.ModelBackendKeepingUsers",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "shuangyong.accounts.password_policy.CharacterClassValidator"},
    {"NAME": "shuangyong.accounts.password_policy.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout: by account, not by address, because a whole office shares one
# address behind the government network's NAT.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
# W006 warns that per-username lockout can be dodged by changing user agent or
# cookies; it cannot: the counter is kept per username whatever the client sends.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# The cache: Redis when REDIS_URL (or CACHE_URL) names one, shared by every web process
# and the worker; otherwise local memory, which is right for the embedded default (one
# process) and for tests. Anything several processes must agree on (form tokens, cached
# rankings and their invalidation) needs the shared one.
CACHE_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "shuangyong.core.redis_cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "sy"),
            "TIMEOUT": 300,
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"CACHE_URL: redis://, rediss://, unix:// or locmem://: {CACHE_URL}")
SHARED_CACHE = "RedisCache" in CACHES["default"]["BACKEND"]
# Whole answers of read-only pages kept per session until the next committed write
# (core.pagecache). Only with a shared cache by default: with per-process memory a write
# in one process would not reach the answers another keeps.
PAGE_CACHE = env_bool("PAGE_CACHE", SHARED_CACHE)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))

# Sessions end after a spell of inactivity (等保 asks for an idle timeout), enforced by
# accounts.middleware.IdleTimeoutMiddleware from the last activity kept in the session,
# which it re-saves only once a SESSION_ACTIVITY_SECONDS old (not on every request: that
# write was a fifth of the home page's time). The stored session outlives the idle time
# by that step so that the middleware, not the store, decides; the cookie itself ends
# with the browser. Sessions live in the database, read through Redis when there is one
# (never through a per-process memory cache: a logout must end the session everywhere).
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ACTIVITY_SECONDS = min(60, SESSION_IDLE_SECONDS // 10)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS + SESSION_ACTIVITY_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = (
    "shuangyong.core.sessions"  # cached_db, reading a kept page in the same round trip
    if SHARED_CACHE
    else "django.contrib.sessions.backends.db"
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the meta tag, not the cookie

# Encryption keys for sensitive fields (see shuangyong/core/crypto.py). Locally a
# key file is created in the data folder on first use; production must provide one.
SHUANGYONG_AUTO_KEYS = env_bool("SHUANGYONG_AUTO_KEYS", True)
SHUANGYONG_KEYS = os.environ.get("SHUANGYONG_KEYS", "")
if os.environ.get("SHUANGYONG_KEY_FILE"):
    SHUANGYONG_KEY_FILE = Path(os.environ["SHUANGYONG_KEY_FILE"])

# Audit trail: kept at least 180 days (等保 2.0); pruning keeps the chain verifiable.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "180"))
AUDIT_TRUST_X_FORWARDED_FOR = env_bool("AUDIT_TRUST_X_FORWARDED_FOR", False)

# Second factor: roles listed here must enrol a TOTP device before working.
TOTP_REQUIRED_ROLES = env_list("TOTP_REQUIRED_ROLES", "")
# Roles that can reveal personal data (full ID numbers) must use a second factor.
TOTP_FOR_PERSONAL_DATA = env_bool("TOTP_FOR_PERSONAL_DATA", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "双拥工作平台")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = None  # production collects to a folder; locally whitenoise reads the sources
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Locally whitenoise serves straight from the app folders: no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The Chinese font for PDFs ("path" or "path#index"); empty means the first one found
# among Debian's CJK fonts (see reports/fonts.py). Never fetched from the network.
PDF_FONT = os.environ.get("SHUANGYONG_PDF_FONT", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_MB", "50")) * 1024 * 1024
# Rows and cells an import takes, counted from the file before it is parsed (Excel's
# own row limit by default: a sheet past it was not made by a person).
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "1048576"))
IMPORT_MAX_CELLS = int(os.environ.get("IMPORT_MAX_CELLS", "40000000"))
# The most characters any one text value of a form or an API body may have (a field
# with its own, lower limit states that one); longer is refused before any view runs.
TEXT_MAX_CHARS = int(os.environ.get("TEXT_MAX_CHARS", "100000"))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shuangyong@localhost")
# Text messages: a logging provider unless a gateway is configured (see messaging/sms.py);
# shuangyong.messaging.sms.AliyunBackend sends through Alibaba Cloud SMS (dysmsapi).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "shuangyong.messaging.sms.LoggingBackend")
ALIYUN_SMS_BASE_URL = os.environ.get("ALIYUN_SMS_BASE_URL", "https://dysmsapi.aliyuncs.com")
ALIYUN_SMS_ACCESS_KEY_ID = os.environ.get("ALIYUN_SMS_ACCESS_KEY_ID", "")
ALIYUN_SMS_ACCESS_KEY_SECRET = os.environ.get("ALIYUN_SMS_ACCESS_KEY_SECRET", "")
ALIYUN_SMS_SIGN_NAME = os.environ.get("ALIYUN_SMS_SIGN_NAME", "")
ALIYUN_SMS_TEMPLATE_CODE = os.environ.get("ALIYUN_SMS_TEMPLATE_CODE", "")
# WeCom (企业微信) application messages: offered to people once the corporation is set up.
WECOM_BASE_URL = os.environ.get("WECOM_BASE_URL", "https://qyapi.weixin.qq.com")
WECOM_CORP_ID = os.environ.get("WECOM_CORP_ID", "")
WECOM_SECRET = os.environ.get("WECOM_SECRET", "")
WECOM_AGENT_ID = os.environ.get("WECOM_AGENT_ID", "")
# DingTalk robots (group robots are added on the delivery log page).
DINGTALK_BASE_URL = os.environ.get("DINGTALK_BASE_URL", "https://oapi.dingtalk.com")
MESSAGING_HTTP_TIMEOUT = int(os.environ.get("MESSAGING_HTTP_TIMEOUT", "10"))
# The address people open links in messages at (links inside the app are relative).
SITE_URL = os.environ.get("SITE_URL", "")

# Background jobs: the Django tasks API with its database backend; `shuangyong worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
