"""The demo's exercise library and Alex's home exercise programme for `manage.py seed_demo`
(after the patient seeder): seven published exercises with simple drawn pictures (made
here with Pillow), and a programme built up over a few versions by Alex's physical therapist
through the services, with nine sessions logged by Alex.

It adds only what is missing: an exercise already in the library (by slug) stays as the
editors left it, and a plan that has a programme keeps it. ``reset`` changes nothing more
here: the care-team seeder's reset deletes the demo plans, and their programmes with them,
so the programme is built again.
"""

from __future__ import annotations

import datetime
import io
from typing import TextIO

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from careteam.models import CarePlan, Patient
from patientportal.services.patients import current_plans_for_patient
from portal.models import ContraindicationTag

from .demo_library import (
    FIRST,
    FIRST_DAYS_AGO,
    LIBRARY,
    SECOND_ADD,
    SECOND_CHANGE,
    SECOND_DAYS_AGO,
    SESSIONS,
)
from .models import Exercise, ExerciseImage, ExerciseSession, Programme, ProgrammeVersion
from .services.programmes import Dose, change_dose, prescribe_exercise
from .services.sessions import EntryAnswer, log_session

ALEX_RECORD = "NB-100234"
THERAPIST = "pt.morgan"


def placeholder_picture(name: str, colour: str, number: int) -> ImageFile:
    """A plain drawn card: a floor line, a figure's head and body, and the name."""
    canvas = PillowImage.new("RGB", (960, 640), colour)
    draw = ImageDraw.Draw(canvas)
    draw.line((80, 520, 880, 520), fill="#334155", width=6)
    draw.ellipse((420, 180, 520, 280), outline="#334155", width=8)
    draw.line((470, 280, 470 + 60 * (number % 3 - 1), 440), fill="#334155", width=10)
    draw.line((470 + 60 * (number % 3 - 1), 440, 380, 520), fill="#334155", width=10)
    draw.line((470 + 60 * (number % 3 - 1), 440, 560, 520), fill="#334155", width=10)
    draw.text((80, 60), name, fill="#0f172a", font_size=48)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return ImageFile(buffer, name=f"exercise-{number}.png")


def _exercise(slug: str, spec: tuple, index: int) -> tuple[Exercise, bool]:
    existing = Exercise.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    name, purpose, steps, cautions, difficulty, tag_names, colour = spec
    exercise = Exercise(
        name=name,
        slug=slug,
        purpose=purpose,
        steps=[("step", text) for text in steps],
        cautions=cautions,
        difficulty=difficulty,
    )
    exercise.contraindications.set(ContraindicationTag.objects.filter(name__in=tag_names))
    picture = get_image_model().objects.create(
        title=f"Exercise: {name}", file=placeholder_picture(name, colour, index)
    )
    exercise.images.add(
        ExerciseImage(image=picture, caption=f"Drawing of the {name.lower()} position")
    )
    exercise.save()
    exercise.save_revision().publish()
    return exercise, True


def seed_library() -> int:
    created = 0
    for index, (slug, spec) in enumerate(LIBRARY.items(), start=1):
        created += _exercise(slug, spec, index)[1]
    return created


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _backdate(version: ProgrammeVersion, days: int) -> None:
    ProgrammeVersion.objects.filter(pk=version.pk).update(made_at=_days_ago(days))


def seed_programme(plan: CarePlan, therapist) -> bool:
    """Alex's programme in two versions and the sessions logged since (False: already has
    one)."""
    if Programme.objects.filter(plan=plan).exists():
        return False
    library = {exercise.slug: exercise for exercise in Exercise.objects.filter(live=True)}
    version = None
    for number, (slug, dose) in enumerate(FIRST.items()):
        version = prescribe_exercise(
            plan, therapist, library[slug], Dose(**dose), expected_version=number
        )
    assert version is not None
    ProgrammeVersion.objects.filter(programme__plan=plan).update(made_at=_days_ago(FIRST_DAYS_AGO))
    first = version
    slug, dose = SECOND_ADD
    added = prescribe_exercise(
        plan, therapist, library[slug], Dose(**dose), expected_version=first.number
    )
    slug, dose = SECOND_CHANGE
    second = change_dose(
        plan, therapist, library[slug], Dose(**dose), expected_version=added.number
    )
    for each in (added, second):
        _backdate(each, SECOND_DAYS_AGO)
    _log_sessions(plan, first, second)
    return True


def _log_sessions(plan: CarePlan, first: ProgrammeVersion, second: ProgrammeVersion) -> None:
    patient = plan.patient
    for days, completion, effort, pain in SESSIONS:
        version = first if days > SECOND_DAYS_AGO else second
        entries = [
            EntryAnswer(item.pk, completion, effort if completion != "not" else "")
            for item in version.items.all()
        ]
        session = log_session(
            patient,
            patient.user,
            version,
            performed_on=timezone.localdate(),
            entries=entries,
            pain_during=pain,
        )
        # Back-filled history: logged as if on the day (the form allows two weeks back).
        ExerciseSession.objects.filter(pk=session.pk).update(
            performed_on=timezone.localdate() - datetime.timedelta(days=days)
        )


def seed_exercises(stdout: TextIO, *, reset: bool = False) -> list[tuple[str, str]]:
    created = seed_library()
    stdout.write(f"Exercise library: {created} exercises added (any already there kept).\n")
    alex = Patient.objects.filter(record_number=ALEX_RECORD).select_related("user").first()
    therapist = get_user_model().objects.filter(username=THERAPIST).first()
    plan = current_plans_for_patient(alex).first() if alex is not None else None
    if plan is None or therapist is None or alex is None or alex.user is None:
        stdout.write("Alex's exercise programme skipped: the demo patient is missing.\n")
        return []
    if seed_programme(plan, therapist):
        versions = ProgrammeVersion.objects.filter(programme__plan=plan).count()
        stdout.write(
            f"Alex's exercise programme: {versions} versions and {len(SESSIONS)} logged sessions.\n"
        )
    else:
        stdout.write("Alex's exercise programme kept as it is.\n")
    return []
