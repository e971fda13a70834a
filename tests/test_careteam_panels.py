"""careteam's extension point for other apps' panels on the plan page and the dashboard, and
the one-way dependency it keeps: careteam never names the patient portal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import format_html

from careteam import panels
from careteam.panels import DashboardPage, PlanPage
from patientportal.models import RedFlag, RedFlagAlert
from patientportal.services.checkins import record_check_in
from tests.careteam_fixtures import UiTeam

CARETEAM_DIR = Path(settings.BASE_DIR) / "careteam"
# A small template a test panel draws its context with: the site's messages include.
PANEL_TEMPLATE = "core/includes/messages.html"


@dataclass(frozen=True)
class PanelMessage:
    """What the messages include draws: its text and its level's tag."""

    text: str
    level_tag: str = "test"

    def __str__(self) -> str:
        return self.text


HUGE_ID = "9" * 30


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@dataclass
class SeenPanels:
    """What the test panels were handed, one entry per rendering."""

    plan_pages: list[PlanPage] = field(default_factory=list)
    dashboard_pages: list[DashboardPage] = field(default_factory=list)


@pytest.fixture
def extra_panels() -> Iterator[SeenPanels]:
    """A test plan panel and dashboard panel, registered for one test only."""
    before = (panels.plan_panels.names(), panels.dashboard_panels.names())
    seen = SeenPanels()

    def plan_panel(page: PlanPage) -> str:
        seen.plan_pages.append(page)
        return format_html('<p class="test-plan-panel">Test panel for plan {}</p>', page.plan.pk)

    def dashboard_panel(page: DashboardPage) -> dict:
        seen.dashboard_pages.append(page)
        return {"messages": [PanelMessage("Test dashboard panel")]}

    panels.register_plan_panel("test-plan-panel", plan_panel)
    panels.register_dashboard_panel(
        "test-dashboard-panel",
        template=PANEL_TEMPLATE,
        context=dashboard_panel,
    )
    yield seen
    panels.unregister_plan_panel("test-plan-panel")
    panels.unregister_dashboard_panel("test-dashboard-panel")
    assert (panels.plan_panels.names(), panels.dashboard_panels.names()) == before


def test_no_file_under_careteam_mentions_the_patient_portal():
    offenders = []
    for path in CARETEAM_DIR.rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if "patientportal" in text.lower():
            offenders.append(str(path.relative_to(CARETEAM_DIR)))
    assert offenders == [], f"careteam must not name patientportal: {offenders}"


@pytest.mark.django_db
def test_a_registered_panel_appears_on_the_plan_page_with_the_rights_already_read(
    ui_team: UiTeam, extra_panels: SeenPanels
):
    client = client_for(ui_team.team.contributor)
    html = page_html(client, reverse("careteam:plan-detail", args=[ui_team.plan.pk]))
    assert f'<p class="test-plan-panel">Test panel for plan {ui_team.plan.pk}</p>' in html
    [page] = extra_panels.plan_pages
    assert page.plan.pk == ui_team.plan.pk
    assert page.user == ui_team.team.contributor
    assert isinstance(page.codenames, frozenset) and "view_careplan" in page.codenames
    assert "manage_team" not in page.codenames  # the contributor's rights, not the lead's


@pytest.mark.django_db
def test_a_registered_panel_appears_on_the_dashboard(ui_team: UiTeam, extra_panels: SeenPanels):
    html = page_html(client_for(ui_team.team.lead), reverse("careteam:dashboard"))
    assert '<p class="message message--test">Test dashboard panel</p>' in html
    [page] = extra_panels.dashboard_pages
    assert page.user == ui_team.team.lead


@pytest.mark.django_db
def test_an_unregistered_panel_does_not_appear(ui_team: UiTeam, extra_panels: SeenPanels):
    panels.unregister_plan_panel("test-plan-panel")
    panels.unregister_dashboard_panel("test-dashboard-panel")
    client = client_for(ui_team.team.lead)
    plan_html = page_html(client, reverse("careteam:plan-detail", args=[ui_team.plan.pk]))
    dashboard_html = page_html(client, reverse("careteam:dashboard"))
    assert "test-plan-panel" not in plan_html
    assert "Test dashboard panel" not in dashboard_html
    assert extra_panels.plan_pages == extra_panels.dashboard_pages == []


@pytest.mark.django_db
def test_a_panel_with_nothing_to_show_is_left_out(ui_team: UiTeam):
    request = RequestFactory().get("/care/")
    request.user = ui_team.team.outsider
    panels.register_plan_panel("test-empty", lambda page: "")
    panels.register_dashboard_panel("test-none", template=PANEL_TEMPLATE, context=lambda page: None)
    try:
        plan_panels = panels.render_plan_panels(request, ui_team.plan, frozenset())
        dashboard_panels = panels.render_dashboard_panels(request)
    finally:
        panels.unregister_plan_panel("test-empty")
        panels.unregister_dashboard_panel("test-none")
    # Nor does the portal show anything to someone with no rights and no alerts.
    assert plan_panels == dashboard_panels == []


