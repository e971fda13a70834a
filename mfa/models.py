"""The browsers a user asked to remember after entering their second factor (``mfa.remember``).

The cookie holds a signed reference to one row; deleting the row forgets that browser.
Only a hash of the reference is stored, so the table alone cannot forge a cookie.
"""

from django.conf import settings
from django.db import models


class RememberedBrowser(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remembered_browsers"
    )
    selector_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=200, blank=True)  # the browser's User-Agent, cut short
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.label or 'A browser'} (until {self.expires_at:%Y-%m-%d})"
