"""The care team's patient-portal actions, mounted at /care/plans/<plan_id>/portal/. Ids use
careteam's ``<id:...>`` converter (careteam.converters): too long to be an id is a 404."""

from django.urls import path

from .views import procedures, schedules, team, team_reading

app_name = "patientportal_team"

urlpatterns = [
    path("invite/", team.invite, name="invite"),
    path("revoke/", team.revoke, name="revoke"),
    path("reading/", team_reading.plan_reading, name="reading"),
    path("reading/assign/", team.assign, name="assign-reading"),
    path("alerts/<id:alert_id>/acknowledge/", team.acknowledge, name="acknowledge-alert"),
    path("procedures/", procedures.procedure_response, name="procedures"),
    path("questionnaires/", schedules.schedules, name="questionnaire-schedules"),
    path("questionnaires/<id:schedule_id>/", schedules.change, name="questionnaire-schedule"),
    path(
        "questionnaires/<id:schedule_id>/stop/",
        schedules.stop,
        name="questionnaire-schedule-stop",
    ),
]
