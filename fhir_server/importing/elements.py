"""Reading JSON elements with their FHIRPath, noting each problem instead of failing.

    resource = Element(entry_json, "Bundle.entry[2].resource", issues)
    title = resource.string("title", required=True, max_length=200)
    for index, note in enumerate(resource.objects("note")): ...

A value of the wrong JSON type, a missing required element, a bad date or an over-long
string is added to ``issues`` (see ``issues``) and read as empty, so reading goes on and
one answer lists every problem.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .issues import CODE_INVALID, REQUIRED, STRUCTURE, VALUE, Issues

T = TypeVar("T")

# FHIR date (and the date that starts a dateTime): a full date is what we store.
FULL_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(T.*)?$")


@dataclass(frozen=True)
class Element:
    value: Any
    path: str
    issues: Issues
    index: int = 0  # its place in the repeating element it came from

    def _get(self, name: str, required: bool) -> Any:
        if not isinstance(self.value, dict):
            return None  # the parent is missing: that is its own issue, if any
        value = self.value.get(name)
        if value is None and required:
            self.issues.add(REQUIRED, f"{self.path}.{name}", "is required and missing.")
        return value

    def has(self, name: str) -> bool:
        return isinstance(self.value, dict) and self.value.get(name) is not None

    def object(self, name: str, *, required: bool = False) -> Element:
        value = self._get(name, required)
        path = f"{self.path}.{name}"
        if value is not None and not isinstance(value, dict):
            self.issues.add(STRUCTURE, path, "must be a JSON object.")
            value = None
        return Element(value, path, self.issues)

    def objects(self, name: str, *, required: bool = False) -> list[Element]:
        """A repeating element: each item an object (an empty list counts as missing)."""
        value = self._get(name, required)
        path = f"{self.path}.{name}"
        if value is None:
            return []
        if not isinstance(value, list):
            self.issues.add(STRUCTURE, path, "must be a JSON array.")
            return []
        if not value and required:
            self.issues.add(REQUIRED, path, "must hold at least one item.")
        items = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                items.append(Element(item, f"{path}[{index}]", self.issues, index))
            else:
                self.issues.add(STRUCTURE, f"{path}[{index}]", "must be a JSON object.")
        return items

    def string(self, name: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self._get(name, required)
        path = f"{self.path}.{name}"
        if value is None:
            return ""
        if not isinstance(value, str):
            self.issues.add(STRUCTURE, path, "must be a string.")
            return ""
        if "\x00" in value or not _encodable(value):
            self.issues.add(VALUE, path, "holds a NUL or a lone surrogate, which no text may.")
            return ""
        value = value.strip()
        if not value and required:
            self.issues.add(REQUIRED, path, "must not be empty.")
        if max_length is not None and len(value) > max_length:
            self.issues.add(VALUE, path, f"is longer than {max_length} characters.")
        return value

    def codes(self, systems: Mapping[str, Mapping[str, T]]) -> list[T]:
        """What the codings of this CodeableConcept stand for. Every coding must be a known
        code of one of ``systems`` (system -> code -> value): any other is refused."""
        values = []
        for coding in self.objects("coding"):
            system = coding.string("system", required=True)
            code = coding.string("code", required=True)
            known = systems.get(system)
            if not (system and code):
                continue
            if known is None:
                self.issues.add(
                    CODE_INVALID,
                    f"{coding.path}.system",
                    f"{system[:80]!r} is not a code system this element takes here.",
                )
            elif code not in known:
                self.issues.add(
                    CODE_INVALID, f"{coding.path}.code", f"{code[:40]!r} is not a code of {system}."
                )
            else:
                values.append(known[code])
        return values

    def boolean(self, name: str) -> bool:
        value = self._get(name, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.issues.add(STRUCTURE, f"{self.path}.{name}", "must be true or false.")
            return False
        return value

    def date(self, name: str) -> datetime.date | None:
        """A date, or the date of a dateTime; a partial date ("2026-05") is refused."""
        text = self.string(name)
        if not text:
            return None
        match = FULL_DATE.match(text)
        if match:
            try:
                return datetime.date.fromisoformat(match.group(1))
            except ValueError:
                pass
        self.issues.add(VALUE, f"{self.path}.{name}", f"{text[:40]!r} is not a full date.")
        return None


def _encodable(text: str) -> bool:
    """Whether the text can be stored as UTF-8 (JSON may escape a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
