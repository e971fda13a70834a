from django.apps import AppConfig

from core.areas import register

from .areas import CARE_TEAM_AREA


class CareteamConfig(AppConfig):
    name = "careteam"
    verbose_name = "Care teams"
    # Run by `manage.py seed_demo` after the content seeder (INSTALLED_APPS order).
    demo_seeder = "careteam.demo.seed_care_teams"

    def ready(self) -> None:
        register(CARE_TEAM_AREA)
