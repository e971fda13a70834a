from django.apps import AppConfig
from django_tasks.signals import task_finished


class JobsConfig(AppConfig):
    """Background tasks that survive: handed to the queue in the transaction of what they
    are about (jobs.handoff), retries with backoff and dead letters (jobs.retry), a worker
    that outlives database outages and recovers stranded tasks (``manage.py run_worker``),
    urgent work ahead of bulk work (jobs.queues), and Wagtail's index updates on the bulk
    queue (jobs.indexing)."""

    name = "jobs"
    verbose_name = "Background tasks"

    def ready(self) -> None:
        # Imported here, not at the top: both reach models, which load after AppConfigs.
        from .dead_letters import record_failed_immediate_task
        from .indexing import use_bulk_indexing

        task_finished.connect(record_failed_immediate_task, dispatch_uid="jobs.dead_letters")
        use_bulk_indexing()
