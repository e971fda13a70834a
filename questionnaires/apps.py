from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    """No models: the app is here so Django finds its form template."""

    name = "questionnaires"
    verbose_name = "Questionnaires"
