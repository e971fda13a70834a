"""Email reminders a patient may turn on: their choice, and a row for each day one went."""

import datetime

from django.db import models

from careteam.models.tracking import Versioned

DEFAULT_SEND_AT = datetime.time(9, 0)


class ReminderPreference(Versioned):
    """Whether the patient wants an email when something is on their to-do list, at what
    time of their day, and their own quiet hours (empty: the clinic's,
    ``REMINDER_QUIET_HOURS``). Off until the patient turns it on; the unsubscribe link
    turns it off without a login."""

    patient = models.OneToOneField(
        "careteam.Patient", on_delete=models.CASCADE, related_name="reminder_preference"
    )
    enabled = models.BooleanField(default=False)
    send_at = models.TimeField(default=DEFAULT_SEND_AT)
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quiet_from__isnull=True, quiet_until__isnull=True)
                | models.Q(quiet_from__isnull=False, quiet_until__isnull=False),
                name="pp_reminder_quiet_hours_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder preference {self.pk}"


class ReminderSent(models.Model):
    """The day's reminder, claimed before its email is queued: one row per patient per
    day of their own calendar, so a rerun or a second worker finds it and sends nothing."""

    patient = models.ForeignKey(
        "careteam.Patient", on_delete=models.CASCADE, related_name="reminders_sent"
    )
    local_date = models.DateField()
    claimed_at = models.DateTimeField()
    things_to_do = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-local_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "local_date"], name="pp_reminder_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.pk}"
