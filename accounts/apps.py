from django.apps import AppConfig

from core.areas import register as register_area

from .account_page import register as register_account_page
from .areas import ACCOUNT_AREA, PASSWORD_PAGE, SESSIONS_PAGE


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Logins and sessions"

    def ready(self) -> None:
        # Connects the receivers; imported here because they reach models.
        from . import signals  # noqa: F401

        register_area(ACCOUNT_AREA)
        register_account_page(PASSWORD_PAGE)
        register_account_page(SESSIONS_PAGE)
