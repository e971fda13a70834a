"""Password rules: Argon2 first, Django's four validators, a zxcvbn strength check that knows
the user's own names, and a longer minimum for staff logins."""

import importlib
import sys

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from accounts.staff import is_staff
from careteam.models import Discipline
from tests.accounts_helpers import make_sam
from tests.careteam_domain_fixtures import make_provider, make_user

pytestmark = pytest.mark.django_db

STRONG_11 = "vq7#Lm2!xRz"
STRONG_12 = "vq7#Lm2!xRzK"
STRONG_10 = "Kx9!mQ2#vL"


def refusal(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def test_a_password_made_of_the_users_own_name_and_a_year_is_refused():
    sam = make_sam()
    for password in ("samortiz2026", "sam-ortiz-2026", "OrtizSam2026!"):
        messages = refusal(password, sam)
        assert any(
            message.startswith("This password is too easy to guess.") for message in messages
        ), password


def test_a_strong_passphrase_is_accepted():
    sam = make_sam()
    assert refusal("Lantern-ferry-quietly-94", sam) == []
    assert refusal("correct horse battery staple", sam) == []


def test_the_strength_check_also_holds_before_the_user_exists():
    assert refusal("password2026") != []
    assert refusal("Lantern-ferry-quietly-94") == []


def test_staff_logins_need_twelve_characters_and_patients_ten():
    provider = make_provider("dr.length", Discipline.PAIN_MANAGEMENT)
    patient = make_user("pat.length")
    assert refusal(STRONG_11, provider) == ["Staff passwords must contain at least 12 characters."]
    assert refusal(STRONG_12, provider) == []
    assert refusal(STRONG_10, patient) == []
    assert refusal(STRONG_10[:9], patient) != []


def test_editors_and_django_staff_count_as_staff_too():
    editor = make_user("ed.length")
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    admin = make_user("admin.length", is_staff=True)
    assert is_staff(editor) and is_staff(admin)
    assert not is_staff(make_user("pat.plain"))
    assert refusal(STRONG_11, editor) == refusal(STRONG_11, admin) != []


def test_the_rules_are_explained_where_a_password_is_chosen():
    texts = " ".join(password_validators_help_texts())
    assert "hard to guess" in texts
    assert "Staff passwords need at least 12 characters." in texts


def test_argon2_is_the_first_hasher_in_the_base_and_production_settings(monkeypatch):
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    monkeypatch.setenv(
        "SECRET_KEY", "a-long-random-production-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    )
    monkeypatch.setenv("ALLOWED_HOSTS", "clinic.example")
    monkeypatch.delitem(sys.modules, "config.settings.production", raising=False)
    production = importlib.import_module("config.settings.production")
    monkeypatch.delitem(sys.modules, "config.settings.production")
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    # What already held and must keep holding in production.
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_HSTS_SECONDS >= 365 * 24 * 3600
    assert production.X_FRAME_OPTIONS == "DENY"
    assert production.AUTHENTICATION_BACKENDS[0] == "accounts.backends.LockoutBackend"
    assert production.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_the_argon2_library_is_installed():
    assert (
        Argon2PasswordHasher()
        .encode("Lantern-ferry-quietly-94", "saltsaltsalt")
        .startswith("argon2$")
    )
