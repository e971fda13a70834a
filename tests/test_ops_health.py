"""/healthz and /readyz (ops/): what a process supervisor, a load balancer and monitoring ask.

The queue figures are checked here on the database task queue of production, and on the
running stack (tests/test_deploy_stack.py)."""

import datetime

import pytest
from django.core.cache import caches
from django.db import OperationalError, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.indexing import update_search_index
from tests.jobs_tasks import fail_with_a_bug, send_alert


def refuse(*args, **kwargs):
    raise OperationalError("could not connect to server: Connection refused")


def test_healthz_answers_without_touching_the_database(client):
    # No database fixture: pytest-django refuses every query, so a 200 means none was made.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_and_readyz_answer_head_and_refuse_post(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_answers_200_when_database_cache_and_queues_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "tasks": "ok", "urgent_tasks": "ok"},
        "urgent_max_age_seconds": 120,
        # Tests run tasks at once (the immediate backend): no queue to wait in.
        "tasks": {
            "waiting": 0,
            "oldest_waiting_seconds": None,
            "oldest_urgent_waiting_seconds": None,
            "dead_letters": 0,
            "queues": [],
        },
    }


@pytest.mark.django_db
def test_readyz_answers_503_while_the_database_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(connections["default"], "cursor", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "status": "not ready",
        "checks": {
            "database": "unavailable",
            "cache": "ok",
            "tasks": "unavailable",
            "urgent_tasks": "unavailable",
        },
        "urgent_max_age_seconds": 120,
        "tasks": None,
    }
    # The process itself is fine: a supervisor must not restart it for the database's sake.
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_answers_503_while_the_cache_is_unreachable(client, monkeypatch):
    def cache_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(type(caches["default"]), "set", cache_down)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "unavailable",
        "tasks": "ok",
        "urgent_tasks": "ok",
    }


@pytest.mark.django_db
def test_readyz_says_nothing_of_why_a_check_failed(client, monkeypatch):
    monkeypatch.setattr(connections["default"], "cursor", refuse)

    body = client.get("/readyz").content.decode()

    assert "refused" not in body
    assert "OperationalError" not in body


def waited(result_id: str, seconds: float) -> None:
    """The queued task was enqueued ``seconds`` ago."""
    enqueued = timezone.now() - datetime.timedelta(seconds=seconds)
    DBTaskResult.objects.filter(pk=result_id).update(enqueued_at=enqueued)


@pytest.mark.django_db
def test_readyz_reports_the_oldest_urgent_task_and_the_dead_letters(client, run_worker):
    fail_with_a_bug.enqueue()
    run_worker()  # a bug is not retried: one dead letter
    waited(update_search_index.enqueue("portal", "articlepage", "1").id, 300)
    waited(send_alert.enqueue("lead@clinic.example").id, 40)
    send_alert.enqueue("lead@clinic.example")

    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["urgent_tasks"] == "ok"
    tasks = body["tasks"]
    assert tasks["waiting"] == 3
    assert 300 <= tasks["oldest_waiting_seconds"] < 310
    assert 40 <= tasks["oldest_urgent_waiting_seconds"] < 50
    assert tasks["dead_letters"] == 1
    by_queue = {q["queue"]: q["waiting"] for q in tasks["queues"]}
    assert by_queue == {"urgent": 2, "default": 0, "bulk": 1}


@pytest.mark.django_db
def test_readyz_answers_503_once_an_urgent_task_has_waited_longer_than_the_setting(
    client, database_queue, settings
):
    settings.READY_URGENT_MAX_AGE_SECONDS = 60
    result = send_alert.enqueue("lead@clinic.example")
    waited(result.id, 59)
    assert client.get("/readyz").status_code == 200

    waited(result.id, 61)
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"] == {
        "database": "ok",
        "cache": "ok",
        "tasks": "ok",
        "urgent_tasks": "late",
    }
    assert body["urgent_max_age_seconds"] == 60
    assert body["tasks"]["oldest_urgent_waiting_seconds"] >= 61


@pytest.mark.django_db
def test_readyz_judges_only_the_urgent_queue_and_not_at_all_with_a_limit_of_0(
    client, database_queue, settings
):
    waited(update_search_index.enqueue("portal", "articlepage", "1").id, 3600)
    assert client.get("/readyz").status_code == 200  # bulk work may wait

    waited(send_alert.enqueue("lead@clinic.example").id, 3600)
    assert client.get("/readyz").status_code == 503
    settings.READY_URGENT_MAX_AGE_SECONDS = 0
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["tasks"]["oldest_urgent_waiting_seconds"] >= 3600
