"""Telling a user by email that their login's security changed, so a change they did not make
does not go unnoticed.

    notify(user, Notice.PASSWORD_CHANGED)

``notify`` hands ``send_security_notice`` (django-tasks) to the queue in the current
transaction (``jobs.handoff``), retried as the password reset email is (``accounts.tasks``):
a change rolled back sends nothing. The email says what changed and when, in plain words,
never a password, code or link that grants anything; and what to do if it was not them:
contact the clinic (``ACCOUNTS_ADMIN_CONTACT``) and check their login at /accounts/. A
login switched off meanwhile, or without an email address, is sent nothing.

Who calls it: the password change and reset (``accounts.sessions``), and the second factor's
services (``mfa.devices``: set up, replaced, removed, new recovery codes, a recovery code used).
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from jobs.handoff import enqueue_in_transaction
from jobs.retry import retried_task

from .tasks import absolute_url


class Notice(StrEnum):
    """A change worth telling the user about; the value is what the queue carries."""

    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    SECOND_FACTOR_ADDED = "second_factor_added"
    SECOND_FACTOR_REPLACED = "second_factor_replaced"
    SECOND_FACTOR_REMOVED = "second_factor_removed"
    RECOVERY_CODES_REPLACED = "recovery_codes_replaced"
    RECOVERY_CODE_USED = "recovery_code_used"


# (subject, what happened): {site_name} and {username} are filled in.
WORDING: dict[str, tuple[str, str]] = {
    Notice.PASSWORD_CHANGED: (
        "Your {site_name} password was changed",
        'The password of your {site_name} login "{username}" was changed.',
    ),
    Notice.PASSWORD_RESET: (
        "Your {site_name} password was reset",
        'The password of your {site_name} login "{username}" was reset with a link sent to '
        "this email address. Every place you were logged in has been logged out.",
    ),
    Notice.SECOND_FACTOR_ADDED: (
        "A second factor was set up for your {site_name} login",
        "An authenticator app was set up as the second factor of your {site_name} login "
        '"{username}": logging in now asks for a code from it as well as your password.',
    ),
    Notice.SECOND_FACTOR_REPLACED: (
        "Your {site_name} second factor was replaced",
        'A new authenticator app was set up for your {site_name} login "{username}". The '
        "old app and the old recovery codes no longer work.",
    ),
    Notice.SECOND_FACTOR_REMOVED: (
        "Your {site_name} second factor was removed",
        "The second factor (the authenticator app and recovery codes) of your {site_name} "
        'login "{username}" was removed. Logging in asks only for your password until a new '
        "one is set up.",
    ),
    Notice.RECOVERY_CODES_REPLACED: (
        "New recovery codes for your {site_name} login",
        'New recovery codes were made for your {site_name} login "{username}". The earlier '
        "codes no longer work.",
    ),
    Notice.RECOVERY_CODE_USED: (
        "A recovery code was used for your {site_name} login",
        'One of the recovery codes of your {site_name} login "{username}" was used instead '
        "of a code from your authenticator app. That code no longer works.",
    ),
}


def notify(user, notice: Notice) -> None:
    """Email ``user`` about ``notice``, queued with the current transaction."""
    happened_at = timezone.now().isoformat()
    enqueue_in_transaction(send_security_notice, user.pk, notice.value, happened_at)


@retried_task()
def send_security_notice(user_id: int, notice: str, happened_at: str) -> bool:
    wording = WORDING.get(notice)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if wording is None or user is None or not user.email:
        return False
    words = {"site_name": settings.WAGTAIL_SITE_NAME, "username": user.get_username()}
    subject, what = (text.format(**words) for text in wording)
    context = {
        **words,
        "what": what,
        "when": timezone.localtime(datetime.datetime.fromisoformat(happened_at)),
        "account_link": absolute_url(reverse("account")),
        "admin_contact": settings.ACCOUNTS_ADMIN_CONTACT,
    }
    body = render_to_string("accounts/emails/security_notice.txt", context)
    send_mail(subject, body, None, [user.email])
    return True
