"""The clinic's red-flag alerts for whoever is on call, mounted at /care/alerts/ (beside
careteam's provider pages, so tests/test_careteam_matrix.py lists it)."""

from django.urls import path

from .views import on_call

app_name = "patientportal_on_call"

urlpatterns = [
    path("", on_call.alerts, name="alerts"),
]
