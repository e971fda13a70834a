"""The JSON API at ``/api/v1/``: one ``NinjaAPI``, its routers by resource, the OpenAPI 3
schema at ``/api/v1/openapi.json`` and interactive docs at ``/api/v1/docs`` (served from
this site: django-ninja's own Swagger UI files, no CDN).

Every operation authenticates with ``api.auth.API_AUTH`` (a bearer token or the session),
is throttled per token, and answers errors as RFC 9457 problem details (``api.errors``).
"""

from __future__ import annotations

from .auth import API_AUTH, TokenRateThrottle
from .errors import install_error_handlers, problem_response
from .openapi import ClinicApi
from .routers import ROUTERS

api = ClinicApi(
    title="Northbridge clinic portal API",
    version="1",
    description=(
        "Care plans, their goals, activities, precautions, notes and team, the patient's "
        "reading, check-ins and red-flag alerts, with exactly the rights each user has on "
        "the site. Authenticate with `Authorization: Bearer <token>` (made on your account "
        "page or with `manage.py api_token create`) or a logged-in session. Changes need "
        "`If-Match` with the ETag of the record you read."
    ),
    auth=API_AUTH,
    throttle=[TokenRateThrottle()],
    urls_namespace="api",
)
install_error_handlers(api, problem_response)
for prefix, router in ROUTERS:
    api.add_router(prefix, router)
