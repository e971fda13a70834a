from django.apps import AppConfig

from careteam.plan_starts import register_plan_start


class PlanTemplatesConfig(AppConfig):
    name = "plantemplates"
    verbose_name = "Plan templates"
    # Run by `manage.py seed_demo` after the content, care-team and patient seeders
    # (INSTALLED_APPS order): the templates link to the demo's articles and contraindications.
    demo_seeder = "plantemplates.demo.seed_plan_templates"

    def ready(self) -> None:
        register_plan_start(
            "plantemplates:start",
            label="Start from a template",
            description="goals, activities, precautions, flare plan and reading to edit from",
        )
