"""The people a care plan is about and the providers who keep it."""

import datetime
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .tracking import Versioned


@cache
def known_time_zones() -> frozenset[str]:
    """The IANA time zone names this machine knows (read once: it scans the zone files)."""
    return frozenset(zoneinfo.available_timezones())


def default_time_zone() -> str:
    """A new patient's time zone: the clinic's (a callable, so the setting is not frozen
    into a migration)."""
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    """Accept only a time zone name that ``zoneinfo`` knows, such as "Europe/London"."""
    if value not in known_time_zones():
        raise ValidationError(
            "Enter a time zone name such as Europe/London or America/New_York.",
            code="invalid_time_zone",
        )


class Discipline(models.TextChoices):
    """A provider's clinical discipline; plan sections are keyed by the same values."""

    PAIN_MANAGEMENT = "pain_management", "Pain management"
    PHYSICAL_THERAPY = "physical_therapy", "Physical therapy"
    MENTAL_HEALTH = "mental_health", "Mental health"
    NURSING = "nursing", "Nursing and care coordination"
    OTHER = "other", "Other"


class Provider(models.Model):
    """A clinician's profile. Only users with one can join a care team."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_profile"
    )
    discipline = models.CharField(max_length=32, choices=Discipline.choices)
    credentials = models.CharField(
        max_length=120, blank=True, help_text="For example: MD, FFPMRCA or DPT."
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}, {self.credentials}" if self.credentials else name

    @property
    def display_name(self) -> str:
        return str(self)


class Patient(Versioned):
    """A person under the clinic's care. `user` is set once they have a portal login."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    record_number = models.CharField(
        max_length=32, unique=True, help_text="The clinic's medical record number."
    )
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient_profile",
    )
    # Who registered the patient: until a plan is started for them, the only physician
    # who may start one (careteam.policy).
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patients_registered",
    )
    # Where the patient lives: their "today" and every due date are calendar dates here.
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="Where the patient lives, such as Europe/London: due dates follow their "
        "calendar.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "record_number"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.record_number})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The patient's time zone (the clinic's if the stored name is no longer known)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def today(self, now: datetime.datetime) -> datetime.date:
        """The calendar date in the patient's time zone at the moment ``now``."""
        return now.astimezone(self.zone).date()
