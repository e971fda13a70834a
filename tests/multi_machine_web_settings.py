"""The settings of the web processes ``tests/multi_machine_web.py`` starts: production's, as
the environment gives them, but static files from the apps' folders by name.

Production's manifest storage needs ``collectstatic`` first (half a minute here), and what
those tests look at is sessions and the cache, not static files (whose storage
``tests/test_multi_machine_settings.py`` checks).
"""

from config.settings.production import *  # noqa: F403

STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
