"""/fhir/: the FHIR R4 server (``fhir_server.api``)."""

from django.urls import path

from .api import api

urlpatterns = [path("", api.urls)]
