"""Assigned reading: clinical safety checks when a team member assigns a page, read
tracking and the patient's feedback."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from wagtail.models import Page
from wagtail.query import PageQuerySet

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, Precaution
from careteam.policy import PlanAction
from careteam.services import change_guarded, require
from jobs.handoff import enqueue_in_transaction
from portal.models import ArticlePage, ContraindicationTag, TreatmentPage

from ..models import ReadingAssignment
from ..tasks import send_reading_assigned_email
from .errors import PortalAccessDenied, PortalActionError
from .patients import CURRENT_PLAN_STATUSES, PATIENT_VISIBLE_PLAN_STATUSES
from .submissions import Submission, store_once

ASSIGNABLE_PAGE_TYPES = (ArticlePage, TreatmentPage)


class ReviewExpiredError(PortalActionError):
    """The page's medical review date has passed: it may be out of date."""


@dataclass(frozen=True)
class Conflict:
    """A contraindication on the page that one or more of the plan's precautions rule out."""

    tag: ContraindicationTag
    precautions: tuple[str, ...]

    def __str__(self) -> str:
        return self.tag.name


class ContraindicationConflict(PortalActionError):
    """The page discusses something the plan's precautions rule out; assign only after an
    explicit confirmation."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        names = ", ".join(conflict.tag.name for conflict in conflicts)
        super().__init__(
            f"This page covers {names}, which this patient's precautions rule out. "
            "Confirm that you still want to assign it."
        )


@dataclass
class PageChoice:
    """A page in the assign form's list, with what stands in the way of assigning it."""

    page: Page
    review_expired: bool
    conflicts: list[ContraindicationTag] = field(default_factory=list)


def assignable_pages(query: str = "") -> PageQuerySet:
    """Live, public article and treatment pages, optionally matching words in the title."""
    pages = Page.objects.live().public().type(*ASSIGNABLE_PAGE_TYPES).order_by("title")
    for word in query.split()[:8]:
        pages = pages.filter(title__icontains=word)
    return pages


def _avoid_tags(plan: CarePlan) -> dict[int, list[str]]:
    """Tag id -> descriptions of the plan's precautions that avoid it."""
    avoided: dict[int, list[str]] = defaultdict(list)
    for tag_id, description in Precaution.objects.filter(
        plan=plan, avoid_tag__isnull=False
    ).values_list("avoid_tag_id", "description"):
        avoided[tag_id].append(description)
    return avoided


def _page_tags(page_ids: list[int]) -> dict[int, set[int]]:
    """Page id -> its contraindication tag ids, for article and treatment pages alike."""
    tags: dict[int, set[int]] = defaultdict(set)
    for model in ASSIGNABLE_PAGE_TYPES:
        through = model.contraindications.through
        page_column = f"{model._meta.model_name}_id"
        for page_id, tag_id in through.objects.filter(
            **{f"{page_column}__in": page_ids}
        ).values_list(page_column, "contraindicationtag_id"):
            tags[page_id].add(tag_id)
    return tags


def reading_conflicts(plan: CarePlan, page: Page) -> list[Conflict]:
    """The page's contraindication tags that the plan's precautions rule out."""
    avoided = _avoid_tags(plan)
    if not avoided:
        return []
    return _conflicts(avoided, _page_tags([page.pk])[page.pk])


def tag_conflicts(plan: CarePlan, tag_ids: Iterable[int]) -> list[Conflict]:
    """The same rule for anything else carrying contraindication tags (an exercise): the
    tags among ``tag_ids`` that the plan's precautions rule out."""
    avoided = _avoid_tags(plan)
    return _conflicts(avoided, tag_ids) if avoided else []


def _conflicts(avoided: dict[int, list[str]], tag_ids: Iterable[int]) -> list[Conflict]:
    clashing = set(tag_ids) & set(avoided)
    if not clashing:
        return []
    tags = ContraindicationTag.objects.filter(pk__in=clashing).order_by("name")
    return [Conflict(tag, tuple(avoided[tag.pk])) for tag in tags]


def page_choices(plan: CarePlan, query: str = "", limit: int = 50) -> list[PageChoice]:
    """The assign form's list: matching pages with expired-review and conflict markers,
    in a fixed number of queries."""
    pages = list(assignable_pages(query).specific()[:limit])
    avoided = _avoid_tags(plan)
    page_tags = _page_tags([page.pk for page in pages]) if avoided else {}
    tag_ids = set().union(*page_tags.values()) & set(avoided) if page_tags else set()
    tags = ContraindicationTag.objects.in_bulk(tag_ids) if tag_ids else {}
    return [
        PageChoice(
            page=page,
            review_expired=getattr(page, "is_review_expired", False),
            conflicts=sorted(
                (tags[tag_id] for tag_id in page_tags.get(page.pk, set()) & tag_ids),
                key=lambda tag: tag.name,
            ),
        )
        for page in pages
    ]


def assign_reading(
    plan: CarePlan,
    actor,
    page: Page,
    note: str = "",
    due_date: datetime.date | None = None,
    confirm_conflicts: bool = False,
    notify: bool = True,
    submission_key: uuid.UUID | None = None,
) -> ReadingAssignment:
    """Put a published article or treatment page on the patient's reading list.

    Refuses pages whose medical review has expired; raises ``ContraindicationConflict``
    when the page clashes with the plan's precautions unless ``confirm_conflicts``.
    ``notify=False`` skips the patient's email (used for back-filled demo history); the
    email is otherwise queued in the assignment's own transaction (``jobs.handoff``).
    ``submission_key``: the assign form's one-time key; sent again, the assignment made
    the first time is returned (``submissions``).
    """
    require(actor, PlanAction.ASSIGN_READING, plan)
    if plan.status not in CURRENT_PLAN_STATUSES:
        raise PortalActionError("Reading can only be assigned on an active or on-hold plan.")
    submission = Submission.of(
        submission_key, {"page": page.pk, "note": note.strip(), "due_date": due_date}
    )
    return store_once(
        plan.reading_assignments.all(),
        submission,
        actor,
        lambda: _assign(plan, actor, page, note, due_date, confirm_conflicts, notify, submission),
        plan=plan,
    )


