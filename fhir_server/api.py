"""The FHIR R4 server at ``/fhir/``: one ``NinjaAPI`` (read, search, ``$everything`` and the
import of a transaction Bundle, ``fhir_server.importing``), answering in
``application/fhir+json`` with ``OperationOutcome`` for every error.

Every operation but ``metadata`` authenticates with ``api.auth.API_AUTH`` (a bearer token
or the session) and is throttled per token as the JSON API is. No OpenAPI schema or docs
here: the CapabilityStatement at ``/fhir/metadata`` describes this server.
"""

from __future__ import annotations

from ninja import NinjaAPI

from api.auth import API_AUTH, TokenRateThrottle
from api.errors import install_error_handlers

from .rendering import FhirJSONRenderer, outcome_response
from .routes import router

api = NinjaAPI(
    title="Clinic care portal FHIR R4",
    version="4.0.1",
    auth=API_AUTH,
    throttle=[TokenRateThrottle()],
    renderer=FhirJSONRenderer(),
    urls_namespace="fhir",
    openapi_url=None,
    docs_url=None,
)
install_error_handlers(api, outcome_response)
api.add_router("", router)
