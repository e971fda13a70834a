"""Reading ids and search parameters; a value that cannot be one is a ``ValidationError``
(400 OperationOutcome), never a 500."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from api.services.readers import as_id

MAX_PARAMETER_LENGTH = 200


def prefixed_id(value: str, prefix: str) -> int | None:
    """The number in an id such as "pain-12" for ``prefix`` "pain-"."""
    return as_id(value[len(prefix) :]) if value.startswith(prefix) else None


def reference_id(value: str | None, resource_type: str, name: str) -> int | None:
    """A reference search parameter ("Patient/12" or "12") as an id; None when not given."""
    if value is None:
        return None
    text = value.strip()[:MAX_PARAMETER_LENGTH]
    text = text.removeprefix(f"{resource_type}/")
    number = as_id(text)
    if number is None:
        raise ValidationError(f"Search parameter '{name}' must be {resource_type}/<id>.")
    return number


@dataclass(frozen=True)
class Token:
    """One value of a token parameter: "code" (any system) or "system|code"."""

    system: str | None
    code: str

    def matches(self, system: str, code: str) -> bool:
        return self.code == code and self.system in (None, system)


def tokens(value: str | None) -> list[Token] | None:
    """A token search parameter (comma-separated values mean OR); None when not given."""
    if value is None:
        return None
    found = []
    for part in value[:MAX_PARAMETER_LENGTH].split(","):
        system, bar, code = part.strip().rpartition("|")
        if code:
            found.append(Token(system if bar else None, code))
    if not found:
        raise ValidationError("A token search parameter needs a code.")
    return found


def codes_matching(asked: list[Token] | None, system: str, codes: list[str]) -> list[str]:
    """Which of ``codes`` (all in ``system``) the tokens ask for: every one when none asked."""
    if asked is None:
        return list(codes)
    return [code for code in codes if any(token.matches(system, code) for token in asked)]
