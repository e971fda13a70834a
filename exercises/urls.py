"""The patient's programme, mounted at /my/programme/."""

from django.urls import path

from .views import patient

app_name = "exercises"

urlpatterns = [
    path("", patient.my_programme, name="programme"),
    path("log/", patient.log_session_view, name="log"),
    path("print/", patient.print_programme, name="print"),
]
