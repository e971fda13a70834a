"""Test settings: PostgreSQL when DATABASE_URL is set, SQLite otherwise."""

from .base import *  # noqa: F403
from .cache_sessions import caches, session_engine

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# The test cache outlives each test's rolled-back database: its own tests turn it on.
PAGECACHE_ENABLED = False
# This process's memory and sessions in the database, whatever REDIS_URL the shell holds:
# asserted query counts assume them, and a shared Redis would outlive each test. The Redis
# tests (tests/test_multi_machine_sessions.py) turn it on themselves.
CACHES = caches(None)
SESSION_ENGINE = session_engine(None)
MEDIA_ROOT = BASE_DIR / ".pytest_cache" / "media"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests log providers in with force_login; the second-factor tests turn this on themselves.
MFA_REQUIRED_FOR_STAFF = False
# On PostgreSQL, tests connect as DATABASE_URL's role (the owner: it creates and migrates the
# test database), then run as this restricted role (tests/audit_role_fixtures.py).
TEST_DATABASE_APP_ROLE = env_str("TEST_DATABASE_APP_ROLE", "clinic_app")  # noqa: F405
# Retries, stranded tasks and outages in fractions of a second (jobs/).
JOBS_RETRY_BASE_DELAY = 0.2
JOBS_RETRY_MAX_DELAY = 1
JOBS_RETRY_ATTEMPTS = 3
JOBS_STRANDED_AFTER = 1
JOBS_STRANDED_CHECK_INTERVAL = 0.2
JOBS_OUTAGE_BASE_DELAY = 0.1
JOBS_OUTAGE_MAX_DELAY = 0.5
