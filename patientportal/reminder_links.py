"""The unsubscribe link in a reminder email: it works without logging in.

The token is the patient's id signed with the site's secret and a salt of its own
(``django.core.signing``), so it cannot be forged, changed to another patient's, or used as
any other signed value of the site. It does not expire: an old email's link still stops
the reminders. It only ever turns reminders off, so whoever holds the email can do no more
than that.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "patientportal.reminders.unsubscribe"
# What the audit trail records for these pages, whose paths hold the token.
TOKENLESS_AUDIT_PATH = "/my/reminders/unsubscribe/"


def _signer() -> signing.Signer:
    return signing.Signer(salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(patient_id: int) -> str:
    return _signer().sign(str(patient_id))


def patient_id_from_token(token: str) -> int | None:
    """The patient id a token was made for; None for a token that is not one of ours."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def unsubscribe_url(patient_id: int) -> str:
    """The confirmation page: opening it changes nothing (mail scanners open links)."""
    token = unsubscribe_token(patient_id)
    return absolute(reverse("patientportal:unsubscribe", kwargs={"token": token}))


def one_click_unsubscribe_url(patient_id: int) -> str:
    """Where a mail program posts ``List-Unsubscribe=One-Click`` (RFC 8058)."""
    token = unsubscribe_token(patient_id)
    return absolute(reverse("patientportal:unsubscribe-one-click", kwargs={"token": token}))
