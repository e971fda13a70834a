"""Signal receivers, connected in ``AccountsConfig.ready``: every login starts a tracked
session with its idle timeout; every login, refused password and logout is audited
(``accounts.login_trail``); and every new lockout is kept and audited."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from audit.models import AuditAction
from audit.services import record_event

from . import lockout, login_trail, sessions


@receiver(user_logged_in, dispatch_uid="accounts.session_started")
def session_started(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.start(request, user)


@receiver(user_logged_in, dispatch_uid="accounts.login_recorded")
def login_recorded(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None:
        login_trail.record_login(request, user)


@receiver(user_login_failed, dispatch_uid="accounts.login_failure_recorded")
def login_failure_recorded(
    sender, credentials: dict, request: HttpRequest | None = None, **kwargs
) -> None:
    if request is not None and not lockout.refused_during_lockout(request):
        login_trail.record_login_failure(request, credentials)


@receiver(user_logged_out, dispatch_uid="accounts.logout_recorded")
def logout_recorded(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None and user is not None:
        login_trail.record_logout(request, user)


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def locked_out(
    sender, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs
) -> None:
    if not lockout.record_lockout(request, username, ip_address):
        return
    until = lockout.locked_until(request, getattr(request, "axes_credentials", None))
    record_event(
        None,
        AuditAction.DENIED,
        None,
        request=request,
        detail={
            "reason": "login locked out after repeated failures",
            "username_tried": username or "",
            "ip_address": ip_address,
            "locked_until": until,
        },
    )
