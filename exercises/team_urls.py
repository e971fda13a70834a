"""The team's programme pages, mounted at /care/plans/<plan_id>/programme/. Ids use
careteam's ``<id:...>`` converter; tests/test_careteam_matrix.py lists each with who may
use it."""

from django.urls import path

from careteam import converters  # noqa: F401  (registers <id:...>)

from .views import team

app_name = "exercises_team"

urlpatterns = [
    path("", team.programme, name="programme"),
    path("add/", team.add, name="add"),
    path("exercises/<id:exercise_id>/dose/", team.change, name="change-dose"),
    path("exercises/<id:exercise_id>/stop/", team.stop, name="stop"),
    path("print/", team.print_programme, name="print"),
]
