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
        from careteam.signals import procedure_done

        from .panels import register_panels
        from .services.procedure_followups import on_procedure_done

        register_panels()
        # Follow-ups made, re-dated and cancelled with the procedure they ask about.
        procedure_done.connect(on_procedure_done, dispatch_uid="patientportal.follow_ups")
