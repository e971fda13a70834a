from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The site shell: base templates and error pages, logging in and out, the navigation
    built from the areas other apps register (core.areas), robots.txt, the request
    safeguards and the seed_demo command."""

    name = "core"
    verbose_name = "Site shell"
