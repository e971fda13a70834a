"""Wagtail's search and reference index updates, on the bulk queue, for objects that still
exist.

For every object saved, Wagtail enqueues an index update by app label, model name and
primary key (``modelsearch.tasks.insert_or_update_object_task`` for the search index,
``wagtail.tasks.update_reference_index_task`` for the reference index), at the default
priority, and the task looks the object up when it runs. Two faults followed on the
database queue:

- A red-flag email waited behind them: ``seed_demo`` alone enqueues about 300.
- An object deleted between its save and its task made the task fail with
  ``DoesNotExist``: publishing an article whose FAQ items were replaced saves the new
  items, then deletes the old ones, each save having enqueued a task (47 of ``seed_demo``'s
  307 failed). A deleted object has nothing left to index: Wagtail removed its search and
  reference index entries when it was deleted (its ``post_delete`` handlers do that at
  once), and the parent page's own save enqueued the update that covers its children.

``update_search_index`` and ``update_reference_index`` run Wagtail's own tasks, on
``BULK_QUEUE`` at ``BULK_PRIORITY``, and end quietly when the object named was deleted. Any
other error, a ``DoesNotExist`` for an object that does exist included, fails as before.

Wagtail offers no setting for the queue or priority of these tasks: its ``post_save``
handlers look their task up in their own module by name when an object is saved, and
``use_bulk_indexing()`` (run by jobs.apps) puts these tasks under those names.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django_tasks import task
from django_tasks.base import Task
from modelsearch import signal_handlers as search_signal_handlers
from modelsearch.tasks import insert_or_update_object_task
from wagtail import signal_handlers as wagtail_signal_handlers
from wagtail.tasks import update_reference_index_task

from .queues import BULK_PRIORITY, BULK_QUEUE

logger = logging.getLogger("jobs")


@task(queue_name=BULK_QUEUE, priority=BULK_PRIORITY)
def update_search_index(app_label: str, model_name: str, pk: str) -> bool:
    """Wagtail's search index update for the object; False when it was deleted."""
    return _unless_deleted(insert_or_update_object_task, app_label, model_name, pk)


@task(queue_name=BULK_QUEUE, priority=BULK_PRIORITY)
def update_reference_index(app_label: str, model_name: str, pk: str) -> bool:
    """Wagtail's reference index update for the object; False when it was deleted."""
    return _unless_deleted(update_reference_index_task, app_label, model_name, pk)


def _unless_deleted(wagtail_task: Task, app_label: str, model_name: str, pk: str) -> bool:
    model = apps.get_model(app_label, model_name)
    try:
        wagtail_task.call(app_label, model_name, pk)
    except model.DoesNotExist:
        # Still there, only not found (a manager's filter, say): a real error.
        if model._base_manager.filter(pk=pk).exists():
            raise
        logger.info("Not indexed: %s.%s pk=%s was deleted first", app_label, model_name, pk)
        return False
    return True


# Where Wagtail's post_save handlers find the task they enqueue: (module, name, Wagtail's
# task, ours).
WAGTAIL_INDEX_TASKS = [
    (
        wagtail_signal_handlers,
        "update_reference_index_task",
        update_reference_index_task,
        update_reference_index,
    ),
    (
        search_signal_handlers,
        "insert_or_update_object_task",
        insert_or_update_object_task,
        update_search_index,
    ),
]


def use_bulk_indexing() -> None:
    """Have Wagtail's post_save handlers enqueue the tasks above instead of its own."""
    for module, name, wagtails, ours in WAGTAIL_INDEX_TASKS:
        current = getattr(module, name, None)
        if current is not wagtails and current is not ours:
            raise ImproperlyConfigured(
                f"{module.__name__}.{name} is no longer the index task Wagtail enqueues: "
                "check jobs.indexing against this version of Wagtail."
            )
        setattr(module, name, ours)
