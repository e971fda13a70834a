"""Ready for several web machines, and unchanged on one: without any of the multi-machine
variables production keeps the single-machine settings, and static files are always
whitenoise's compressed copies with a manifest (collected on every machine per release)."""

import os
import sys

from config.settings import cache_sessions
from tests.multi_machine_settings import PRODUCTION_ENV, VARIABLES, built_settings
from tests.multi_machine_web import run_manage

EVERY_VARIABLE = {
    "REDIS_URL": "redis://redis.internal:6379/0",
    "MEDIA_S3_BUCKET": "clinic-media",
    "MEDIA_S3_REGION": "eu-west-2",
    "SEARCH_URL": "https://search.internal:9200",
    "DATABASE_REPLICA_URL": "postgres://reader@replica.internal:5432/clinic",
    "FRONTEND_CACHE_PURGE_URL": "http://varnish.internal:6081",
}


def test_production_without_the_variables_keeps_one_machines_settings(monkeypatch):
    production = built_settings(monkeypatch)
    assert production.CACHES["default"]["BACKEND"] == cache_sessions.LOCAL_MEMORY_CACHE
    assert production.SESSION_ENGINE == cache_sessions.DATABASE_SESSIONS
    assert production.STORAGES["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert not hasattr(production, "WAGTAILDOCS_SERVE_METHOD")
    assert production.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] == (
        "wagtail.search.backends.database"
    )
    assert set(production.DATABASES) == {"default"}
    assert not hasattr(production, "DATABASE_ROUTERS")
    assert production.MIDDLEWARE == sys.modules["config.settings.base"].MIDDLEWARE
    assert "wagtail.contrib.frontend_cache" not in production.INSTALLED_APPS
    assert not hasattr(production, "WAGTAILFRONTENDCACHE")
    assert production.PAGECACHE_ENABLED is False  # one process's memory: no shared purge


def test_production_serves_static_files_compressed_with_a_manifest(monkeypatch):
    for env in ({}, {"MEDIA_S3_BUCKET": "clinic-media", "MEDIA_S3_REGION": "eu-west-2"}):
        production = built_settings(monkeypatch, **env)
        assert production.STORAGES["staticfiles"] == {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        }
        assert "whitenoise.middleware.WhiteNoiseMiddleware" in production.MIDDLEWARE


def test_production_with_every_multi_machine_variable_passes_the_deploy_checks():
    shell = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    env = {
        **shell,
        **PRODUCTION_ENV,
        **EVERY_VARIABLE,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-long-random-production-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    }
    output = run_manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert "no issues" in output


def test_drawn_page_fragments_stay_in_each_process_even_with_redis():
    """The plan page's kept tables and forms are markup from this release's templates: a
    deploy restarts the processes and drops them, which a shared Redis would not."""
    for url in (None, EVERY_VARIABLE["REDIS_URL"]):
        built = cache_sessions.caches(url)
        assert built["fragments"]["BACKEND"] == cache_sessions.LOCAL_MEMORY_CACHE
    assert cache_sessions.caches(EVERY_VARIABLE["REDIS_URL"])["default"]["BACKEND"] == (
        cache_sessions.REDIS_CACHE
    )