def _assign(
    plan: CarePlan,
    actor,
    page: Page,
    note: str,
    due_date: datetime.date | None,
    confirm_conflicts: bool,
    notify: bool,
    submission: Submission,
) -> ReadingAssignment:
    specific = assignable_pages().filter(pk=page.pk).specific().first()
    if specific is None:
        raise PortalActionError(
            "Only published, public articles and treatment pages can be assigned."
        )
    if specific.is_review_expired:
        raise ReviewExpiredError(
            f"“{specific.title}” cannot be assigned: its medical review was due on "
            f"{specific.next_review_due:%d %B %Y} and has not been done. Ask an editor to "
            "have it reviewed, or choose another page."
        )
    conflicts = reading_conflicts(plan, specific)
    if conflicts and not confirm_conflicts:
        raise ContraindicationConflict(conflicts)
    already_listed = PortalActionError(
        f"“{specific.title}” is already on the reading list, unread."
    )
    if plan.reading_assignments.filter(page=specific, read_at__isnull=True).exists():
        raise already_listed
    with change_guarded(actor, PlanAction.ASSIGN_READING, plan):
        try:
            with transaction.atomic():
                assignment = ReadingAssignment.objects.create(
                    plan=plan,
                    page=specific,
                    page_title=specific.title,
                    assigned_by=actor,
                    note=note.strip(),
                    due_date=due_date,
                    contraindication_warning_confirmed=bool(conflicts),
                    confirmed_conflicts=[conflict.tag.name for conflict in conflicts],
                    **submission.fields(),
                )
        except IntegrityError as error:
            key = submission.key
            if key and plan.reading_assignments.filter(submission_key=key).exists():
                raise  # this very submission, sent twice at once: store_once answers it
            raise already_listed from error  # a colleague assigned it a moment ago
        record_event(
            actor,
            AuditAction.CREATED,
            assignment,
            plan=plan,
            detail={
                "page_id": specific.pk,
                "page_title": specific.title,
                "due_date": due_date,
                "confirmed_conflicts": assignment.confirmed_conflicts,
            },
        )
        if notify:
            enqueue_in_transaction(send_reading_assigned_email, assignment.pk)
    return assignment


def reading_for_patient(patient) -> QuerySet[ReadingAssignment]:
    """Unread first (soonest due first), then read ones, newest read first."""
    return (
        ReadingAssignment.objects.filter(
            plan__patient=patient, plan__status__in=PATIENT_VISIBLE_PLAN_STATUSES
        )
        .select_related("page", "assigned_by__provider_profile")
        .order_by(
            F("read_at").desc(nulls_first=True),
            F("due_date").asc(nulls_last=True),
            "-assigned_at",
            "-pk",
        )
    )


def reading_for_plan(plan: CarePlan) -> QuerySet[ReadingAssignment]:
    return (
        ReadingAssignment.objects.filter(plan=plan)
        .select_related("assigned_by")
        .order_by(F("read_at").desc(nulls_first=True), "-assigned_at", "-pk")
    )


def mark_read_by_patient(user, page: Page, *, request=None) -> int:
    """Record that the patient opened a page on their reading list; returns how many
    assignments this marked read (0 for anyone who is not that patient)."""
    if not (user.is_authenticated and user.is_active):
        return 0
    unread = ReadingAssignment.objects.filter(
        plan__patient__user=user,
        plan__status__in=PATIENT_VISIBLE_PLAN_STATUSES,
        page_id=page.pk,
        read_at__isnull=True,
    )
    assignments = list(unread.select_related("plan"))
    if not assignments:
        return 0
    now = timezone.now()
    ReadingAssignment.objects.filter(pk__in=[a.pk for a in assignments]).update(read_at=now)
    for assignment in assignments:
        record_event(
            user,
            AuditAction.CHANGED,
            assignment,
            request=request,
            plan=assignment.plan,
            detail={"changes": {"read_at": [None, now]}},
        )
    return len(assignments)


def record_feedback(
    assignment: ReadingAssignment, user, *, helpful: bool | None, feedback: str = ""
) -> ReadingAssignment:
    """The patient says whether the page helped (only on their own reading list)."""
    if assignment.plan.patient.user_id != user.pk:
        raise PortalAccessDenied("This is not on your reading list.")
    old = {"helpful": assignment.helpful, "feedback": assignment.feedback}
    assignment.helpful = helpful
    assignment.feedback = feedback.strip()
    assignment.feedback_at = timezone.now()
    if assignment.read_at is None:
        assignment.read_at = assignment.feedback_at
    assignment.save(update_fields=["helpful", "feedback", "feedback_at", "read_at"])
    record_event(
        user,
        AuditAction.CHANGED,
        assignment,
        plan=assignment.plan,
        detail={
            "changes": {
                "helpful": [old["helpful"], helpful],
                "feedback": [old["feedback"], assignment.feedback],
            }
        },
    )
    return assignment
