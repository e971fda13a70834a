"""Keeping plan templates in the Wagtail admin (/cms/): pain-management physicians and
editors edit them, only a physician publishes, and other providers and patients reach
none of it (plantemplates.keepers)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from careteam.models import Discipline
from plantemplates.keepers import ensure_template_keepers
from plantemplates.models import PlanTemplate
from portal.services.review_workflow import EDITORS
from tests.careteam_domain_fixtures import make_provider, make_user
from tests.plantemplate_fixtures import FLARE_DAY_ONE, make_plan_template

pytestmark = pytest.mark.django_db

LISTING = "/cms/snippets/plantemplates/plantemplate/"


def edit_url(template: PlanTemplate) -> str:
    return f"{LISTING}edit/{template.pk}/"


def edit_post(template: PlanTemplate, **changes) -> dict:
    """The edit form with its stream fields left empty: a draft that drops the content."""
    return {
        "title": template.title,
        "purpose": template.purpose,
        "plan_title": template.plan_title,
        "conditions": template.conditions,
        "patient_summary": template.patient_summary,
        "red_flag_guidance": template.red_flag_guidance,
        "flare_day_one": "A new first day.",
        "flare_day_two": template.flare_day_two,
        "flare_day_three": template.flare_day_three,
        "flare_when_to_call": template.flare_when_to_call,
        "sections-count": "0",
        "precautions-count": "0",
        "questionnaires-count": "0",
        **changes,
    }


@pytest.fixture
def keepers(db):
    """The rights as the migration gives them (topped up here: a test database flushed by
    another test keeps no migration data)."""
    ensure_template_keepers()
    physician = make_provider("cms.physician", Discipline.PAIN_MANAGEMENT)
    editor = make_user("cms.editor")
    editor.groups.add(Group.objects.get(name=EDITORS))
    return {"physician": physician, "editor": editor}


@pytest.mark.parametrize("who", ["physician", "editor"])
def test_a_physician_and_an_editor_open_and_edit_templates_in_the_admin(client, keepers, who):
    template = make_plan_template()
    client.force_login(keepers[who])
    listing = client.get(LISTING)
    assert listing.status_code == 200
    assert template.title in listing.content.decode()
    assert client.get(edit_url(template)).status_code == 200
    revisions = template.revisions.count()

    response = client.post(edit_url(template), edit_post(template))
    assert response.status_code == 302, response.content.decode()[:2000]
    template.refresh_from_db()
    # Saved as a new draft revision: the live content, which plans copy, is unchanged.
    assert template.revisions.count() == revisions + 1
    assert template.has_unpublished_changes
    assert template.flare_day_one == FLARE_DAY_ONE
    assert template.latest_revision.as_object().flare_day_one == "A new first day."


def test_only_a_physician_may_publish_a_template(keepers):
    assert keepers["physician"].has_perm("plantemplates.publish_plantemplate")
    assert not keepers["editor"].has_perm("plantemplates.publish_plantemplate")
    assert keepers["editor"].has_perm("plantemplates.change_plantemplate")


def test_a_physician_publishes_from_the_admin(client, keepers):
    template = make_plan_template()
    client.force_login(keepers["physician"])
    response = client.post(edit_url(template), edit_post(template, **{"action-publish": "on"}))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.flare_day_one == "A new first day."
    assert not template.has_unpublished_changes


def test_an_editors_publish_is_not_applied(client, keepers):
    template = make_plan_template()
    client.force_login(keepers["editor"])
    client.post(edit_url(template), edit_post(template, **{"action-publish": "on"}))
    template.refresh_from_db()
    assert template.flare_day_one == FLARE_DAY_ONE


@pytest.mark.parametrize("who", ["physical_therapist", "patient"])
def test_other_providers_and_patients_reach_no_template_in_the_admin(client, keepers, who):
    template = make_plan_template()
    user = (
        make_provider("cms.physio", Discipline.PHYSICAL_THERAPY)
        if who == "physical_therapist"
        else make_user("cms.patient")
    )
    client.force_login(user)
    for response in (
        client.get(LISTING),
        client.get(edit_url(template)),
        client.post(edit_url(template), edit_post(template)),
    ):
        assert response.status_code in (302, 403)
        assert template.title not in response.content.decode()
    template.refresh_from_db()
    assert template.revisions.count() == 1
    assert template.flare_day_one == FLARE_DAY_ONE


def test_a_template_with_a_discipline_twice_is_refused(keepers):
    template = make_plan_template()
    template.sections = [
        ("section", {"discipline": Discipline.PHYSICAL_THERAPY}),
        ("section", {"discipline": Discipline.PHYSICAL_THERAPY}),
    ]
    with pytest.raises(ValidationError, match="one section only"):
        template.full_clean()


def test_the_migration_gives_pain_management_physicians_and_editors_their_rights(db):
    """Without the seeder: a physician whose profile is saved holds the rights at once."""
    physician = make_provider("cms.newdoctor", Discipline.PAIN_MANAGEMENT)
    assert physician.has_perm("wagtailadmin.access_admin")
    assert physician.has_perm("plantemplates.publish_plantemplate")
    editors = Group.objects.get(name=EDITORS).permissions
    assert editors.filter(codename="change_plantemplate").exists()
    assert not editors.filter(codename="publish_plantemplate").exists()
    therapist = make_provider("cms.newtherapist", Discipline.PHYSICAL_THERAPY)
    assert not therapist.has_perm("plantemplates.change_plantemplate")
