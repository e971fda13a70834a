"""The second-factor app: connects what it notes at each login (see ``mfa.session``)."""

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class MfaConfig(AppConfig):
    name = "mfa"
    verbose_name = "Second factor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: mfa.session reads models, which need the apps ready.
        from .session import note_login

        user_logged_in.connect(note_login, dispatch_uid="mfa.note_login")
