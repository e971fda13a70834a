"""Building a plan's programme from the library: add an exercise, change its dose, stop
it. Each change is a new version of the whole list, made through careteam's write path:
the policy asked first (``require``), asked again inside the transaction with the actor's
membership row locked (``change_guarded``), the programme's version checked (``UPDATE ...
WHERE version = n``: a colleague's change in between is a ``StaleVersionError``), and the
new version audited with what changed, in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.contrib.auth.models import User
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan
from careteam.policy import PlanAction
from careteam.services import change_guarded, require, touch_plan
from careteam.services.errors import StaleVersionError
from patientportal.services.assigned_reading import Conflict, tag_conflicts
from patientportal.services.patients import CURRENT_PLAN_STATUSES

from ..models import Exercise, Programme, ProgrammeItem, ProgrammeVersion
from .errors import ExerciseConflict, ProgrammeError
from .versions import diff_items, item_row

ACTION = PlanAction.PRESCRIBE_EXERCISES


@dataclass(frozen=True)
class Dose:
    """What the therapist sets for one exercise."""

    sets: int = 2
    repetitions: int = 8
    hold_seconds: int = 0
    times_per_day: int = 1
    days_per_week: int = 7
    note: str = ""


def library() -> QuerySet[Exercise]:
    """The published exercises a therapist may prescribe (drafts never reach the list)."""
    return Exercise.objects.filter(live=True).order_by("name")


def exercise_conflicts(plan: CarePlan, exercise: Exercise) -> list[Conflict]:
    """The exercise's contraindication tags that the plan's precautions rule out (the rule
    assigned reading follows: ``patientportal.services.assigned_reading``)."""
    tag_ids = exercise.contraindications.values_list("pk", flat=True)
    return tag_conflicts(plan, list(tag_ids))


def programme_of(plan: CarePlan) -> Programme | None:
    return Programme.objects.filter(plan=plan).first()


def current_version(plan: CarePlan | int) -> ProgrammeVersion | None:
    """The newest version of the plan's programme with its items and their exercises."""
    return (
        ProgrammeVersion.objects.filter(programme__plan=plan)
        .select_related("programme", "made_by")
        .prefetch_related(
            Prefetch(
                "items", ProgrammeItem.objects.select_related("exercise").order_by("position", "pk")
            )
        )
        .order_by("-number")
        .first()
    )


def versions_of(plan: CarePlan) -> QuerySet[ProgrammeVersion]:
    """Every version, newest first, with who made it."""
    return (
        ProgrammeVersion.objects.filter(programme__plan=plan)
        .select_related("made_by")
        .order_by("-number")
    )


def _check_open(plan: CarePlan) -> None:
    if plan.status not in CURRENT_PLAN_STATUSES:
        raise ProgrammeError("The programme can only be changed on an active or on-hold plan.")


def _validated(exercise: Exercise, dose: Dose, position: int) -> ProgrammeItem:
    item = ProgrammeItem(
        exercise=exercise, exercise_name=exercise.name, position=position, **asdict(dose)
    )
    item.note = item.note.strip()
    item.full_clean(exclude=["version", "exercise", "confirmed_conflicts"], validate_unique=False)
    return item


Edit = Callable[[list[ProgrammeItem]], list[ProgrammeItem]]


def _new_version(
    plan: CarePlan,
    actor: User,
    expected_version: int,
    edit: Edit,
    *,
    confirmed: list[str] | None = None,
) -> ProgrammeVersion:
    """Make the next version from the current items (as ``edit`` changes them), only if the
    programme is still at ``expected_version`` (0: no programme yet) and the policy still
    allows the change."""
    now = timezone.now()
    with change_guarded(actor, ACTION, plan):
        programme = Programme.objects.select_for_update().filter(plan=plan).first()
        if programme is None:
            if expected_version != 0:
                raise StaleVersionError(
                    Programme, expected_version=expected_version, current=None, current_values={}
                )
            programme = Programme.objects.create(plan=plan, version=1, updated_by=actor)
            number, before = 1, []
        else:
            updated = Programme.objects.filter(pk=programme.pk, version=expected_version).update(
                version=F("version") + 1, updated_at=now, updated_by=actor
            )
            if not updated:
                programme.refresh_from_db()
                raise StaleVersionError(
                    Programme,
                    expected_version=expected_version,
                    current=programme,
                    current_values={},
                )
            number = expected_version + 1
            before = list(
                ProgrammeItem.objects.filter(
                    version__programme=programme, version__number=expected_version
                ).order_by("position", "pk")
            )
        after = edit([_copy(item) for item in before])
        changes = diff_items(map(item_row, before), map(item_row, after))
        if not changes:
            raise ProgrammeError("Nothing changed: the programme stays as it is.")
        version = ProgrammeVersion.objects.create(
            programme=programme, number=number, made_at=now, made_by=actor, changes=changes
        )
        for position, item in enumerate(after):
            item.version = version
            item.position = position
        ProgrammeItem.objects.bulk_create(after)
        detail = {"version": number, "programme_changes": changes}
        if confirmed:
            detail["confirmed_conflicts"] = confirmed
        record_event(actor, AuditAction.CREATED, version, plan=plan, detail=detail)
        touch_plan(plan, now)
    programme.version = number
    return version


