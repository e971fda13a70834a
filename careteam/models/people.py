"""The people a care plan is about and the providers who keep it."""

from django.conf import settings
from django.db import models

from .tracking import Versioned


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "record_number"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.record_number})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()
