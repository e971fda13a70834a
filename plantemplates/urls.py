"""Plan templates for the care team, mounted at /care/templates/ (tests/test_careteam_matrix.py
lists who may use each)."""

from django.urls import path

from . import views

app_name = "plantemplates"

urlpatterns = [path("", views.start_from_template, name="start")]
