"""The patient's pages, mounted at /my/."""

from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from .views import (
    flares,
    follow_ups,
    my,
    record_views,
    reminders,
    todo,
    welcome,
    whole_record,
)

app_name = "patientportal"

urlpatterns = [
    path("", todo.home, name="home"),
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
    path("follow-ups/<id:follow_up_id>/", follow_ups.follow_up, name="follow-up"),
    path("reminders/", reminders.my_reminders, name="reminders"),
    # The reminder email's unsubscribe links (no login): a page that asks, and where a
    # mail program posts RFC 8058's one-click unsubscribe (see views/reminders.py).
    path("reminders/unsubscribe/<str:token>/", reminders.unsubscribe_page, name="unsubscribe"),
    path(
        "reminders/unsubscribe/<str:token>/one-click/",
        reminders.unsubscribe_one_click,
        name="unsubscribe-one-click",
    ),
    path("record-views/", record_views.my_record_views, name="record-views"),
    path("record/", whole_record.my_record, name="record"),
    # The emailed one-time link; it puts its token in the session and redirects to the
    # same pattern with "set-password" in place of the token (see views/welcome.py).
    path("welcome/<uidb64>/<token>/", welcome.welcome, name="welcome"),
]
