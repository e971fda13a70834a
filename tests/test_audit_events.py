"""The audit trail: what an event records, and that the app cannot change or delete it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.db.utils import DatabaseError
from django.http import HttpResponse
from django.test import RequestFactory
from wagtail.snippets.models import get_snippet_models

from audit.middleware import AuditContextMiddleware
from audit.models import AuditEvent, AuditLogImmutable
from audit.services import EventSpec, client_ip, record_event, record_events, record_view
from tests.audit_role_fixtures import table_owner_rights

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL"
)


@pytest.fixture
def actor(db):
    return get_user_model().objects.create_user("auditor", password="x-test-pass-1")


@pytest.fixture
def event(actor):
    return record_event(actor, "viewed", actor, plan=7, patient=3, detail={"what": "plan"})


def test_a_view_names_what_was_viewed_under_the_one_key_every_trail_shows(actor):
    event = record_view(actor, actor, "to-do list", patient=3, items=["check-in"], page_number=2)
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.action, event.patient_id) == ("viewed", 3)
    assert event.detail == {"what": "to-do list", "items": ["check-in"], "page_number": 2}


def test_an_event_records_who_what_when_and_where(actor):
    request = RequestFactory().get("/care/plans/7/?tab=team", REMOTE_ADDR="203.0.113.9")
    event = record_event(actor, "changed", actor, request=request, plan=7, detail={"a": 1})
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.actor, event.actor_username, event.action) == (actor, "auditor", "changed")
    assert (event.target_content_type.model, event.target_object_id) == ("user", str(actor.pk))
    assert event.object_repr == "auditor"
    assert (event.care_plan_id, event.ip_address) == (7, "203.0.113.9")
    assert event.path == "/care/plans/7/"
    assert event.occurred_at is not None and event.detail == {"a": 1}
    assert list(AuditEvent.objects.for_plan(7)) == [event]


def test_the_path_is_kept_without_its_query_string_which_may_carry_names(actor):
    request = RequestFactory().get("/care/?q=Rivera-Kim+NB-100234")
    event = record_event(actor, "viewed", None, request=request)
    assert AuditEvent.objects.get(pk=event.pk).path == "/care/"


def test_anonymous_refusals_are_recorded_too(db):
    event = record_event(AnonymousUser(), "denied", None, plan=5)
    assert (event.actor, event.actor_username, event.care_plan_id) == (None, "", 5)


def test_unknown_actions_are_rejected(actor):
    with pytest.raises(ValueError):
        record_event(actor, "peeked", None)


def test_events_cannot_be_changed_or_deleted_through_the_orm(event):
    event.detail = {"what": "nothing"}
    with pytest.raises(AuditLogImmutable):
        event.save()
    with pytest.raises(AuditLogImmutable):
        event.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(action="created")
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.all().delete()
    # bulk_update runs in its own atomic block: contain its rollback in a savepoint.
    with pytest.raises(AuditLogImmutable), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["detail"])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.detail) == ("viewed", {"what": "plan"})


def test_a_user_in_the_trail_cannot_be_deleted_only_deactivated(event, actor):
    # The hash chain covers the actor's id: nulling it would break the chain.
    with pytest.raises(ProtectedError), transaction.atomic():
        actor.delete()
    actor.is_active = False
    actor.save()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.actor_username) == (actor, "auditor")


@on_postgresql
def test_the_database_refuses_raw_updates_and_deletes(event):
    for sql in (
        "UPDATE audit_auditevent SET action = 'created' WHERE id = %s",
        "UPDATE audit_auditevent SET actor_id = NULL, action = 'created' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            table_owner_rights(),  # the trigger refuses even the table's owner
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.actor_id) == ("viewed", event.actor_id)


def test_bulk_recording_is_one_insert(actor, django_assert_num_queries):
    specs = [EventSpec("viewed", None, plan=plan_id, detail={"list": True}) for plan_id in range(5)]
    with django_assert_num_queries(1):
        record_events(actor, specs)
    assert sorted(AuditEvent.objects.values_list("care_plan_id", flat=True)) == [0, 1, 2, 3, 4]


def test_the_middleware_lends_the_request_to_events_recorded_deeper_down(actor):
    def view(request):
        record_event(actor, "viewed", None, plan=1)
        return HttpResponse("ok")

    request = RequestFactory().get("/care/", REMOTE_ADDR="198.51.100.4")
    AuditContextMiddleware(view)(request)
    event = AuditEvent.objects.get()
    assert (event.ip_address, event.path) == ("198.51.100.4", "/care/")
    # Outside a request, nothing leaks from the last one.
    assert record_event(actor, "viewed", None).ip_address is None


def test_forwarded_addresses_count_only_behind_a_configured_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.44"
    )
    settings.AUDIT_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.AUDIT_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "192.0.2.44"  # the spoofable left-most hop is ignored
    request.META["REMOTE_ADDR"] = "not-an-ip"
    settings.AUDIT_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) is None


def test_audit_events_are_not_editable_in_any_admin():
    assert AuditEvent not in get_snippet_models()
