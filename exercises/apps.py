from django.apps import AppConfig

from core.areas import register

from .areas import EXERCISES_AREA


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Home exercise programmes"
    # Run by `manage.py seed_demo` after the patient seeder (INSTALLED_APPS order).
    demo_seeder = "exercises.demo.seed_exercises"

    def ready(self) -> None:
        register(EXERCISES_AREA)
        # The programme's link on careteam's plan page. Imported here, not at the top:
        # panels reach models, which load after AppConfigs.
        from .panels import register_panels

        register_panels()
