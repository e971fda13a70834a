from django.apps import AppConfig


class CareteamConfig(AppConfig):
    name = "careteam"
    verbose_name = "Care teams"
