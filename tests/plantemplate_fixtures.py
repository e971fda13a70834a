"""Plan templates for tests, built and published as the admin does it (``publish_template``),
and a world to start plans from them: the domain helper's care team, the site tree, a page
safe to assign and one the template's precaution rules out."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from careteam.models import ActivityKind, Discipline
from plantemplates.models import PlanTemplate
from plantemplates.services.keeping import new_template
from portal.models import ContraindicationTag
from tests.careteam_domain_fixtures import CareTeam
from tests.patient_fixtures import contraindication
from tests.portal_fixtures import make_article

TEMPLATE_TITLE = "Stability first (test)"
GOAL_TEXT = "Hold a side plank on the knees for 30 seconds"
ACTIVITY_TEXT = "Deep core activation lying down"
MIND_GOAL_TEXT = "Use pacing on four days a week"
PRECAUTION_TEXT = "No deep or end-range stretching."
FLARE_DAY_ONE = "Short walks every hour; heat for twenty minutes."


def goal(description: str, weeks: int | None = None) -> dict:
    return {
        "description": description,
        "measure": "Seconds",
        "target": "30",
        "due_after_weeks": weeks,
        "visible_to_patient": True,
    }


def activity(title: str, *, after_days: int | None = None, do_not: bool = False) -> dict:
    return {
        "kind": ActivityKind.EXERCISE,
        "title": title,
        "schedule": "Daily",
        "instructions": "Slowly, and stop before it aches.",
        "do_not_perform": do_not,
        "procedure": "",
        "after_days": after_days,
        "visible_to_patient": True,
    }


def template_fields(
    title: str = TEMPLATE_TITLE,
    *,
    pages=(),
    tag: ContraindicationTag | None = None,
    extra_goals: int = 0,
) -> dict:
    """A template with a physical-therapy and a mental-health section (``extra_goals`` more
    goals in each), ``pages`` as the physical therapist's suggested reading, a precaution
    ruling out ``tag``, a flare plan and two questionnaires."""
    more = [goal(f"Extra goal {n}") for n in range(extra_goals)]
    return {
        "title": title,
        "purpose": "Hypermobile backs without red flags.",
        "plan_title": "Stability first",
        "conditions": "Hypermobility spectrum disorder",
        "patient_summary": "Control before range, and even pacing.",
        "flare_day_one": FLARE_DAY_ONE,
        "flare_day_two": "Add a little more walking.",
        "flare_day_three": "Half the programme, building up over a week.",
        "flare_when_to_call": "Not easing after five days.",
        "sections": [
            (
                "section",
                {
                    "discipline": Discipline.PHYSICAL_THERAPY,
                    "goals": [goal(GOAL_TEXT, weeks=8), *more],
                    "activities": [
                        activity(ACTIVITY_TEXT, after_days=3),
                        activity("End-range stretching", do_not=True),
                    ],
                    "reading": [{"page": page, "note": "Worth a read."} for page in pages],
                },
            ),
            (
                "section",
                {
                    "discipline": Discipline.MENTAL_HEALTH,
                    "goals": [goal(MIND_GOAL_TEXT), *more],
                    "activities": [],
                    "reading": [],
                },
            ),
        ],
        "precautions": [("precaution", {"description": PRECAUTION_TEXT, "avoid_tag": tag})],
        "questionnaires": [
            ("questionnaire", {"instrument": "peg", "every_days": 14}),
            ("questionnaire", {"instrument": "odi", "every_days": 28}),
        ],
    }


def make_plan_template(title: str = TEMPLATE_TITLE, **options) -> PlanTemplate:
    """A published template (an existing one with this title is returned as it is)."""
    existing = PlanTemplate.objects.filter(title=title).first()
    return existing or new_template(**template_fields(title, **options))


@dataclass
class TemplateWorld:
    team: CareTeam
    template: PlanTemplate
    safe_page: object
    clashing_page: object
    stretching: ContraindicationTag


@pytest.fixture
def template_world(care_team: CareTeam, site_tree) -> TemplateWorld:
    stretching = contraindication("Deep stretching")
    safe = make_article(site_tree.articles, "Pacing basics")
    clashing = make_article(site_tree.articles, "Yoga for loose joints")
    clashing.contraindications.set([stretching])
    clashing.save_revision().publish()
    template = make_plan_template(pages=[safe, clashing], tag=stretching)
    return TemplateWorld(care_team, template, safe, clashing, stretching)
