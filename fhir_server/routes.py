"""The FHIR interactions: ``metadata``, ``CarePlan/<id>/$everything``, and read and search
of every type this server serves (``services.search.SEARCHES``). Thin: who may read what is
decided and audited in ``fhir_server.services``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from api.services.readers import reader_for

from .importing.http import import_request
from .resources.bundle import searchset
from .resources.capability import capability_statement
from .services.everything import everything
from .services.paging import Page
from .services.reader import record_search
from .services.search import SEARCH_PARAMETERS, read, search

router = Router(tags=["FHIR"])


def base_url(request: HttpRequest) -> str:
    """The server's base, ending in "/" (e.g. "https://host/fhir/")."""
    return request.build_absolute_uri(reverse("fhir:metadata").removesuffix("metadata"))


def served(resource_type: str) -> str:
    if resource_type not in SEARCH_PARAMETERS:
        raise Http404(f"This server does not serve {resource_type[:40]} resources.")
    return resource_type


@router.get("/metadata", auth=None, url_name="metadata")
def metadata(request: HttpRequest) -> dict[str, Any]:
    return capability_statement(base_url(request))


@router.get("/CarePlan/{plan_id}/$everything", url_name="careplan-everything")
def careplan_everything(request: HttpRequest, plan_id: str) -> dict[str, Any]:
    match, included = everything(reader_for(request.auth), plan_id)
    return searchset(
        base_url(request),
        request.build_absolute_uri(request.path),
        [match.resource],
        [found.resource for found in included],
    )


@router.post("/Bundle", url_name="transaction")
def import_transaction(request: HttpRequest) -> HttpResponse:
    """A transaction Bundle with a CarePlan from another system: a new draft plan
    (``fhir_server.importing``). Routed before ``/{resource_type}``, which would match too."""
    return import_request(request)


@router.get("/{resource_type}", url_name="search")
def search_type(request: HttpRequest, resource_type: str) -> dict[str, Any]:
    resource_type = served(resource_type)
    reader = reader_for(request.auth)
    found = search(resource_type, reader, request.GET)
    page = Page.of(request.GET, len(found))
    shown = found[page.offset : page.offset + page.count]
    record_search(reader, shown, what=f"fhir {resource_type} search")
    used = {
        name: request.GET[name] for name in SEARCH_PARAMETERS[resource_type] if name in request.GET
    }
    link = f"{base_url(request)}{resource_type}"
    bundle = searchset(base_url(request), page.link(link, used), [item.resource for item in shown])
    bundle["total"] = len(found)
    if page.has_next:
        bundle["link"].append({"relation": "next", "url": page.link(link, used, next_page=True)})
    return bundle


@router.get("/{resource_type}/{resource_id}", url_name="read")
def read_instance(request: HttpRequest, resource_type: str, resource_id: str) -> dict[str, Any]:
    return read(served(resource_type), reader_for(request.auth), resource_id).resource
