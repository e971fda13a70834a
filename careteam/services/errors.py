"""What care-team services raise. The web UI maps ``CareAccessDenied`` to 404 or 403 and
``StaleVersionError`` to a conflict page (HTTP 409 for the API)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models


class CareAccessDenied(PermissionDenied):
    """The actor may not do this. Already recorded as a 'denied' audit event.

    ``status_code`` is 404 when the actor may not even see the plan (its existence stays
    hidden), 403 when they can see it but not do this, or for model-level refusals.
    Services check before they open a transaction and again inside it (with the actor's
    membership row locked); either way the 'denied' record is written outside the rolled
    back change, so it is committed unless the caller rolls back a transaction around
    the call.
    """

    def __init__(self, message: str, *, permission: str, hide_existence: bool = True):
        super().__init__(message)
        self.permission = permission
        self.hide_existence = hide_existence

    @property
    def status_code(self) -> int:
        return 404 if self.hide_existence else 403


class StaleVersionError(Exception):
    """A save based on an old version was refused; nothing was written.

    ``current`` is the object as it is now (None if someone deleted it), ``current_values``
    its editable fields, ``changed_by`` / ``changed_at`` who last changed it and when.
    """

    def __init__(
        self,
        model: type[models.Model],
        *,
        expected_version: int,
        current: models.Model | None,
        current_values: dict[str, Any] | None,
    ):
        self.model = model
        self.expected_version = expected_version
        self.current = current
        self.current_values = current_values or {}
        self.current_version = getattr(current, "version", None)
        self.changed_by = getattr(current, "updated_by", None) if current is not None else None
        self.changed_at = getattr(current, "updated_at", None) if current is not None else None
        name = model._meta.verbose_name
        if current is None:
            message = f"This {name} was deleted by someone else while you were editing it."
        else:
            who = (
                (self.changed_by.get_full_name() or self.changed_by.get_username())
                if self.changed_by is not None
                else "someone else"
            )
            message = (
                f"This {name} was changed by {who} while you were editing it "
                f"(you edited version {expected_version}, it is now version "
                f"{self.current_version}). Review the current values and try again."
            )
        super().__init__(message)