def _copy(item: ProgrammeItem) -> ProgrammeItem:
    return ProgrammeItem(
        exercise_id=item.exercise_id,
        exercise_name=item.exercise_name,
        position=item.position,
        sets=item.sets,
        repetitions=item.repetitions,
        hold_seconds=item.hold_seconds,
        times_per_day=item.times_per_day,
        days_per_week=item.days_per_week,
        note=item.note,
        confirmed_conflicts=item.confirmed_conflicts,
    )


def prescribe_exercise(
    plan: CarePlan,
    actor: User,
    exercise: Exercise,
    dose: Dose,
    *,
    expected_version: int,
    confirm_conflicts: bool = False,
) -> ProgrammeVersion:
    """Add a published exercise to the programme. An exercise whose contraindication tags
    one of the plan's precautions rules out raises ``ExerciseConflict`` unless
    ``confirm_conflicts``; a confirmed one keeps the tags confirmed, in the item and in
    the audit trail."""
    require(actor, ACTION, plan)
    _check_open(plan)
    if not exercise.live:
        raise ProgrammeError(f"“{exercise.name}” is not published in the library.")
    conflicts = exercise_conflicts(plan, exercise)
    if conflicts and not confirm_conflicts:
        raise ExerciseConflict(conflicts)
    item = _validated(exercise, dose, position=0)
    item.confirmed_conflicts = [conflict.tag.name for conflict in conflicts]

    def add(items: list[ProgrammeItem]) -> list[ProgrammeItem]:
        if any(each.exercise_id == exercise.pk for each in items):
            raise ProgrammeError(
                f"“{exercise.name}” is already in the programme: change its dose instead."
            )
        return [*items, item]

    return _new_version(
        plan, actor, expected_version, add, confirmed=item.confirmed_conflicts or None
    )


def change_dose(
    plan: CarePlan, actor: User, exercise: Exercise, dose: Dose, *, expected_version: int
) -> ProgrammeVersion:
    """Change how much, how long and how often of an exercise already in the programme."""
    require(actor, ACTION, plan)
    _check_open(plan)
    changed = _validated(exercise, dose, position=0)

    def set_dose(items: list[ProgrammeItem]) -> list[ProgrammeItem]:
        for item in items:
            if item.exercise_id == exercise.pk:
                for name, value in asdict(dose).items():
                    setattr(item, name, getattr(changed, name) if name == "note" else value)
                return items
        raise ProgrammeError(f"“{exercise.name}” is not in the programme any more.")

    return _new_version(plan, actor, expected_version, set_dose)


def stop_exercise(
    plan: CarePlan, actor: User, exercise: Exercise, *, expected_version: int
) -> ProgrammeVersion:
    """Take an exercise out of the programme (earlier versions keep it)."""
    require(actor, ACTION, plan)
    _check_open(plan)

    def remove(items: list[ProgrammeItem]) -> list[ProgrammeItem]:
        kept = [item for item in items if item.exercise_id != exercise.pk]
        if len(kept) == len(items):
            raise ProgrammeError(f"“{exercise.name}” is not in the programme any more.")
        return kept

    return _new_version(plan, actor, expected_version, remove)


@dataclass(frozen=True)
class LibraryChoice:
    """An exercise in the add form's list, with the plan's precautions it clashes with."""

    exercise: Exercise
    conflicts: tuple[str, ...]
    in_programme: bool


def library_choices(plan: CarePlan, in_programme: set[int]) -> list[LibraryChoice]:
    """The published library with conflict markers (the rule of ``tag_conflicts``, asked
    once for every tag in the library), in four queries."""
    exercises = list(library())
    through = Exercise.contraindications.through
    tags: dict[int, set[int]] = {}
    for exercise_id, tag_id in through.objects.filter(
        exercise__in=[exercise.pk for exercise in exercises]
    ).values_list("exercise_id", "contraindicationtag_id"):
        tags.setdefault(exercise_id, set()).add(tag_id)
    ruled_out = {
        conflict.tag.pk: conflict.tag.name
        for conflict in tag_conflicts(plan, set().union(*tags.values()))
    }
    return [
        LibraryChoice(
            exercise=exercise,
            conflicts=tuple(
                sorted(ruled_out[t] for t in tags.get(exercise.pk, ()) if t in ruled_out)
            ),
            in_programme=exercise.pk in in_programme,
        )
        for exercise in exercises
    ]
