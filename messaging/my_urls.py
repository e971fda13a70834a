"""The patient's messages, under /my/messages/ (config/urls.py)."""

from django.urls import path

from careteam import converters  # noqa: F401  (registers <id:...>)

from .views import patient

app_name = "messaging"

urlpatterns = [
    path("", patient.my_messages, name="messages"),
    path("<id:thread_id>/", patient.my_thread, name="thread"),
]
