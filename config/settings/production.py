"""Production: every secret from the environment, HTTPS only, SMTP email, and what several
web machines share when configured (docs/deploy.md): Redis (base.py), media in S3, a search
server, a read replica, a proxy or CDN to purge."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_required, env_str
from .media_storage import S3Media
from .replica import REPLICA, ROUTERS, replica_database, with_replica_reads
from .search import DEFAULT_INDEX_PREFIX, DEFAULT_SERVER_BACKEND, search_backends
from .security_headers import allowing_images_from, upgrading_insecure_requests

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

# Where `collectstatic` writes and nginx serves /static/ from (deploy/). Static files stay
# whitenoise's compressed, hashed copies with a manifest (base.py's STORAGES), collected on
# every machine at each release.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(STATIC_ROOT)))  # noqa: F405

# The page cache's purge must reach every worker: only with the shared cache (REDIS_URL,
# base.py), unless told otherwise (one process alone).
PAGECACHE_ENABLED = env_bool("PAGECACHE_ENABLED", bool(REDIS_URL))  # noqa: F405

# Media in S3-compatible storage when MEDIA_S3_BUCKET is set (media_storage.py): private
# objects, signed image links that outlive any cached page, images allowed by the CSP from
# there. Documents are streamed by /documents/ after Wagtail's collection privacy check,
# never a link to the bucket. Unset: files under MEDIA_ROOT on this machine.
media_s3 = S3Media.from_env()
if media_s3:
    media_s3.check(PAGECACHE_TIMEOUT + PAGECACHE_STALE_IF_ERROR + PAGECACHE_MAX_AGE)  # noqa: F405
    STORAGES = {**STORAGES, "default": media_s3.storage()}  # noqa: F405
    WAGTAILDOCS_SERVE_METHOD = "serve_view"
    CONTENT_SECURITY_POLICY = allowing_images_from(CONTENT_SECURITY_POLICY, media_s3.origin)
    CONTENT_SECURITY_POLICY_ADMIN = allowing_images_from(
        CONTENT_SECURITY_POLICY_ADMIN, media_s3.origin
    )

# Search on OpenSearch or Elasticsearch when SEARCH_URL is set, PostgreSQL full-text search
# (Wagtail's database backend) otherwise (search.py).
WAGTAILSEARCH_BACKENDS = search_backends(
    env_list("SEARCH_URL"),
    env_str("SEARCH_BACKEND", DEFAULT_SERVER_BACKEND),
    env_str("SEARCH_INDEX_PREFIX", DEFAULT_INDEX_PREFIX),
)

# A read replica for anonymous readers of public pages when DATABASE_REPLICA_URL is set
# (replica.py; which requests, config/replica_reads.py). For DATABASE_REPLICA_LAG_SECONDS
# after a publish every page reads the primary: keep the replica's lag below it.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES = {  # noqa: F405
        **DATABASES,  # noqa: F405
        REPLICA: replica_database(DATABASE_REPLICA_URL, env_int("DATABASE_CONN_MAX_AGE", 60)),
    }
    DATABASE_ROUTERS = ROUTERS
    MIDDLEWARE = with_replica_reads(MIDDLEWARE)  # noqa: F405
    DATABASE_REPLICA_LAG_SECONDS = env_int("DATABASE_REPLICA_LAG_SECONDS", 10)

# A caching proxy or CDN in front (Varnish, nginx's proxy_cache...) told to drop a page when
# it is published or unpublished: an HTTP PURGE of the page's path, with its Host, to each
# comma-separated address (wagtail.contrib.frontend_cache, on the task queue). Its other
# copies (listings, search) expire after PAGECACHE_MAX_AGE. The app's own page cache is
# purged either way (pagecache/).
FRONTEND_CACHE_PURGE_URLS = env_list("FRONTEND_CACHE_PURGE_URL")
if FRONTEND_CACHE_PURGE_URLS:
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]  # noqa: F405
    WAGTAILFRONTENDCACHE = {
        f"proxy-{number}": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": location,
        }
        for number, location in enumerate(FRONTEND_CACHE_PURGE_URLS, start=1)
    }

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
