"""The authentication backends.

``LockoutBackend``: first in ``AUTHENTICATION_BACKENDS``; refuses every login attempt while
its username or address is locked out (django-axes).

It is axes' ``AxesStandaloneBackend`` except for one case: ``authenticate()`` called without a
request (a management command, a script, a test) is let through to the next backend instead
of raising, as there is no client to count. Every login form passes its request (Django's
``AuthenticationForm``, Wagtail's, the step-up confirmation), so every web login is counted.
"""

from __future__ import annotations

import functools
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet

from core.areas import area_permissions, profile_relations
from core.compiled_sql import CompiledRows


def _held(perm: str) -> str:
    return "holds_" + perm.replace(".", "__")


def _holds(perm: str) -> Exists:
    """Whether the account holds the model permission, itself or through a group."""
    app_label, codename = perm.split(".", 1)
    return Exists(
        Permission.objects.filter(
            Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")),
            content_type__app_label=app_label,
            codename=codename,
        )
    )


@functools.cache
def _account(relations: tuple[str, ...], preloaded: tuple[str, ...]) -> CompiledRows:
    """The account by its id with its area profiles and permissions (every signed-in page
    reads it), compiled once per set of areas."""

    def build(user_id: int) -> QuerySet:
        return (
            get_user_model()
            ._default_manager.select_related(*relations)
            .annotate(**{_held(perm): _holds(perm) for perm in preloaded})
            .filter(pk=user_id)
        )

    return CompiledRows("the signed-in account", build)


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AccountBackend(ModelBackend):
    """Django's ``ModelBackend``, three queries lighter on every signed-in page.

    - ``get_user`` reads, with the account, what every page asks of it: the profiles and
      the permissions that make it belong to an area of the site (``core.areas``: a
      provider's or a patient's profile; the Wagtail admin's ``access_admin``, which
      Wagtail's user bar asks about too). ``has_perm`` answers those from that read.
    - Any other model permission loads them all (own and groups') in one query, not two.

    Object permissions stay with guardian's backend; the superuser flag works as in Django.
    """

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        preloaded = area_permissions()
        found = _account(tuple(profile_relations()), tuple(preloaded)).rows(pk)
        if not found:
            return None
        user = found[0]
        user._preloaded_perms = {perm: getattr(user, _held(perm)) for perm in preloaded}
        return user if self.user_can_authenticate(user) else None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        preloaded = getattr(user_obj, "_preloaded_perms", {})
        if obj is None and perm in preloaded and not user_obj.is_superuser:
            return user_obj.is_active and preloaded[perm]
        return super().has_perm(user_obj, perm, obj)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                held = Permission.objects.all()
            else:
                held = Permission.objects.filter(
                    Q(pk__in=self._get_user_permissions(user_obj).values("pk"))
                    | Q(pk__in=self._get_group_permissions(user_obj).values("pk"))
                )
            pairs = held.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in pairs}
        return user_obj._perm_cache
