"""Demo users shared by every app's demo seeder."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

DEFAULT_DEMO_PASSWORD = "demo-pass-2026"


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def demo_user(
    username: str,
    *,
    first_name: str,
    last_name: str,
    email: str | None = None,
    reset: bool = False,
) -> tuple[AbstractBaseUser, bool]:
    """The demo user ``username``, and whether it was set up just now.

    A missing user is created with the demo password. An existing one is left as it is (a
    changed password, name or deactivation included) unless ``reset``, which restores the
    demo's names, email and password and reactivates it.
    """
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email or f"{username}@demo.clinic.example",
        "is_active": True,
    }
    users = get_user_model().objects
    if reset:
        user, _ = users.update_or_create(username=username, defaults=values)
    else:
        user, created = users.get_or_create(username=username, defaults=values)
        if not created:
            return user, False
    user.set_password(demo_password())
    user.save(update_fields=["password"])
    return user, True


def ensure_demo_user(
    username: str, *, first_name: str, last_name: str, email: str | None = None
) -> AbstractBaseUser:
    """The demo user ``username``, created with the demo password if missing."""
    user, _ = demo_user(username, first_name=first_name, last_name=last_name, email=email)
    return user
