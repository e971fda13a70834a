"""The patient's pages, mounted at /my/."""

from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from .views import flares, my, record_views, welcome, whole_record

app_name = "patientportal"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="patientportal:plan"), name="home"),
    path("plan/", my.my_plan, name="plan"),
    path("plan/<int:plan_id>/", my.my_plan, name="plan-detail"),
    path("reading/", my.my_reading, name="reading"),
    path("reading/<int:assignment_id>/feedback/", my.reading_feedback, name="reading-feedback"),
    path("check-in/", my.check_in, name="check-in"),
    path("check-in/<int:check_in_id>/urgent/", my.check_in_urgent, name="check-in-urgent"),
    path("questionnaires/<slug:code>/", my.questionnaire, name="questionnaire"),
    path(
        "questionnaires/results/<int:result_id>/support/",
        my.questionnaire_support,
        name="questionnaire-support",
    ),
    # The ODI's page before every questionnaire had one (bookmarks, old emails).
    path(
        "odi/",
        RedirectView.as_view(
            url=reverse_lazy("patientportal:questionnaire", kwargs={"code": "odi"}),
            permanent=True,
        ),
        name="odi-moved",
    ),
    path("flare/", flares.my_flare, name="flare"),
    path("flare/start/", flares.flare_start, name="flare-start"),
    path("flare/end/", flares.flare_end, name="flare-end"),
    path("record-views/", record_views.my_record_views, name="record-views"),
    path("record/", whole_record.my_record, name="record"),
    # The emailed one-time link; it puts its token in the session and redirects to the
    # same pattern with "set-password" in place of the token (see views/welcome.py).
    path("welcome/<uidb64>/<token>/", welcome.welcome, name="welcome"),
]
