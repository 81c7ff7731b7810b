"""Production settings: what ``manage.py check --deploy`` asks for.

Run with ``DJANGO_SETTINGS_MODULE=shuangyong.settings.production`` and at least
``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL`` in the environment.
Behind a TLS-terminating proxy set ``SECURE_PROXY_SSL_HEADER_NAME``.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from shuangyong.settings import *  # noqa: F403
from shuangyong.settings import env_bool

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production.")

DEBUG = False
# Keys must be provisioned (SHUANGYONG_KEYS or SHUANGYONG_KEY_FILE), never invented.
SHUANGYONG_AUTO_KEYS = env_bool("SHUANGYONG_AUTO_KEYS", False)
# Whoever can reveal personal data logs in with a second factor.
TOTP_FOR_PERSONAL_DATA = env_bool("TOTP_FOR_PERSONAL_DATA", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
if os.environ.get("SECURE_PROXY_SSL_HEADER_NAME"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER_NAME"], "https")

# Each web thread keeps its database connection between requests (checked before reuse):
# opening one per request cost more than rendering a small page.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))  # noqa: F405

# Hashed, compressed static files collected once at deploy time.
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(DATA_DIR / "static"))  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
