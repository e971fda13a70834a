"""Two demo plan templates, in our own words and fictional: "Hypermobile lower back pain:
stability first" and "After radiofrequency ablation".

Run by ``manage.py seed_demo`` (this app's ``demo_seeder``), after the content seeder whose
articles and contraindications they point to. It adds only what is missing: a template that
exists (edited, unpublished or not) stays as it is; with ``reset`` the two are deleted and
published again. Plans started from them keep what they copied."""

from __future__ import annotations

from typing import Any, TextIO

from wagtail.models import Page

from careteam.models import ActivityKind, Discipline, Procedure
from portal.models import ContraindicationTag

from .keepers import ensure_template_keepers
from .models import PlanTemplate
from .services.keeping import new_template

STABILITY_FIRST = "Hypermobile lower back pain: stability first"
AFTER_RFA = "After radiofrequency ablation"


def goal(description: str, measure: str = "", target: str = "", weeks: int | None = None):
    return {
        "description": description,
        "measure": measure,
        "target": target,
        "due_after_weeks": weeks,
        "visible_to_patient": True,
    }


def activity(kind: str, title: str, schedule: str = "", instructions: str = "", **extra: Any):
    return {
        "kind": kind,
        "title": title,
        "schedule": schedule,
        "instructions": instructions,
        "do_not_perform": extra.get("do_not_perform", False),
        "procedure": extra.get("procedure", ""),
        "after_days": extra.get("after_days"),
        "visible_to_patient": True,
    }


def reading(slug: str, note: str) -> list[dict[str, Any]]:
    page = Page.objects.filter(slug=slug).first()
    return [{"page": page, "note": note}] if page is not None else []


def tag(name: str) -> ContraindicationTag | None:
    return ContraindicationTag.objects.filter(name__iexact=name).first()


def section(discipline: str, goals=(), activities=(), suggested=()) -> tuple[str, dict]:
    return (
        "section",
        {
            "discipline": discipline,
            "goals": list(goals),
            "activities": list(activities),
            "reading": [item for found in suggested for item in found],
        },
    )


def stability_first() -> dict[str, Any]:
    return {
        "title": STABILITY_FIRST,
        "purpose": (
            "Adults with hypermobility spectrum disorder whose low back pain has no red flags. "
            "Twelve weeks: control and endurance before range, pacing, and support for mood."
        ),
        "plan_title": "Stability first",
        "conditions": "Hypermobility spectrum disorder\nChronic low back pain",
        "patient_summary": (
            "Your joints move further than most, so the muscles around your spine have to do "
            "more of the holding. For the next twelve weeks we build that support slowly: "
            "small, steady exercises most days, even pacing on good and bad days, and help "
            "with sleep and worry. Stretching hard is not part of this plan."
        ),
        "flare_day_one": (
            "Keep moving gently: short walks around the house every hour. Use heat for "
            "twenty minutes at a time. Halve your exercises and skip any that hurt more."
        ),
        "flare_day_two": (
            "Add a little more walking. Try the breathing and bracing exercises lying down. "
            "Plan your day in short blocks with rests between them."
        ),
        "flare_day_three": (
            "Go back towards your usual programme, about half of it, and build up over a "
            "week. A flare is a setback, not damage."
        ),
        "flare_when_to_call": (
            "Call the clinic if the flare is not easing after five days, if you need more "
            "pain medicine than agreed, or if you are not sleeping for the pain."
        ),
        "sections": [
            section(
                Discipline.PAIN_MANAGEMENT,
                goals=[
                    goal("Average pain 4 out of 10 or less", "Pain on the 0–10 NRS", "4", 12),
                    goal("Sleep through most nights", "Nights a week", "5 of 7", 8),
                ],
                activities=[
                    activity(
                        ActivityKind.APPOINTMENT,
                        "Review with your pain physician",
                        instructions="We look at how the plan is going and change what "
                        "is not working.",
                        after_days=42,
                    ),
                    activity(
                        ActivityKind.EDUCATION,
                        "Learn how hypermobility affects the back",
                        instructions="Read the article your team assigned, then bring "
                        "your questions.",
                    ),
                ],
                suggested=[
                    reading(
                        "hypermobile-lower-back-pain",
                        "A plain guide to why loose joints make the back work harder.",
                    ),
                    reading("when-to-seek-urgent-care", "Keep this one handy."),
                ],
            ),
            section(
                Discipline.PHYSICAL_THERAPY,
                goals=[
                    goal("Walk 30 minutes without a flare", "Minutes walked", "30", 10),
                    goal("Hold a side plank on the knees for 30 seconds", "Seconds", "30", 8),
                ],
                activities=[
                    activity(
                        ActivityKind.EXERCISE,
                        "Deep core activation lying down",
                        "Daily, 10 minutes",
                        "Breathe out and gently draw your lower tummy in. Hold for ten "
                        "seconds, ten times. Keep your back still.",
                    ),
                    activity(
                        ActivityKind.EXERCISE,
                        "Side-lying hip strengthening",
                        "Every other day",
                        "Lift the top leg a hand's width, slowly, ten times a side. Stop "
                        "before it aches.",
                    ),
                    activity(
                        ActivityKind.EXERCISE,
                        "Deep or end-range stretching",
                        instructions="Stretching to the end of your range strains loose "
                        "joints. Your exercises build control instead.",
                        do_not_perform=True,
                    ),
                ],
                suggested=[
                    reading(
                        "exercise-myths-and-stretching",
                        "Why stretching hard is not the answer for a hypermobile back.",
                    ),
                ],
            ),
            section(
                Discipline.MENTAL_HEALTH,
                goals=[
                    goal("Use pacing on four days a week", "Days a week", "4", 6),
                ],
                activities=[
                    activity(
                        ActivityKind.COPING_STRATEGY,
                        "Pacing with an activity diary",
                        "Daily",
                        "Note what you did and how long. Aim for the same amount on good "
                        "and bad days, then add a little each week.",
                    ),
                ],
                suggested=[
                    reading(
                        "pacing-and-the-boom-bust-cycle",
                        "How to even out good and bad days.",
                    ),
                ],
            ),
        ],
        "precautions": [
            (
                "precaution",
                {
                    "description": "No deep or end-range stretching of the back or hips.",
                    "avoid_tag": tag("Deep stretching"),
                },
            ),
            (
                "precaution",
                {
                    "description": "No running or jumping until your therapist says so.",
                    "avoid_tag": tag("High-impact exercise"),
                },
            ),
        ],
        "questionnaires": [
            ("questionnaire", {"instrument": "peg", "every_days": 14}),
            ("questionnaire", {"instrument": "odi", "every_days": 28}),
        ],
    }


