"""Under /accounts/ beside core's login, logout and after-login: "Your account" (the page
itself), password reset and change, and the signed-in sessions page. URL names are global
(``account``, Django's ``password_reset`` and ``password_change`` families, ``sessions``),
as Django's views expect."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.account, name="account"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/change/done/", views.password_change_done, name="password_change_done"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/end-others/", views.end_other_sessions, name="sessions-end-others"),
    path("sessions/<int:session_id>/end/", views.end_session, name="session-end"),
]
