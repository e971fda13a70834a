"""Demo users shared by every app's demo seeder."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

DEFAULT_DEMO_PASSWORD = "demo-pass-2026"


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def ensure_demo_user(
    username: str, *, first_name: str, last_name: str, email: str | None = None
) -> AbstractBaseUser:
    """Create the demo user if missing; reset its password so the printed logins work."""
    user, _ = get_user_model().objects.update_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": email or f"{username}@demo.clinic.example",
            "is_active": True,
        },
    )
    user.set_password(demo_password())
    user.save(update_fields=["password"])
    return user
