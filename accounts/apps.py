from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Logins and sessions"

    def ready(self) -> None:
        # Connects the receivers; imported here because they reach models.
        from . import signals  # noqa: F401
