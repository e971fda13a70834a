from django.apps import AppConfig

from accounts.account_page import register as register_account_page
from core.middleware import register_bad_request

from .areas import TOKENS_PAGE

# Where config/urls.py serves the API (every version).
API_PATH_PREFIX = "/api/"


class ApiConfig(AppConfig):
    """The JSON API at ``/api/v1/`` (django-ninja, OpenAPI 3 at ``/api/v1/openapi.json``)
    and the bearer tokens systems use to call it and ``/fhir/``."""

    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # Connects the receivers; imported here because they reach models.
        from . import signals  # noqa: F401

        register_account_page(TOKENS_PAGE)
        # Imported here: the error handlers reach other apps' services, hence models.
        from .errors import bad_request_problem

        register_bad_request(API_PATH_PREFIX, bad_request_problem)
