from django.apps import AppConfig


class PatientPortalConfig(AppConfig):
    name = "patientportal"
    verbose_name = "Patient portal"
