"""The second factor's URLs; ``config/urls.py`` includes them under ``accounts/``."""

from django.urls import path

from .views import confirm, enrol, security, verify

app_name = "mfa"

urlpatterns = [
    path("mfa/", security.security, name="security"),
    path("mfa/setup/", enrol.setup, name="setup"),
    path("mfa/verify/", verify.verify, name="verify"),
    path("mfa/recovery-codes/", security.new_recovery_codes, name="new-recovery-codes"),
    path("mfa/forget-browsers/", security.forget_remembered_browsers, name="forget-browsers"),
    path("mfa/turn-off/", security.turn_off, name="turn-off"),
    path("confirm/", confirm.confirm, name="confirm"),
]
