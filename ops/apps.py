from django.apps import AppConfig


class OpsConfig(AppConfig):
    """``/healthz`` (the process answers) and ``/readyz`` (the database, the cache and the
    task queues it depends on, and how long the oldest urgent task has waited), for
    supervisors, load balancers and monitoring."""

    name = "ops"
    verbose_name = "Operations"
