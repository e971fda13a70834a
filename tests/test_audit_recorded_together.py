"""``recorded_together``: events recorded in the block are written in one INSERT as it ends,
also when it ends with an error, and the hash chain still holds."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from audit.services import record_event, recorded_together

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return get_user_model().objects.create_user("reader", password="x-test-pass-1")


def test_events_recorded_in_the_block_are_written_together_when_it_ends(reader):
    with CaptureQueriesContext(connection) as captured, recorded_together():
        record_event(reader, "viewed", None, detail={"what": "plan"})
        record_event(reader, "viewed", None, detail={"what": "private_notes"})
        assert AuditEvent.objects.filter(actor=reader).count() == 0
    inserts = [query for query in captured if query["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    written = AuditEvent.objects.filter(actor=reader).order_by("pk")
    assert [event.detail["what"] for event in written] == ["plan", "private_notes"]


def test_a_read_recorded_before_an_error_is_still_written(reader):
    with pytest.raises(RuntimeError), recorded_together():
        record_event(reader, "viewed", None, detail={"what": "plan"})
        raise RuntimeError("the page failed after reading")
    assert AuditEvent.objects.filter(actor=reader, detail__what="plan").exists()


def test_a_block_inside_another_joins_it(reader):
    with recorded_together():
        with recorded_together():
            record_event(reader, "viewed", None, detail={"what": "inner"})
        assert not AuditEvent.objects.filter(actor=reader).exists()
    assert AuditEvent.objects.filter(actor=reader, detail__what="inner").exists()


def test_outside_a_block_each_event_is_written_at_once(reader):
    record_event(reader, "viewed", None, detail={"what": "plan"})
    assert AuditEvent.objects.filter(actor=reader).count() == 1
