"""Settings modules built afresh from a chosen environment, for the multi-machine tests.

    production = built_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/11")
    dev = built_settings(monkeypatch, module="dev")

Each call imports ``config.settings.base`` and the named module anew, so what ``base.py``
reads from the environment is read again as well (``importlib.reload`` of production alone
would keep the old base). The variables below are cleared first, so the shell's own values
never leak in. ``monkeypatch`` puts the modules the test run loaded back at the end; the
settings the tests run under are never touched.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

import pytest

# Every variable of the multi-machine settings.
VARIABLES = (
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "REDIS_TIMEOUT_SECONDS",
    "REDIS_RETRY_AFTER_SECONDS",
    "MEDIA_S3_BUCKET",
    "MEDIA_S3_ENDPOINT_URL",
    "MEDIA_S3_REGION",
    "MEDIA_S3_CUSTOM_DOMAIN",
    "MEDIA_S3_URL_EXPIRY_SECONDS",
    "SEARCH_URL",
    "SEARCH_BACKEND",
    "SEARCH_INDEX_PREFIX",
    "DATABASE_REPLICA_URL",
    "DATABASE_REPLICA_LAG_SECONDS",
    "FRONTEND_CACHE_PURGE_URL",
    "PAGECACHE_ENABLED",
)
PRODUCTION_ENV = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "clinic.example"}


def built_settings(
    monkeypatch: pytest.MonkeyPatch, module: str = "production", **env: str
) -> ModuleType:
    """``config.settings.<module>`` as a process started with ``env`` would load it."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in {**PRODUCTION_ENV, **env}.items():
        monkeypatch.setenv(name, value)
    package = importlib.import_module("config.settings")
    for name in ("base", module):
        qualified = f"config.settings.{name}"
        # Recorded as they are (or as absent), and so restored when the test ends.
        monkeypatch.setitem(sys.modules, qualified, sys.modules.get(qualified))
        monkeypatch.setattr(package, name, getattr(package, name, None), raising=False)
        del sys.modules[qualified]
    return importlib.import_module(f"config.settings.{module}")
