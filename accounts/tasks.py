"""The password reset email, sent in the background (django-tasks).

The form hands ``send_password_reset_email(user_id)`` to the queue in its transaction
(``jobs.handoff``); the task builds the link and its token when it runs, so no secret waits
in the queue, and checks again that the login is active with a usable password (switched
off in the meantime: nothing is sent).

Account emails (this one and the security notices, ``accounts.notices``) are retried with
backoff while the mail server or the database is out of reach (``jobs.retry``). Sending is
each task's last step, so a retry follows only an email that did not go out. It can still
arrive twice when the mail server took it but the connection broke before the server said
so, or when the worker died between sending and recording it (``jobs.stranded``); a second
reset link is harmless (either works once), and so is a second notice.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from jobs.retry import retried_task

from .tokens import reset_token_generator


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@retried_task()
def send_password_reset_email(user_id: int) -> bool:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password() or not user.email:
        return False
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": reset_token_generator.make_token(user),
        },
    )
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "username": user.get_username(),
        "link": absolute_url(path),
        "valid_minutes": max(1, settings.ACCOUNTS_PASSWORD_RESET_TIMEOUT // 60),
        "admin_contact": settings.ACCOUNTS_ADMIN_CONTACT,
    }
    subject = render_to_string("accounts/emails/password_reset_subject.txt", context)
    body = render_to_string("accounts/emails/password_reset.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
    return True
