"""Where a task waits, and how soon it runs.

The worker (``manage.py run_worker``) takes the waiting task with the highest priority
first, then the one waiting longest, from every queue it serves. So an urgent task enqueued
behind hundreds of bulk ones runs as soon as the task in hand is done; a second worker that
serves only the urgent queue (``run_worker --queue-name urgent``) does not even wait for that.

Every task backend in settings.TASKS lists these queues in its ``QUEUES``
(``settings.TASK_QUEUES``): a backend refuses a task for a queue it does not list.
"""

from django_tasks import DEFAULT_TASK_QUEUE_NAME

# Red-flag notifications: a patient may need help now.
URGENT_QUEUE = "urgent"
URGENT_PRIORITY = 100
# Other emails and notices.
DEFAULT_QUEUE = DEFAULT_TASK_QUEUE_NAME
# Wagtail's search and reference index updates (jobs.indexing): many, and nobody waits on them.
BULK_QUEUE = "bulk"
BULK_PRIORITY = -50