def after_rfa() -> dict[str, Any]:
    return {
        "title": AFTER_RFA,
        "purpose": (
            "The first six weeks after radiofrequency ablation of the lumbar facet joints: "
            "expected soreness, a steady return to activity, and when to call."
        ),
        "plan_title": "Recovery after radiofrequency ablation",
        "conditions": "Facet joint pain, lumbar",
        "patient_summary": (
            "The treatment turns down the signals from the small joints at the back of your "
            "spine. For a week or two the area may feel sore or burn a little: this is "
            "expected and settles. Relief often builds over two to four weeks. Use that "
            "time to get moving again, a step at a time."
        ),
        "red_flag_guidance": (
            "Go to the emergency department at once if you have a fever with a red, hot or "
            "swollen injection site, or new weakness in your legs."
        ),
        "flare_day_one": (
            "Soreness where the needles went in is expected in the first two weeks. Use an "
            "ice pack wrapped in a cloth for fifteen minutes at a time, and rest for a few "
            "hours, not a whole day."
        ),
        "flare_day_two": (
            "Walk for five to ten minutes every few hours. Keep taking your usual medicine."
        ),
        "flare_day_three": (
            "Return to the level of activity you had reached before the flare, then build "
            "up again by a little each day."
        ),
        "flare_when_to_call": (
            "Call the clinic if soreness is getting worse after the first week, if a "
            "burning or numb patch of skin is spreading, or if you have no relief at all "
            "after four weeks."
        ),
        "sections": [
            section(
                Discipline.PAIN_MANAGEMENT,
                goals=[
                    goal(
                        "Half your usual back pain or less",
                        "Relief compared with before the treatment",
                        "50% or more",
                        6,
                    ),
                ],
                activities=[
                    activity(
                        ActivityKind.PROCEDURE,
                        "Radiofrequency ablation of the lumbar facet joints",
                        instructions="Mark it done with the day it was done: you are then "
                        "asked how much it helped.",
                        procedure=Procedure.RADIOFREQUENCY_ABLATION,
                    ),
                    activity(
                        ActivityKind.APPOINTMENT,
                        "Follow-up with your pain physician",
                        instructions="We check your relief and agree the next steps.",
                        after_days=42,
                    ),
                ],
                suggested=[
                    reading(
                        "radiofrequency-ablation",
                        "What the treatment does and what recovery is like.",
                    ),
                    reading("when-to-seek-urgent-care", "Keep this one handy."),
                ],
            ),
            section(
                Discipline.PHYSICAL_THERAPY,
                goals=[
                    goal("Back to your usual walking", "Minutes walked a day", "30", 4),
                ],
                activities=[
                    activity(
                        ActivityKind.EXERCISE,
                        "Short walks",
                        "Week 1: 5–10 minutes, three times a day",
                        "Add a couple of minutes each day if the soreness allows.",
                    ),
                    activity(
                        ActivityKind.EXERCISE,
                        "Gentle core and hip exercises",
                        "From week 2, daily",
                        "Restart your home programme at half your usual amount and build "
                        "up over two weeks.",
                        after_days=7,
                    ),
                    activity(
                        ActivityKind.EXERCISE,
                        "Heavy lifting or twisting under load",
                        instructions="Not for the first two weeks, while the area settles.",
                        do_not_perform=True,
                    ),
                ],
            ),
        ],
        "precautions": [
            (
                "precaution",
                {
                    "description": "No heavy lifting for two weeks after the treatment.",
                    "avoid_tag": tag("Heavy lifting"),
                },
            ),
        ],
        "questionnaires": [
            ("questionnaire", {"instrument": "peg", "every_days": 7}),
        ],
    }


DEMO_TEMPLATES = (stability_first, after_rfa)


def seed_plan_templates(stdout: TextIO, *, reset: bool = False) -> list[tuple[str, str]]:
    ensure_template_keepers()
    for build in DEMO_TEMPLATES:
        fields = build()
        existing = PlanTemplate.objects.filter(title=fields["title"])
        if reset:
            existing.delete()
        elif existing.exists():
            stdout.write(f"Plan template “{fields['title']}”: kept as it is.\n")
            continue
        new_template(**fields)
        stdout.write(f"Plan template “{fields['title']}”: published.\n")
    return []
