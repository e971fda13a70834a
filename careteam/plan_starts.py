"""Other ways to start a care plan than the empty form, offered by other apps.

How to use it: from your app's ``AppConfig.ready()``, register the page that starts a plan
your way (it must ask the policy itself: ``PatientAction.START_PLAN``)::

    from careteam.plan_starts import register_plan_start

    register_plan_start(
        "plantemplates:start",
        label="Start from a template",
        description="goals, activities, precautions, flare plan and reading to edit from",
    )

The dashboard and the start-a-plan page list them, beside their own button, for those who
may start plans; careteam never names another app's pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PlanStart:
    url_name: str
    label: str  # the button's words
    description: str  # what it starts the plan with, in a few words

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_registered: dict[str, PlanStart] = {}


def register_plan_start(url_name: str, *, label: str, description: str) -> None:
    """Offer the page ``url_name`` as a way to start a plan; registering it again replaces it."""
    _registered[url_name] = PlanStart(url_name, label, description)


def unregister_plan_start(url_name: str) -> None:
    _registered.pop(url_name, None)


def plan_starts() -> list[PlanStart]:
    """The registered ways, in the order registered."""
    return list(_registered.values())
