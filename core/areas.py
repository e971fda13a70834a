"""The areas of the site a kind of user belongs to, declared by the apps that serve them.

The site shell draws the main navigation and chooses where a user lands after logging in,
but it names no app's pages. Instead each app registers an ``Area`` from its
``AppConfig.ready()``: the links it adds to the navigation, its home page, and what makes a
user belong to it: a one-to-one profile on the user (``"patient_profile"``), a permission
(``"wagtailadmin.access_admin"``), or being logged in at all (``every_login=True``: the
pages for one's own account). ``user_areas`` answers both questions.

Cost: an anonymous visitor none; a logged-in user none when the account backend read the
profiles with the user (``profile_relations``), else one query, one ``values_list`` row
holding the id of every registered profile relation. Permission checks use the user's permission
cache, which Wagtail's user bar fills on every page anyway; ``every_login`` costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    # Types only: apps import this module from their AppConfig, before models may load.
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Area:
    """One kind of user's part of the site."""

    name: str  # unique; by convention the app label
    label: str  # what the area is, in plain words
    links: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (label, URL name)
    home: str | None = None  # URL name after-login sends members to; None: never a landing
    profile: str | None = None  # the one-to-one relation on the user that makes a member
    permission: str | None = None  # or the permission that does ("app_label.codename")
    every_login: bool = False  # or True: every logged-in user belongs
    inactive_users: bool = False  # whether a deactivated login still belongs
    order: int = 100  # lower first, in the navigation and in the choice of landing page

    def __post_init__(self) -> None:
        ways = (self.profile is not None, self.permission is not None, self.every_login)
        if sum(ways) != 1:
            raise ImproperlyConfigured(
                f"Area {self.name!r} needs exactly one of profile=, permission= or "
                "every_login=True."
            )


_areas: dict[str, Area] = {}


def register(area: Area) -> None:
    """Add an app's area; registering the same name again replaces it (ready() may rerun)."""
    _areas[area.name] = area


def registered_areas() -> list[Area]:
    return sorted(_areas.values(), key=lambda area: (area.order, area.name))


def profile_relations() -> list[str]:
    """Every one-to-one relation on the user that makes its holder belong to an area, for
    reading them with the user (``accounts.backends.AccountBackend``)."""
    return sorted({area.profile for area in _areas.values() if area.profile})


def area_permissions() -> list[str]:
    """Every permission that makes its holder belong to an area ("app_label.codename"),
    for reading with the user (``accounts.backends.AccountBackend``)."""
    return sorted({area.permission for area in _areas.values() if area.permission})


def _profiles_held(user: AbstractBaseUser, relations: Iterable[str]) -> set[str]:
    """The profile relations the user has: as read with the user when they were (the
    account backend reads them at once), else all in one query."""
    relations = list(relations)
    if not relations:
        return set()
    cached = user._state.fields_cache
    if all(relation in cached for relation in relations):
        return {relation for relation in relations if cached[relation] is not None}
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(*(f"{relation}__pk" for relation in relations))
        .get()
    )
    return {relation for relation, pk in zip(relations, row, strict=True) if pk is not None}


def user_areas(user: AnyUser | None) -> list[Area]:
    """The areas this user belongs to, in order: none for an anonymous visitor (no query)."""
    if user is None or not user.is_authenticated:
        return []
    areas = [area for area in registered_areas() if user.is_active or area.inactive_users]
    held = _profiles_held(user, (area.profile for area in areas if area.profile))
    return [area for area in areas if _belongs(user, area, held)]


def _belongs(user: AbstractBaseUser, area: Area, profiles_held: set[str]) -> bool:
    if area.every_login:
        return True
    if area.profile:
        return area.profile in profiles_held
    return user.has_perm(area.permission)


def home_url_name(user: AnyUser | None) -> str | None:
    """Where this user lands after logging in: the first of their areas that has a home."""
    return next((area.home for area in user_areas(user) if area.home), None)
