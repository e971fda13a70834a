"""Threads of secure messages on a care plan, between the patient and their team.

A thread goes to the whole team or to the mental-health professional only (``Audience``):
who may read and write which is the policy's (``messaging.access``). A message is a
clinical record: never edited or deleted once sent; a correction is a new message. The
model refuses both (``Message.save`` on a stored row, ``Message.delete``, and the
``update``/``delete`` of its querysets); only the removal of the whole plan or patient
takes messages with it.

Unread counts come from one read marker per user and thread (``ThreadRead``); each user's
choice of email notices is ``NotificationSetting`` (no row: on).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

# How long a message or a subject may be.
MESSAGE_MAX_LENGTH = 5000
SUBJECT_MAX_LENGTH = 120


class Audience(models.TextChoices):
    """Who, besides the patient, a thread is with."""

    TEAM = "team", "The whole care team"
    MENTAL_HEALTH = "mental_health", "The mental-health professional only"


class Thread(models.Model):
    plan = models.ForeignKey(
        "careteam.CarePlan", on_delete=models.CASCADE, related_name="message_threads"
    )
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.TEAM)
    subject = models.CharField(max_length=SUBJECT_MAX_LENGTH)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the newest message was sent: the order of a plan's threads.
    last_message_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        indexes = [
            models.Index(fields=["plan", "-last_message_at"], name="msg_thread_plan_newest"),
        ]

    def __str__(self) -> str:
        # Never the subject: this string lands in audit records the lead can read.
        return f"Message thread {self.pk}"

    @property
    def for_mental_health(self) -> bool:
        return self.audience == Audience.MENTAL_HEALTH


class MessageNotEditable(Exception):
    """A message was to be changed or deleted: a correction is a new message."""

    def __init__(self) -> None:
        super().__init__("Messages are never changed or deleted; send a correction instead.")


class MessageQuerySet(models.QuerySet["Message"]):
    def update(self, **kwargs: Any) -> int:
        raise MessageNotEditable()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise MessageNotEditable()


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_patient = models.BooleanField(default=False)
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    sent_at = models.DateTimeField(db_index=True)
    # The red flags its words name (``RedFlag`` values, or ``SELF_HARM_IN_MESSAGE``), and
    # the alert they raised; only a patient's message is read for them.
    red_flags = models.JSONField(default=list, blank=True)
    alert = models.ForeignKey(
        "patientportal.RedFlagAlert",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["thread", "sent_at"], name="msg_message_thread_sent")]

    def __str__(self) -> str:
        # Never the body: this string lands in audit records.
        return f"Message {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise MessageNotEditable()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise MessageNotEditable()


class ThreadRead(models.Model):
    """How far one user has read one thread: messages sent after ``last_read_at`` by
    someone else are unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="msg_one_read_marker"),
        ]

    def __str__(self) -> str:
        return f"Read marker {self.pk}"


class NotificationSetting(models.Model):
    """Whether a user is emailed (with no health details) when a message reaches them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_notifications"
    )
    email_on_new_message = models.BooleanField("Email me when a new message arrives", default=True)

    def __str__(self) -> str:
        return f"Message notifications of user {self.user_id}"
