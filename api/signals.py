"""A user's API tokens end with the login they stand for: when the user is deactivated (a
patient's portal access switched off, a staff account closed) or their password changes
(a reset after a suspected compromise), every token they hold is revoked, and a later
reactivation brings none of them back."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models.signals import pre_save
from django.dispatch import receiver

from .tokens import revoke_all_tokens


@receiver(pre_save, sender=User, dispatch_uid="api.revoke_tokens_of_closed_logins")
def revoke_tokens_of_closed_logins(sender: type[User], instance: User, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    before = User.objects.filter(pk=instance.pk).values("is_active", "password").first()
    if before is None:
        return
    if before["is_active"] and not instance.is_active:
        revoke_all_tokens(instance, reason="login switched off")
    elif before["password"] != instance.password:
        revoke_all_tokens(instance, reason="password changed")
