"""Reading a plan's threads (the list, with each thread's unread count) and one thread (its
messages, in order; the reader's marker moved to now). Both are audited; a reader the
policy refuses gets ``CareAccessDenied`` (recorded): 404 when they may not see the plan or
the thread exists only for others, 403 for a member refused a mental-health thread."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, Patient
from careteam.policy import PlanAction
from careteam.services import CareAccessDenied, deny
from patientportal.services.patients import plans_for_patient

from ..access import MessageRights
from ..models import Message, Thread, ThreadRead


def refuse_read(
    actor: User, plan: CarePlan, rights: MessageRights, thread: Thread | None
) -> CareAccessDenied:
    """Record a refused read and return the exception to raise."""
    if not rights.any:
        return deny(actor, PlanAction.READ_MESSAGES, plan=plan, obj=thread)
    # A member who sees the plan but not this thread: the mental-health professional's.
    # The patient's own refusals never reach here (they read every thread of their plan).
    hide = rights.as_patient
    return deny(actor, PlanAction.MENTAL_HEALTH_THREADS, plan=plan, obj=thread, hide_existence=hide)


def with_unread(threads: QuerySet[Thread], user: User) -> QuerySet[Thread]:
    """``threads``, each with ``unread``: messages by others sent after the user's marker."""
    marker = ThreadRead.objects.filter(user=user, thread=OuterRef("pk")).values("last_read_at")
    others = ~Q(messages__author=user)
    return threads.annotate(last_read=Subquery(marker[:1])).annotate(
        unread=Count(
            "messages",
            filter=others & (Q(last_read__isnull=True) | Q(messages__sent_at__gt=F("last_read"))),
        )
    )


def list_threads(plan: CarePlan, actor: User, rights: MessageRights) -> list[Thread]:
    """The plan's threads ``actor`` may read, newest first, each with its unread count (one
    query); the read is recorded."""
    if not rights.any:
        raise refuse_read(actor, plan, rights, None)
    audiences = rights.readable_audiences()
    threads = with_unread(plan.message_threads.filter(audience__in=audiences), actor)
    rows = list(threads.order_by("-last_message_at", "-pk"))
    record_event(
        actor,
        AuditAction.VIEWED,
        plan,
        plan=plan,
        detail={"what": "message_threads", "audiences": audiences, "threads": len(rows)},
    )
    return rows


@dataclass(frozen=True)
class ThreadPage:
    thread: Thread
    messages: list[Message]
    # When the reader had last read it before this visit (None: never): what is new.
    read_before: object


def open_thread(thread: Thread, actor: User, rights: MessageRights) -> ThreadPage:
    """The thread's messages, oldest first, for a reader the policy allows; the read is
    recorded and the reader's marker moved to now."""
    plan = thread.plan
    if not rights.may_read(thread.audience):
        raise refuse_read(actor, plan, rights, thread)
    messages = list(thread.messages.select_related("author").order_by("sent_at", "pk"))
    before = (
        ThreadRead.objects.filter(user=actor, thread=thread)
        .values_list("last_read_at", flat=True)
        .first()
    )
    mark_read(thread, actor)
    record_event(
        actor,
        AuditAction.VIEWED,
        thread,
        plan=plan,
        detail={
            "what": "message_thread",
            "audience": thread.audience,
            "messages": len(messages),
        },
    )
    return ThreadPage(thread=thread, messages=messages, read_before=before)


def mark_read(thread: Thread, user: User, when=None) -> None:
    """Move ``user``'s marker on ``thread`` to ``when`` (now), in one statement."""
    ThreadRead.objects.bulk_create(
        [ThreadRead(user=user, thread=thread, last_read_at=when or timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "thread"],
        update_fields=["last_read_at"],
    )


def thread_on_plan(plan: CarePlan, thread_id: int) -> Thread | None:
    """The thread ``thread_id`` if it belongs to ``plan`` (read with it)."""
    thread = Thread.objects.filter(plan=plan, pk=thread_id).first()
    if thread is not None:
        thread.plan = plan
    return thread


def list_patient_threads(patient: Patient, actor: User) -> list[Thread]:
    """Every thread on the patient's own plans that are shown to them, newest first, each
    with its unread count and plan (one query); the read is recorded."""
    plans = plans_for_patient(patient).order_by()
    threads = with_unread(Thread.objects.filter(plan__in=plans), actor)
    rows = list(threads.select_related("plan").order_by("-last_message_at", "-pk"))
    record_event(
        actor,
        AuditAction.VIEWED,
        patient,
        patient=patient,
        detail={"what": "message_threads", "threads": len(rows)},
    )
    return rows


def patient_thread(patient: Patient, thread_id: int) -> Thread | None:
    """Thread ``thread_id`` if it is on one of the patient's own plans (with its plan)."""
    return (
        Thread.objects.select_related("plan__patient")
        .filter(pk=thread_id, plan__patient=patient)
        .first()
    )
