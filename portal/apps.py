from django.apps import AppConfig

from core.areas import register

from .areas import CMS_AREA


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Patient education"
    # Run first by `manage.py seed_demo` (apps are asked in INSTALLED_APPS order).
    demo_seeder = "portal.demo.seed_content"

    def ready(self) -> None:
        from portal import content_signals

        register(CMS_AREA)
        content_signals.connect()
