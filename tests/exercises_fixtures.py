"""Exercise-programme fixtures: library exercises published as the Wagtail admin does it
(a revision, then publish), and a plan's programme made through the services.

Registered in tests/conftest.py: use ``programme_world`` in any test.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils.text import slugify
from wagtail.images import get_image_model

from careteam.models import CarePlan
from exercises.demo import placeholder_picture
from exercises.models import (
    Exercise,
    ExerciseImage,
    Programme,
    ProgrammeItem,
    ProgrammeVersion,
)
from exercises.services.programmes import Dose, prescribe_exercise
from portal.models import ContraindicationTag
from tests.patient_fixtures import PortalWorld

DEAD_BUG_PURPOSE = "Holds the lower back steady while the limbs move."
DEAD_BUG_STEP = "Lower one heel slowly, only as far as the back stays still."


def make_exercise(
    name: str,
    *,
    tags: tuple[ContraindicationTag, ...] = (),
    publish: bool = True,
    picture: bool = False,
    purpose: str = "Builds steady control.",
    steps: tuple[str, ...] = ("Get into position.", "Hold, then rest."),
) -> Exercise:
    exercise = Exercise(
        name=name,
        slug=slugify(name),
        purpose=purpose,
        steps=[("step", text) for text in steps],
        cautions="Stop if it hurts.",
    )
    exercise.contraindications.set(tags)
    if picture:
        image = get_image_model().objects.create(
            title=f"Picture of {name}", file=placeholder_picture(name, "#dbeafe", 1)
        )
        exercise.images.add(ExerciseImage(image=image, caption=f"{name}, start position"))
    exercise.save()
    revision = exercise.save_revision()
    if publish:
        revision.publish()
    else:
        Exercise.objects.filter(pk=exercise.pk).update(live=False)
        exercise.refresh_from_db()
    return exercise


def library_exercise(name: str) -> Exercise:
    """A published exercise by name, made the first time it is asked for."""
    return Exercise.objects.filter(slug=slugify(name)).first() or make_exercise(name)


def prescribe(plan: CarePlan, actor, exercise: Exercise, **dose) -> ProgrammeVersion:
    """Add ``exercise`` to the plan's programme as it now stands (confirming any conflict)."""
    programme = Programme.objects.filter(plan=plan).first()
    return prescribe_exercise(
        plan,
        actor,
        exercise,
        Dose(**dose),
        expected_version=programme.version if programme else 0,
        confirm_conflicts=True,
    )


def programme_exercise(plan: CarePlan, actor) -> Exercise:
    """An exercise in the plan's programme: the first one there, else a new one prescribed
    now (for tables that need an ``exercise_id`` in a URL)."""
    version = ProgrammeVersion.objects.filter(programme__plan=plan).order_by("-number").first()
    if version is not None and version.items.exists():
        return version.items.first().exercise
    exercise = library_exercise("Fixture bridge")
    prescribe(plan, actor, exercise)
    return exercise


def programme_items(plan: CarePlan, actor) -> list[ProgrammeItem]:
    """The items of the plan's current programme (one prescribed if it has none)."""
    programme_exercise(plan, actor)
    version = ProgrammeVersion.objects.filter(programme__plan=plan).order_by("-number").first()
    return list(version.items.all())


@dataclass
class ProgrammeWorld:
    portal: PortalWorld
    dead_bug: Exercise  # with a picture
    bridge: Exercise
    stretch: Exercise  # tagged "Deep stretching", which the plan's precaution rules out
    draft: Exercise  # never published

    @property
    def plan(self) -> CarePlan:
        return self.portal.plan

    @property
    def team(self):
        return self.portal.team


@pytest.fixture
def programme_world(portal_world: PortalWorld) -> ProgrammeWorld:
    """The patient portal's world and a small library; no programme yet."""
    dead_bug = make_exercise(
        "Dead bug",
        picture=True,
        purpose=DEAD_BUG_PURPOSE,
        steps=("Lie on your back.", DEAD_BUG_STEP),
    )
    bridge = make_exercise("Glute bridge")
    stretch = make_exercise("Deep hamstring stretch", tags=(portal_world.deep_stretching,))
    draft = make_exercise("Unreviewed plank", publish=False)
    return ProgrammeWorld(portal_world, dead_bug, bridge, stretch, draft)
