import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from audit.models import AuditEvent
from careteam.demo import seed_care_teams
from careteam.models import (
    Activity,
    CarePlan,
    CareTeamMembership,
    Goal,
    Patient,
    Precaution,
    PrivateNote,
    Provider,
    TeamNote,
)
from careteam.policy import ON_CALL_GROUP
from portal.models import ContraindicationTag

COUNTED = (
    Provider,
    Patient,
    CarePlan,
    CareTeamMembership,
    Precaution,
    Goal,
    Activity,
    TeamNote,
    PrivateNote,
    AuditEvent,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.mark.django_db
def test_seeder_is_idempotent_and_returns_the_provider_logins():
    logins = seed_care_teams(io.StringIO())
    first = counts()
    assert seed_care_teams(io.StringIO()) == logins
    assert counts() == first
    assert [username for username, _ in logins] == ["dr.lee", "pt.morgan", "mh.rivera", "dr.shah"]
    assert first["Patient"] == 2 and first["CarePlan"] == 2
    assert not get_user_model().objects.filter(username__in=["alex", "sam"]).exists()


@pytest.mark.django_db
def test_seeded_teams_match_the_story():
    tag = ContraindicationTag.objects.create(name="Deep stretching", slug="deep-stretching")
    seed_care_teams(io.StringIO())
    alex = CarePlan.objects.get(patient__family_name="Rivera-Kim")
    sam = CarePlan.objects.get(patient__family_name="Ortiz")
    team = dict(alex.memberships.active().values_list("user__username", "role"))
    assert team == {"dr.lee": "lead", "pt.morgan": "physical_therapy", "mh.rivera": "mental_health"}
    assert dict(sam.memberships.active().values_list("user__username", "role")) == {
        "dr.lee": "lead"
    }
    assert not CareTeamMembership.objects.filter(user__username="dr.shah").exists()
    on_call = (
        get_user_model()
        .objects.filter(groups__name=ON_CALL_GROUP)
        .values_list("username", flat=True)
    )
    assert list(on_call) == ["dr.lee"]
    assert alex.status == "active"
    assert alex.precautions.filter(avoid_tag=tag).exists()
    assert Activity.objects.filter(section__plan=alex, do_not_perform=True).exists()
    assert Activity.objects.filter(section__plan=alex, kind="procedure").exists()
    assert Goal.objects.filter(section__plan=alex, description__icontains="walk 30").exists()
    assert alex.private_notes.count() == 1
    # Written through the services: the history holds the draft → active change.
    assert AuditEvent.objects.for_plan(alex).filter(action="changed").exists()


@pytest.mark.django_db
def test_seed_demo_command_prints_care_team_logins():
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "dr.lee" in out.getvalue() and "dr.shah" in out.getvalue()
