"""The transaction Bundle's entries, and references resolved between them.

    entries = read_entries(bundle_json, issues)   # checks the Bundle and each entry
    patient = entries.resolve(plan.object("subject"), "Patient")   # or None, issue noted

A Bundle to import is a ``transaction`` whose entries each ``POST`` one resource of a type
in ``IMPORTED_TYPES``. A reference resolves to an entry by the entry's ``fullUrl`` (e.g.
``urn:uuid:...`` or an absolute URL) or by ``Type/id`` of the entry's resource, as FHIR
resolves references inside a Bundle; one that names nothing in the Bundle is refused,
since nothing outside it is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .elements import Element
from .issues import (
    BUSINESS_RULE,
    CODE_INVALID,
    DUPLICATE,
    NOT_FOUND,
    NOT_SUPPORTED,
    REQUIRED,
    STRUCTURE,
    VALUE,
    Issues,
)

# What may be POSTed in the Bundle: the plan, its goals, the patient it is for (matched,
# never created) and its care team (answered by the new plan's own team).
IMPORTED_TYPES = ("Patient", "CarePlan", "CareTeam", "Goal")
BUNDLE_TYPES = frozenset(
    {
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    }
)
SERVER_URL_PREFIXES = ("http://", "https://")


@dataclass(frozen=True)
class Entry:
    index: int
    resource_type: str
    resource: Element  # at Bundle.entry[index].resource


class Entries:
    """The Bundle's entries of the types we import, and their addresses."""

    def __init__(self, entries: list[Entry], addresses: dict[str, Entry], issues: Issues):
        self.entries = entries
        self.addresses = addresses
        self.issues = issues

    def of_type(self, resource_type: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.resource_type == resource_type]

    def resolve(self, reference: Element, resource_type: str) -> Entry | None:
        """The entry ``reference`` (a Reference element) points to, if it is one of
        ``resource_type``; else None, with the issue noted. A missing reference is noted
        only if the element is there (the caller says whether it is required)."""
        if reference.value is None:
            return None
        target = reference.string("reference", required=True)
        if not target:
            return None
        found = self.addresses.get(target)
        path = f"{reference.path}.reference"
        if found is None:
            self.issues.add(
                NOT_FOUND, path, f"{target[:80]!r} names no entry of this Bundle (broken)."
            )
            return None
        if found.resource_type != resource_type:
            self.issues.add(
                VALUE, path, f"{target[:80]!r} is a {found.resource_type}, not a {resource_type}."
            )
            return None
        return found


def _addresses(entry: Element, resource: Element, resource_type: str) -> list[str]:
    """The strings a reference to this entry may use."""
    addresses = []
    full_url = entry.string("fullUrl")
    if full_url:
        addresses.append(full_url)
        if full_url.startswith(SERVER_URL_PREFIXES):
            tail = full_url.rstrip("/").split("/")[-2:]
            if len(tail) == 2 and tail[0] == resource_type:
                addresses.append("/".join(tail))
    resource_id = resource.string("id")
    if resource_id:
        addresses.append(f"{resource_type}/{resource_id}")
    return list(dict.fromkeys(addresses))


def _read_entry(item: Element, issues: Issues) -> Entry | None:
    resource = item.object("resource", required=True)
    resource_type = resource.string("resourceType", required=True)
    request = item.object("request", required=True)
    method = request.string("method", required=True)
    url = request.string("url", required=True)
    if method and method != "POST":
        issues.add(
            NOT_SUPPORTED, f"{request.path}.method", f"{method[:20]!r}: only POST is imported."
        )
    if method == "POST" and url and resource_type and url != resource_type:
        issues.add(VALUE, f"{request.path}.url", f"must be {resource_type!r} for a POST.")
    if not resource_type:
        return None
    if resource_type not in IMPORTED_TYPES:
        issues.add(
            NOT_SUPPORTED,
            f"{resource.path}.resourceType",
            f"{resource_type[:40]!r} is not imported (only {', '.join(IMPORTED_TYPES)}).",
        )
        return None
    return Entry(item.index, resource_type, resource)


def _one_of_each(entries: list[Entry], issues: Issues) -> None:
    for resource_type, required in (("Patient", True), ("CarePlan", True), ("CareTeam", False)):
        found = [entry for entry in entries if entry.resource_type == resource_type]
        if not found and required:
            issues.add(REQUIRED, "Bundle.entry", f"needs one {resource_type} entry.")
        for extra in found[1:]:
            issues.add(
                BUSINESS_RULE,
                f"{extra.resource.path}",
                f"a second {resource_type}: one Bundle imports one plan for one patient.",
            )


def read_entries(data: Any, issues: Issues) -> Entries:
    """Check the Bundle (type, entries and their requests); return the entries to read."""
    bundle = Element(data, "Bundle", issues)
    if not isinstance(data, dict):
        issues.add(STRUCTURE, "Bundle", "the body must be a JSON object (a FHIR Bundle).")
        return Entries([], {}, issues)
    resource_type = bundle.string("resourceType", required=True)
    if resource_type and resource_type != "Bundle":
        issues.add(VALUE, "Bundle.resourceType", f"{resource_type[:40]!r}: a Bundle is expected.")
    bundle_type = bundle.string("type", required=True)
    if bundle_type and bundle_type not in BUNDLE_TYPES:
        issues.add(CODE_INVALID, "Bundle.type", f"{bundle_type[:40]!r} is not a Bundle type.")
    elif bundle_type and bundle_type != "transaction":
        issues.add(
            NOT_SUPPORTED, "Bundle.type", f"{bundle_type!r}: only a 'transaction' is imported."
        )
    entries: list[Entry] = []
    addresses: dict[str, Entry] = {}
    for item in bundle.objects("entry", required=True):
        entry = _read_entry(item, issues)
        if entry is None:
            continue
        entries.append(entry)
        for address in _addresses(item, entry.resource, entry.resource_type):
            if address in addresses:
                issues.add(DUPLICATE, f"{item.path}.fullUrl", f"{address[:80]!r} is used twice.")
            addresses[address] = entry
    _one_of_each(entries, issues)
    return Entries(entries, addresses, issues)
