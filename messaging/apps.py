from django.apps import AppConfig

from accounts.account_page import register as register_account_page
from core.areas import register as register_area

from .areas import NOTICES_PAGE, PATIENT_MESSAGES_AREA


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Secure messages"
    # Run by `manage.py seed_demo` after the patient-portal seeder (INSTALLED_APPS order).
    demo_seeder = "messaging.demo.seed_messages"

    def ready(self) -> None:
        register_area(PATIENT_MESSAGES_AREA)
        register_account_page(NOTICES_PAGE)
        # Imported here, not at the top: panels and counts reach models, which load after
        # AppConfigs.
        from .panels import register_panels

        register_panels()
