"""The exercise library in Wagtail's admin: editors write exercises as drafts with
revisions, medical reviewers publish them, and only published ones can be prescribed;
nobody else reaches the library's admin. A video must be a video file."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from careteam.models import Discipline
from exercises.models import Exercise
from exercises.services.programmes import library
from portal.models import ContraindicationTag
from tests.careteam_domain_fixtures import make_provider, make_user
from tests.exercises_fixtures import make_exercise

pytestmark = pytest.mark.django_db

ADD_URL = "wagtailsnippets_exercises_exercise:add"


def member_of(group: str, username: str):
    user = make_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def exercise_form(name: str, tag: ContraindicationTag, **extra) -> dict:
    data = nested_form_data(
        {
            "name": name,
            "slug": name.lower().replace(" ", "-"),
            "purpose": "Steadies the hips.",
            "steps": streamfield([("step", "Lie on your side."), ("step", "Lift the knee.")]),
            "images": inline_formset([]),
            "cautions": "Small movements only.",
            "difficulty": "1",
            **extra,
        }
    )
    return data | {"contraindications": [tag.pk]}  # a select's values, not nested fields


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_writes_an_exercise_as_a_draft_that_the_team_cannot_prescribe_yet():
    tag = ContraindicationTag.objects.create(name="Deep stretching", slug="deep-stretching")
    editor = member_of("Editors", "e.editor")
    client = logged_in(editor)
    assert client.get(reverse(ADD_URL)).status_code == 200
    response = client.post(reverse(ADD_URL), exercise_form("Clamshell", tag))
    assert response.status_code == 302, response.content.decode()[:2000]
    exercise = Exercise.objects.get(slug="clamshell")
    assert not exercise.live
    assert exercise.revisions.count() == 1
    assert exercise.step_texts == ["Lie on your side.", "Lift the knee."]
    # The draft's tags wait in its revision until it is published.
    assert list(exercise.latest_revision.as_object().contraindications.all()) == [tag]
    assert exercise not in library()


def test_a_medical_reviewer_publishes_and_the_exercise_reaches_the_library():
    tag = ContraindicationTag.objects.create(name="Heavy lifting", slug="heavy-lifting")
    reviewer = member_of("Medical reviewers", "e.reviewer")
    response = logged_in(reviewer).post(
        reverse(ADD_URL), exercise_form("Wall sit", tag, **{"action-publish": "action-publish"})
    )
    assert response.status_code == 302
    exercise = Exercise.objects.get(slug="wall-sit")
    assert exercise.live
    assert list(exercise.contraindications.all()) == [tag]
    assert exercise in library()


@pytest.mark.parametrize("who", ["provider", "patient_login"])
def test_nobody_else_reaches_the_library_or_adds_to_it(who):
    tag = ContraindicationTag.objects.create(name="Deep stretching", slug="deep-stretching")
    user = (
        make_provider("e.physio", Discipline.PHYSICAL_THERAPY)
        if who == "provider"
        else make_user("e.patient")
    )
    client = logged_in(user)
    listing = client.get(reverse("wagtailsnippets_exercises_exercise:list"))
    assert listing.status_code in (302, 403)
    response = client.post(reverse(ADD_URL), exercise_form("Clamshell", tag))
    assert response.status_code in (302, 403)
    assert not Exercise.objects.exists()


def test_a_video_must_be_a_video_file():
    exercise = make_exercise("Bird dog")
    exercise.video = Document.objects.create(
        title="Leaflet", file=ContentFile(b"%PDF-1.4", name="leaflet.pdf")
    )
    with pytest.raises(ValidationError, match="Choose a video file"):
        exercise.full_clean()
    exercise.video = Document.objects.create(
        title="Bird dog video", file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name="bird-dog.mp4")
    )
    exercise.full_clean()
