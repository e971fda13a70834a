"""Urgent work first: a red-flag email does not wait behind Wagtail's index updates, which
go on the bulk queue at low priority; and an index update for an object deleted before it
ran ends quietly, while every other error still fails it."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from modelsearch import index as search_index

from jobs.indexing import update_search_index
from jobs.models import DeadLetter
from jobs.queues import BULK_PRIORITY, BULK_QUEUE, URGENT_QUEUE
from portal.models import ArticleFaqItem, ArticlePage
from tests.jobs_tasks import send_alert
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db

INDEX_TASKS = {"jobs.indexing.update_search_index", "jobs.indexing.update_reference_index"}


def test_an_urgent_task_enqueued_after_300_bulk_ones_runs_first(run_worker, site_tree):
    article = make_article(site_tree.articles, "Pacing your walks")
    for _ in range(300):
        update_search_index.enqueue("portal", "articlepage", str(article.pk))
    urgent = send_alert.enqueue("lead@clinic.example")

    run_worker(max_tasks=1)

    urgent.refresh()
    assert urgent.status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() >= 300


def test_a_worker_for_the_urgent_queue_alone_leaves_bulk_work_to_others(run_worker, site_tree):
    article = make_article(site_tree.articles, "Sleep and pain")
    urgent = send_alert.enqueue("lead@clinic.example")

    run_worker(queues=URGENT_QUEUE)

    urgent.refresh()
    assert urgent.status == TaskResultStatus.SUCCESSFUL
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert {row.task_path for row in waiting} == INDEX_TASKS
    assert str(article.pk) in {row.args_kwargs["args"][2] for row in waiting}


def test_saving_a_page_queues_its_index_updates_on_the_bulk_queue_at_low_priority(
    database_queue, site_tree
):
    article = make_article(site_tree.articles, "Heat or ice", faqs=[("Which?", "Either.")])

    queued = DBTaskResult.objects.all()
    assert {row.task_path for row in queued} == INDEX_TASKS
    assert {(row.queue_name, row.priority) for row in queued} == {(BULK_QUEUE, BULK_PRIORITY)}
    assert ["portal", "articlepage", str(article.pk)] in [row.args_kwargs["args"] for row in queued]


def test_index_updates_of_objects_deleted_before_they_ran_end_quietly(run_worker, site_tree):
    # The article importer (seed_demo's) replaces the FAQ items of a page it just added,
    # then publishes: the items first saved are deleted after their index updates queued.
    article = make_article(site_tree.articles, "Sciatica explained", faqs=[("Why?", "Nerves.")])
    article.faq_items = [ArticleFaqItem(question="Why?", answer="<p>A nerve root.</p>")]
    article.save_revision().publish()
    faq_tasks = DBTaskResult.objects.filter(args_kwargs__args__1="articlefaqitem")
    gone = [r for r in faq_tasks if not ArticleFaqItem.objects.filter(pk=r.args_kwargs["args"][2])]
    assert gone, "no index update was queued for a deleted object"

    run_worker()

    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
    assert not DeadLetter.objects.exists()
    for row in gone:
        row.refresh_from_db()
        assert row.return_value is False
    assert list(ArticlePage.objects.live().search("Sciatica")) == [article.page_ptr.specific]


def test_any_other_error_in_an_index_update_still_fails_it(run_worker, site_tree, monkeypatch):
    article = make_article(site_tree.articles, "Posture myths")
    DBTaskResult.objects.all().delete()

    def lost_on_the_way(instance):
        raise ArticlePage.DoesNotExist("a lookup inside the index update failed")

    monkeypatch.setattr(search_index, "insert_or_update_object", lost_on_the_way)
    result = update_search_index.enqueue("portal", "articlepage", str(article.pk))
    missing_model = update_search_index.enqueue("portal", "nosuchpage", "1")
    run_worker()

    for failed in (result, missing_model):
        failed.refresh()
        assert failed.status == TaskResultStatus.FAILED
    assert DeadLetter.objects.get(task_result_id=result.id).error_class.endswith(
        "ArticlePage.DoesNotExist"
    )
    assert DeadLetter.objects.get(task_result_id=missing_model.id).error_class == (
        "builtins.LookupError"
    )
