"""A patient's email reminders: on or off (off until they turn them on), at what time of
their day, and the quiet hours in which none is sent; changed on their settings page or,
to turn them off, by the unsubscribe link without a login. Each change is audited with the
patient as its subject, in the transaction that makes it, under a lock on the row.

The times are wall-clock times in the patient's own time zone (``Patient.zone``), so a
reminder keeps its hour across a change to or from summer time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import Patient

from ..models import ReminderPreference
from .errors import PortalAccessDenied, PortalActionError

# The fields the settings page changes.
PREFERENCE_FIELDS = ("enabled", "send_at", "quiet_from", "quiet_until")


class StaleReminderPreference(PortalActionError):
    """The settings changed since the page was drawn (another tab, the unsubscribe link)."""


@dataclass(frozen=True)
class QuietHours:
    """From ``start`` until ``end`` (wall-clock times; across midnight when ``end`` is the
    earlier); none at all when they are equal."""

    start: datetime.time
    end: datetime.time

    def contains(self, moment: datetime.time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M} to {self.end:%H:%M}"


def clinic_quiet_hours() -> QuietHours:
    start, end = (
        datetime.time.fromisoformat(str(value)) for value in settings.REMINDER_QUIET_HOURS
    )
    return QuietHours(start, end)


def quiet_hours_of(preference: ReminderPreference) -> QuietHours:
    """The patient's own quiet hours, else the clinic's."""
    if preference.quiet_from is not None and preference.quiet_until is not None:
        return QuietHours(preference.quiet_from, preference.quiet_until)
    return clinic_quiet_hours()


def sending_time(preference: ReminderPreference) -> datetime.time:
    """When the day's reminder may go: the chosen time, or when quiet hours end if it falls
    inside them (a reminder waits for the quiet hours to end; it is not dropped)."""
    quiet = quiet_hours_of(preference)
    return quiet.end if quiet.contains(preference.send_at) else preference.send_at


def may_send_at(preference: ReminderPreference, local: datetime.datetime) -> bool:
    """Whether the day's reminder may go at ``local`` (the patient's wall-clock time):
    its sending time has come and it is not quiet hours."""
    moment = local.time()
    return moment >= sending_time(preference) and not quiet_hours_of(preference).contains(moment)


def preference_for(patient: Patient) -> ReminderPreference:
    """The patient's preference; an unsaved one (reminders off) when they never chose."""
    preference = ReminderPreference.objects.filter(patient=patient).first()
    return preference or ReminderPreference(patient=patient)


def _locked(patient: Patient) -> ReminderPreference:
    """The patient's preference row, made if missing, locked to the end of the transaction."""
    preference, _ = ReminderPreference.objects.select_for_update().get_or_create(patient=patient)
    return preference


def save_preference(
    patient: Patient,
    user,
    *,
    version: int,
    enabled: bool,
    send_at: datetime.time,
    quiet_from: datetime.time | None = None,
    quiet_until: datetime.time | None = None,
) -> ReminderPreference:
    """The patient's own choice, saved only against the version their page showed (a
    newer one, say from the unsubscribe link meanwhile, is not silently overwritten)."""
    if patient.user_id != user.pk:
        raise PortalAccessDenied("Patients can only choose their own reminders.")
    if (quiet_from is None) != (quiet_until is None):
        raise PortalActionError("Give both ends of your quiet hours, or neither.")
    wanted = {
        "enabled": enabled,
        "send_at": send_at.replace(second=0, microsecond=0),
        "quiet_from": quiet_from.replace(second=0, microsecond=0) if quiet_from else None,
        "quiet_until": quiet_until.replace(second=0, microsecond=0) if quiet_until else None,
    }
    with transaction.atomic():
        preference = _locked(patient)
        if preference.version != version:
            raise StaleReminderPreference(
                "Your reminder settings were changed since you opened this page (perhaps "
                "by the unsubscribe link in an email). Here they are now: check them and "
                "save again."
            )
        changes = {
            name: [getattr(preference, name), value]
            for name, value in wanted.items()
            if getattr(preference, name) != value
        }
        if not changes:
            return preference
        for name, value in wanted.items():
            setattr(preference, name, value)
        preference.version += 1
        preference.save()
        record_event(
            user, AuditAction.CHANGED, preference, patient=patient, detail={"changes": changes}
        )
    return preference


def unsubscribe(patient: Patient, *, via: str, path: str | None = None) -> bool:
    """Turn the patient's reminders off, from the unsubscribe link (no login: the actor
    is nobody, the patient the subject). Whether they were on; off already changes nothing."""
    with transaction.atomic():
        preference = ReminderPreference.objects.select_for_update().filter(patient=patient).first()
        if preference is None or not preference.enabled:
            return False
        preference.enabled = False
        preference.version += 1
        preference.save(update_fields=["enabled", "version", "updated_at"])
        record_event(
            None,
            AuditAction.CHANGED,
            preference,
            patient=patient,
            detail={"changes": {"enabled": [True, False]}, "via": via},
            path=path,
        )
    return True
