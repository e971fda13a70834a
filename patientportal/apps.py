from django.apps import AppConfig

from core.areas import register

from .areas import PATIENT_AREA


class PatientPortalConfig(AppConfig):
    name = "patientportal"
    verbose_name = "Patient portal"
    # Run by `manage.py seed_demo` after the care-team seeder (INSTALLED_APPS order).
    demo_seeder = "patientportal.demo.seed_patients"

    def ready(self) -> None:
        register(PATIENT_AREA)
        # The portal panel on careteam's plan page and the red-flag alerts on its dashboard.
        # Imported here, not at the top: panels reach models, which load after AppConfigs.
        from .panels import register_panels

        register_panels()
