"""Bundle: search results (``searchset``) and ``CarePlan/$everything``.

Entries carry their ``fullUrl`` (absolute, from the request) and ``search.mode``: "match"
for what was asked for, "include" for what came with it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MATCH = "match"
INCLUDE = "include"


def entry(base_url: str, resource: dict[str, Any], mode: str = MATCH) -> dict[str, Any]:
    return {
        "fullUrl": f"{base_url}{resource['resourceType']}/{resource['id']}",
        "resource": resource,
        "search": {"mode": mode},
    }


def searchset(
    base_url: str,
    self_link: str,
    matches: Iterable[dict[str, Any]],
    included: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    """``base_url`` ends with "/" (".../fhir/"); ``total`` counts the matches only."""
    entries = [entry(base_url, resource) for resource in matches]
    total = len(entries)
    entries += [entry(base_url, resource, INCLUDE) for resource in included]
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": "self", "url": self_link}],
    }
    if entries:
        bundle["entry"] = entries
    return bundle
