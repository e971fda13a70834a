"""The patient's pages, mounted at /my/."""

from django.urls import path
from django.views.generic import RedirectView

from .views import my, record_views, welcome, whole_record

app_name = "patientportal"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="patientportal:plan"), name="home"),
    path("plan/", my.my_plan, name="plan"),
    path("plan/<int:plan_id>/", my.my_plan, name="plan-detail"),
    path("reading/", my.my_reading, name="reading"),
    path("reading/<int:assignment_id>/feedback/", my.reading_feedback, name="reading-feedback"),
    path("check-in/", my.check_in, name="check-in"),
    path("check-in/<int:check_in_id>/urgent/", my.check_in_urgent, name="check-in-urgent"),
    path("odi/", my.odi, name="odi"),
    path("record-views/", record_views.my_record_views, name="record-views"),
    path("record/", whole_record.my_record, name="record"),
    # The emailed one-time link; it puts its token in the session and redirects to the
    # same pattern with "set-password" in place of the token (see views/welcome.py).
    path("welcome/<uidb64>/<token>/", welcome.welcome, name="welcome"),
]
