"""The second-factor app: connects what it notes at each login (see ``mfa.session``) and
lists its page on every user's "Your account" page (``accounts.account_page``)."""

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in

from accounts.account_page import AccountPage, register

SECOND_FACTOR_PAGE = AccountPage(
    "Second factor",
    "mfa:security",
    "Ask for a code from an authenticator app as well as your password: set it up, make new "
    "recovery codes or choose which browsers skip it.",
    order=20,
)


class MfaConfig(AppConfig):
    name = "mfa"
    verbose_name = "Second factor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: mfa.session reads models, which need the apps ready.
        from .session import note_login

        user_logged_in.connect(note_login, dispatch_uid="mfa.note_login")
        register(SECOND_FACTOR_PAGE)
