"""The Wagtail admin's Users: a login that must be kept (``accounts.deletion``) is not
deleted, alone or in a bulk action; the administrator is told to deactivate it instead and
sent back, and the refusal is audited. Any other user is deleted as before."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin import messages

from audit.models import AuditAction
from audit.services import record_event

from .deletion import why_kept

DEACTIVATE_INSTEAD = (
    "Deactivate the account instead: edit the user, untick “Active” and save. "
    "They can no longer log in, and the records stay whole."
)


def _refuse(request: HttpRequest, user, reason: str) -> None:
    record_event(
        request.user,
        AuditAction.DENIED,
        user,
        request=request,
        detail={"reason": f"user not deleted: {reason}"},
    )


@hooks.register("before_delete_user")
def keep_users_the_records_need(request: HttpRequest, user) -> HttpResponse | None:
    reason = why_kept(user)
    if reason is None:
        return None
    _refuse(request, user, reason)
    messages.error(
        request, f"“{user.get_username()}” cannot be deleted: {reason}. {DEACTIVATE_INSTEAD}"
    )
    return redirect("wagtailusers_users:edit", user.pk)


@hooks.register("before_bulk_action")
def keep_users_the_records_need_in_bulk(
    request: HttpRequest, action_type: str, objects: list, action
) -> HttpResponse | None:
    if action_type != "delete" or action.model is not get_user_model():
        return None
    kept = [(user, reason) for user in objects if (reason := why_kept(user)) is not None]
    if not kept:
        return None
    for user, reason in kept:
        _refuse(request, user, reason)
    names = ", ".join(f"“{user.get_username()}”" for user, _ in kept)
    messages.error(
        request,
        f"No user was deleted: {names} must be kept, as they appear in the audit trail or "
        f"in records that must be kept. {DEACTIVATE_INSTEAD}",
    )
    return redirect(action.next_url)