@pytest.mark.django_db
def test_a_panel_that_reads_nothing_adds_no_query_to_the_plan_page(ui_team: UiTeam):
    client = client_for(ui_team.team.lead)
    url = reverse("careteam:plan-detail", args=[ui_team.plan.pk])
    page_html(client, url)  # warm caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page_html(client, url)
        return len(captured)

    without = queries()
    panels.register_plan_panel("test-rights", lambda page: ", ".join(sorted(page.codenames)))
    try:
        with_panel = queries()
    finally:
        panels.unregister_plan_panel("test-rights")
    assert with_panel == without


@pytest.mark.django_db
def test_a_panel_at_the_alerts_place_comes_first_and_is_listed_in_the_contents(ui_team: UiTeam):
    panels.register_plan_panel(
        "test-urgent",
        lambda page: format_html('<section><h2 id="test-urgent">{}</h2></section>', "Act now"),
        place=panels.PlanPlace.ALERTS,
        anchor="test-urgent",
        label="Act now",
    )
    panels.register_plan_panel("test-unlisted", lambda page: "<p>Unlisted test panel</p>")
    try:
        client = client_for(ui_team.team.lead)
        html = page_html(client, reverse("careteam:plan-detail", args=[ui_team.plan.pk]))
    finally:
        panels.unregister_plan_panel("test-urgent")
        panels.unregister_plan_panel("test-unlisted")
    urgent = html.index('<h2 id="test-urgent">Act now</h2>')
    contents = html.index('id="contents-heading"')
    assert html.index("<h1") < urgent < contents < html.index('id="overview"')
    assert '<li><a href="#test-urgent">Act now</a></li>' in html
    notes, history = html.index('id="team-notes"'), html.index('id="history"')
    assert notes < html.index("Unlisted test panel") < history
    assert "Unlisted test panel</a>" not in html


def test_a_panel_in_the_contents_needs_both_its_anchor_and_its_label():
    registry = panels.PanelRegistry("test")
    with pytest.raises(ValueError):
        registry.register("no-label", lambda page: "", anchor="somewhere")
    with pytest.raises(ValueError):
        registry.register("no-anchor", lambda page: "", label="Somewhere")
    assert registry.names() == []


def test_panels_appear_by_order_then_in_the_order_registered():
    registry = panels.PanelRegistry("test")
    registry.register("late", lambda page: "late", order=200)
    registry.register("first", lambda page: "first", order=10)
    registry.register("second", lambda page: "second", order=10)
    registry.register("plain", lambda page: "<b>plain</b>")
    assert registry.names() == ["first", "second", "plain", "late"]
    rendered = registry.render(object())
    assert [panel.html for panel in rendered] == [
        "first",
        "second",
        "&lt;b&gt;plain&lt;/b&gt;",  # a plain string is escaped
        "late",
    ]


def test_a_panel_needs_either_a_render_function_or_a_template():
    registry = panels.PanelRegistry("test")
    with pytest.raises(ValueError):
        registry.register("neither")
    with pytest.raises(ValueError):
        registry.register("both", lambda page: "", template="careteam/confirm.html")
    with pytest.raises(ValueError):
        registry.register("context-alone", lambda page: "", context=lambda page: {})


@pytest.mark.django_db
def test_the_portal_panel_stays_between_team_notes_and_recent_changes(client, portal_world):
    client.force_login(portal_world.lead)
    html = page_html(client, reverse("careteam:plan-detail", args=[portal_world.plan.pk]))
    notes = html.index('id="team-notes"')
    portal = html.index('id="portal-panel-heading"')
    history = html.index('id="history"')
    assert notes < portal < history
    assert html.count('id="portal-panel-heading"') == 1


@pytest.mark.django_db
def test_red_flag_alerts_stay_above_the_dashboard_search(client, portal_world):
    record_check_in(
        portal_world.patient,
        portal_world.patient_user,
        pain_score=8,
        red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS],
    )
    client.force_login(portal_world.lead)
    html = page_html(client, reverse("careteam:dashboard"))
    lead = html.index("Plans for patients whose care team you are on.")
    alerts = html.index("Alerts waiting (1): red flags and safety answers")
    search = html.index('class="careteam-search"')
    assert lead < alerts < search
    alert = RedFlagAlert.objects.get()
    acknowledge = reverse(
        "patientportal_team:acknowledge-alert", args=[portal_world.plan.pk, alert.pk]
    )
    assert acknowledge in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/care/plans/{HUGE_ID}/portal/invite/",
        f"/care/plans/{HUGE_ID}/portal/revoke/",
        f"/care/plans/{HUGE_ID}/portal/reading/assign/",
        f"/care/plans/{HUGE_ID}/portal/alerts/1/acknowledge/",
        "/care/plans/0/portal/reading/assign/",
        "/care/plans/-1/portal/invite/",
        "/care/plans/1e3/portal/invite/",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_impossible_plan_id_under_the_portal_is_404(
    client, portal_world, path: str, method: str
):
    client.force_login(portal_world.lead)
    client.raise_request_exception = False
    assert getattr(client, method)(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_impossible_alert_id_on_a_real_plan_is_404(client, portal_world, method: str):
    client.force_login(portal_world.lead)
    client.raise_request_exception = False
    for alert_id in (HUGE_ID, "0"):
        path = f"/care/plans/{portal_world.plan.pk}/portal/alerts/{alert_id}/acknowledge/"
        assert getattr(client, method)(path).status_code == 404
