"""The team's messages on a plan, under /care/plans/<id>/messages/ (config/urls.py)."""

from django.urls import path

from careteam import converters  # noqa: F401  (registers <id:...>)

from .views import team

app_name = "messaging_team"

urlpatterns = [
    path("", team.plan_messages, name="messages"),
    path("<id:thread_id>/", team.plan_thread, name="thread"),
]
