"""Unread counts: messages by someone else sent after the reader's marker on their thread
(``ThreadRead``), in threads the reader may read now. One query each, however many plans,
threads and messages there are."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from careteam.policy import PlanAction, is_usable, plans_where
from patientportal.services.patients import PATIENT_VISIBLE_PLAN_STATUSES

from ..models import Audience, Message, ThreadRead


def _unread(messages: QuerySet[Message], user: User) -> QuerySet[Message]:
    read = ThreadRead.objects.filter(
        user=user, thread=OuterRef("thread_id"), last_read_at__gte=OuterRef("sent_at")
    )
    return messages.exclude(author=user).filter(~Exists(read))


def unread_for_patient(user: User) -> int:
    """How many messages from their teams the patient has not read (one query)."""
    if not is_usable(user):
        return 0
    messages = Message.objects.filter(
        thread__plan__patient__user=user,
        thread__plan__status__in=PATIENT_VISIBLE_PLAN_STATUSES,
    )
    return _unread(messages, user).count()


@dataclass(frozen=True)
class UnreadOnPlan:
    plan_id: int
    plan_title: str
    patient_name: str
    unread: int


def unread_for_provider(user: User, limit: int = 10) -> list[UnreadOnPlan]:
    """The plans where ``user`` has unread messages, most first, with how many (one
    query): threads to the whole team on plans they may read messages of, and threads to
    the mental-health professional where they may read those."""
    if not is_usable(user):
        return []
    readable = Q(thread__audience=Audience.TEAM) | Q(
        thread__plan__in=plans_where(user, PlanAction.MENTAL_HEALTH_THREADS)
    )
    messages = Message.objects.filter(
        readable, thread__plan__in=plans_where(user, PlanAction.READ_MESSAGES)
    )
    rows = (
        _unread(messages, user)
        .values(
            "thread__plan_id",
            "thread__plan__title",
            "thread__plan__patient__given_name",
            "thread__plan__patient__family_name",
        )
        .annotate(unread=Count("pk"))
        .order_by("-unread", "thread__plan_id")[:limit]
    )
    return [
        UnreadOnPlan(
            plan_id=row["thread__plan_id"],
            plan_title=row["thread__plan__title"],
            patient_name=(
                f"{row['thread__plan__patient__given_name']} "
                f"{row['thread__plan__patient__family_name']}"
            ).strip(),
            unread=row["unread"],
        )
        for row in rows
    ]
