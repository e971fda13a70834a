"""Production: every secret from the environment, HTTPS only, Redis cache, SMTP email."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_required, env_str
from .security_headers import upgrading_insecure_requests

DEBUG = False
SECRET_KEY = env_required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    ALLOWED_HOSTS = [env_required("ALLOWED_HOSTS")]
# Links in emails (password reset, invitations, emergency access, red flags) start with
# this: the first allowed host over HTTPS unless set; never plain http in production.
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")
if not WAGTAILADMIN_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("WAGTAILADMIN_BASE_URL must start with https:// in production.")

# X-Forwarded-Proto and X-Forwarded-Host are trusted only when BEHIND_PROXY says a
# TLS-terminating proxy sets them (and strips them from what clients send); without a proxy
# any client could claim a request came over HTTPS or name another host.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = BEHIND_PROXY
# HTTPS redirect and Secure cookies stay on unless turned off: only for a smoke test of the
# stack on plain-HTTP loopback (deploy/run_local.py), never on a served site.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Probes (systemd, compose, a load balancer) ask the app directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
# Staff always use a second factor in production (mfa/); the remember-browser cookie is Secure.
MFA_REQUIRED_FOR_STAFF = True
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Browsers fetch any http:// sub-resource a page names over HTTPS instead.
CONTENT_SECURITY_POLICY = upgrading_insecure_requests(CONTENT_SECURITY_POLICY)  # noqa: F405
CONTENT_SECURITY_POLICY_ADMIN = upgrading_insecure_requests(CONTENT_SECURITY_POLICY_ADMIN)  # noqa: F405

# Where `collectstatic` writes and nginx serves /static/ from (deploy/).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(STATIC_ROOT)))  # noqa: F405

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
# The page cache's purge must reach every worker: only with the shared cache (Redis), unless
# told otherwise (one process alone).
PAGECACHE_ENABLED = env_bool("PAGECACHE_ENABLED", bool(REDIS_URL))

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)

# Emails, alerts and index updates wait in a database queue; `manage.py run_worker` (jobs/)
# runs them beside the web server, under a supervisor (deploy/).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": TASK_QUEUES,  # noqa: F405
    }
}

LOGGING["root"]["level"] = env_str("LOG_LEVEL", "INFO")  # noqa: F405
