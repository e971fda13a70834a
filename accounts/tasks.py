"""The password reset email, sent in the background (django-tasks).

The form enqueues ``send_password_reset_email(user_id)`` on commit; the task builds the link
and its token when it runs, so no secret waits in the queue, and checks again that the login
is active with a usable password (switched off in the meantime: nothing is sent).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from .tokens import reset_token_generator


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@task()
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
