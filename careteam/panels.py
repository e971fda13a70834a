"""Panels other apps add to the care team's plan page and dashboard.

How to use it: from your app's ``AppConfig.ready()``, register a panel by name, either as a
template with a function that builds its context, or as a function that returns HTML::

    from careteam.panels import register_dashboard_panel, register_plan_panel

    def reminders(page: PlanPage) -> dict | None:
        if "view_careplan" not in page.codenames:
            return None  # nothing to show
        return {"reminders": load_reminders(page.plan)}

    register_plan_panel("reminders", template="myapp/reminders.html", context=reminders)
    register_dashboard_panel("inbox", render=lambda page: render_inbox(page.request))

A plan panel gets a ``PlanPage``: the request, the plan, the user's permission codenames
on it and the patient-level actions they may take (inviting the patient, say) as the view
already read them, so a panel never reads rights again. Panels of one app that show parts
of the same rows read them once per page with ``page.read_once(key, read)``. It appears at one
of the plan page's ``PlanPlace``s: ``MAIN`` (the default, between the team notes and the
history) or ``ALERTS`` (at the top, above the overview: what the team must act on now). A
plan panel that names the ``anchor`` (the id of its heading) and a ``label`` is listed in
the page's contents. A dashboard
panel gets a ``DashboardPage`` (the request). A context builder returning ``None``, or a
render function returning an empty string, shows nothing. Templates are rendered with the
request (``csrf_token`` and ``request`` are there). Plain strings from a render function
are escaped; return ``SafeString`` (e.g. from ``render_to_string``) for markup.

Panels appear in ``order`` (lower first, then in the order registered) at the place each
careteam page keeps for them. Registering a name again replaces that panel;
``unregister_plan_panel`` / ``unregister_dashboard_panel`` take one away. careteam's views
call ``render_plan_panels`` and ``render_dashboard_panels`` and hand the templates a list
of ``RenderedPanel`` (``{% for panel in plan_panels %}{{ panel.html }}{% endfor %}``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from careteam.models import CarePlan
from careteam.policy import PatientAction

DEFAULT_ORDER = 100
Read = TypeVar("Read")


class PlanPlace(StrEnum):
    """Where on the plan page a panel appears."""

    ALERTS = "alerts"  # at the top, above the overview
    MAIN = "main"  # between the team notes and the history


@dataclass(frozen=True)
class PlanPage:
    """What a plan panel is rendered for."""

    request: HttpRequest
    plan: CarePlan
    codenames: frozenset[str]
    # None: not read yet (a panel that needs them asks the policy).
    patient_actions: frozenset[PatientAction] | None = None
    _reads: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def user(self) -> Any:
        return self.request.user

    def read_once(self, key: str, read: Callable[[], Read]) -> Read:
        """``read()``'s answer, read at most once for this page: for an app's panels that
        show parts of the same rows (key it with the app's label)."""
        if key not in self._reads:
            self._reads[key] = read()
        return self._reads[key]


@dataclass(frozen=True)
class DashboardPage:
    """What a dashboard panel is rendered for."""

    request: HttpRequest

    @property
    def user(self) -> Any:
        return self.request.user


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    html: SafeString
    place: str = PlanPlace.MAIN
    # The id of the panel's heading and the words for it in the page's contents ("" for a
    # panel the contents leave out).
    anchor: str = ""
    label: str = ""


Page = TypeVar("Page", PlanPage, DashboardPage)


@dataclass(frozen=True)
class Panel(Generic[Page]):
    name: str
    order: int
    render: Callable[[Page], str]
    place: str = PlanPlace.MAIN
    anchor: str = ""
    label: str = ""


class PanelRegistry(Generic[Page]):
    """The panels of one careteam page, by name."""

    def __init__(self, page: str) -> None:
        self.page = page
        self._panels: dict[str, Panel[Page]] = {}
        self._sequence: dict[str, int] = {}
        self._registered = 0

    def register(
        self,
        name: str,
        render: Callable[[Page], str] | None = None,
        *,
        template: str | None = None,
        context: Callable[[Page], Mapping[str, Any] | None] | None = None,
        order: int = DEFAULT_ORDER,
        place: str = PlanPlace.MAIN,
        anchor: str = "",
        label: str = "",
    ) -> None:
        if (render is None) == (template is None):
            raise ValueError(f"{self.page} panel {name!r}: give either render or template.")
        if context is not None and template is None:
            raise ValueError(f"{self.page} panel {name!r}: context goes with a template.")
        if template is not None:
            render = _template_renderer(template, context)
        if bool(anchor) != bool(label):
            raise ValueError(f"{self.page} panel {name!r}: the contents need anchor and label.")
        self._panels[name] = Panel(
            name=name, order=order, render=render, place=place, anchor=anchor, label=label
        )
        if name not in self._sequence:
            self._registered += 1
            self._sequence[name] = self._registered

    def unregister(self, name: str) -> None:
        self._panels.pop(name, None)
        self._sequence.pop(name, None)

    def names(self) -> list[str]:
        """The registered panels' names, in the order they appear."""
        return [panel.name for panel in self._ordered()]

    def render(self, page: Page) -> list[RenderedPanel]:
        """Every panel's HTML for ``page``; panels with nothing to show are left out."""
        rendered = []
        for panel in self._ordered():
            html = conditional_escape(panel.render(page) or "")
            if html.strip():
                rendered.append(
                    RenderedPanel(
                        name=panel.name,
                        html=html,
                        place=panel.place,
                        anchor=panel.anchor,
                        label=panel.label,
                    )
                )
        return rendered

    def _ordered(self) -> list[Panel[Page]]:
        return sorted(self._panels.values(), key=lambda p: (p.order, self._sequence[p.name]))


def _template_renderer(
    template: str, context: Callable[[Any], Mapping[str, Any] | None] | None
) -> Callable[[Any], str]:
    def render(page: PlanPage | DashboardPage) -> str:
        values = {} if context is None else context(page)
        if values is None:
            return ""
        return render_to_string(template, dict(values), request=page.request)

    return render


plan_panels: PanelRegistry[PlanPage] = PanelRegistry("plan")
dashboard_panels: PanelRegistry[DashboardPage] = PanelRegistry("dashboard")


def register_plan_panel(
    name: str,
    render: Callable[[PlanPage], str] | None = None,
    *,
    template: str | None = None,
    context: Callable[[PlanPage], Mapping[str, Any] | None] | None = None,
    order: int = DEFAULT_ORDER,
    place: PlanPlace = PlanPlace.MAIN,
    anchor: str = "",
    label: str = "",
) -> None:
    """Add a panel to every plan page (``/care/plans/<id>/``), at ``place``; listed in the
    page's contents as ``label``, linking to ``anchor`` (its heading's id), if given."""
    plan_panels.register(
        name,
        render,
        template=template,
        context=context,
        order=order,
        place=place,
        anchor=anchor,
        label=label,
    )


def register_dashboard_panel(
    name: str,
    render: Callable[[DashboardPage], str] | None = None,
    *,
    template: str | None = None,
    context: Callable[[DashboardPage], Mapping[str, Any] | None] | None = None,
    order: int = DEFAULT_ORDER,
) -> None:
    """Add a panel to the dashboard (``/care/``)."""
    dashboard_panels.register(name, render, template=template, context=context, order=order)


def unregister_plan_panel(name: str) -> None:
    plan_panels.unregister(name)


def unregister_dashboard_panel(name: str) -> None:
    dashboard_panels.unregister(name)


def render_plan_panels(
    request: HttpRequest,
    plan: CarePlan,
    codenames: frozenset[str],
    patient_actions: frozenset[PatientAction] | None = None,
) -> list[RenderedPanel]:
    """The plan page's panels, given the user's permission codenames on ``plan`` and the
    patient-level actions they may take."""
    page = PlanPage(
        request=request, plan=plan, codenames=codenames, patient_actions=patient_actions
    )
    return plan_panels.render(page)


def render_dashboard_panels(request: HttpRequest) -> list[RenderedPanel]:
    return dashboard_panels.render(DashboardPage(request=request))
