"""What the accounts app stores beside Django's own tables.

- ``UserSession``: one row per signed-in session, so a user can list and end their sessions
  (``accounts.sessions``). It points at Django's session row and goes when that row goes
  (log out, password change, ``clearsessions``).
- ``LoginLockout``: one row each time django-axes locks logins for a username or an address;
  the number of recent ones sets how long the next lockout lasts (``accounts.lockout``).
"""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models


class UserSession(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


class LoginLockout(models.Model):
    username = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    locked_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-locked_at", "-pk"]
        indexes = [
            models.Index(fields=["username", "-locked_at"], name="accounts_lockout_user"),
            models.Index(fields=["ip_address", "-locked_at"], name="accounts_lockout_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.username or '?'} from {self.ip_address or '?'} at {self.locked_at}"
