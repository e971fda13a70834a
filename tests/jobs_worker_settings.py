"""Settings of the worker subprocess that tests/test_jobs_worker.py starts: the test
settings (short timeouts) with production's database task queue. DATABASE_URL names the
test database."""

from config.settings.test import *  # noqa: F403

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": TASK_QUEUES,  # noqa: F405
    }
}
