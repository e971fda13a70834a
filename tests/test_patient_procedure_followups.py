"""Procedure follow-ups: once a procedure is marked done, the patient is asked at set times
for their pain and relief, each question open for a while and then missed; the team sees
each procedure's response against the pain before it and the clinic's threshold for a
positive response."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from careteam.models import ActivityKind, ActivityStatus, CarePlanStatus, Discipline, Procedure
from careteam.services import (
    create_activity,
    delete_activity,
    update_activity,
    update_plan,
)
from patientportal.models import CheckIn, ProcedureFollowUp
from patientportal.services import procedure_followups
from patientportal.services.checkins import record_check_in
from patientportal.services.errors import PortalAccessDenied, PortalActionError
from patientportal.services.overdue import plans_with_overdue
from patientportal.services.procedure_followups import (
    answer_closes_on,
    answer_follow_up,
    due_follow_ups,
    follow_up_dates,
    follow_up_days,
)
from patientportal.services.procedure_response import (
    Verdict,
    VerdictKind,
    baseline_for,
    procedure_responses,
    verdict_for,
)
from tests.page_checks import assert_accessible_page
from tests.patient_fixtures import move_patient

pytestmark = pytest.mark.django_db

TITLE = "Medial branch block, right L4-5"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def add_procedure(world, procedure=Procedure.EPIDURAL_STEROID_INJECTION, **fields):
    return create_activity(
        world.team.section(Discipline.PAIN_MANAGEMENT),
        world.lead,
        kind=ActivityKind.PROCEDURE,
        title=fields.pop("title", TITLE),
        procedure=procedure,
        status=fields.pop("status", ActivityStatus.SCHEDULED),
        **fields,
    )


def mark_done(world, activity, done_on):
    return update_activity(
        activity,
        world.lead,
        activity.version,
        status=ActivityStatus.COMPLETED,
        done_on=done_on,
    )


def live(activity):
    return list(ProcedureFollowUp.objects.filter(activity=activity).live().order_by("day_offset"))


def answer(row, world, pain, relief):
    return answer_follow_up(row, world.patient_user, pain=pain, relief_percent=relief)


def follow_up_url(row):
    return reverse("patientportal:follow-up", args=[row.pk])


def assert_the_page_and_an_answer_refuse(client, world, row, reason: str) -> None:
    """The patient's page for ``row`` says ``reason`` with no form; an answer sent anyway
    is a 400 saying it, stores nothing and is recorded as refused."""
    client.force_login(world.patient_user)
    page = client.get(follow_up_url(row))
    assert page.status_code == 200
    assert reason in page.content.decode()
    assert "Save my answer" not in page.content.decode()
    assert_accessible_page(page.content.decode())
    response = client.post(follow_up_url(row), {"pain": "3", "relief_percent": "60"})
    assert response.status_code == 400
    assert reason in response.content.decode()
    row.refresh_from_db()
    assert row.is_open
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED,
        target_object_id=str(row.pk),
        actor=world.patient_user,
        detail__reason__startswith=reason,
    ).exists()


def procedures_url(plan):
    return reverse("patientportal_team:procedures", args=[plan.pk])


def check_in_at(world, moment, pain):
    check_in = record_check_in(world.patient, world.patient_user, pain_score=pain)
    CheckIn.objects.filter(pk=check_in.pk).update(recorded_at=moment)


def local_noon(day):
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=zone)


# When the patient is asked


def test_follow_up_days_come_from_settings_per_procedure_with_a_default(settings):
    assert follow_up_days(Procedure.EPIDURAL_STEROID_INJECTION) == (0, 14, 42, 91)
    assert follow_up_days(Procedure.DIAGNOSTIC_BLOCK) == (0, 1)
    settings.PROCEDURE_FOLLOW_UP_DAYS = {"default": (14, 0), "radiofrequency_ablation": (0, 180)}
    assert follow_up_days(Procedure.PROLOTHERAPY) == (0, 14)
    done = datetime.date(2026, 3, 28)  # the day before the clocks go forward in London
    assert follow_up_dates(Procedure.RADIOFREQUENCY_ABLATION, done) == [
        (0, done),
        (180, datetime.date(2026, 9, 24)),
    ]


def test_marking_a_procedure_done_makes_one_follow_up_per_configured_day(portal_world):
    activity = add_procedure(portal_world)
    assert not ProcedureFollowUp.objects.exists()
    done = days_ago(3)
    mark_done(portal_world, activity, done)
    rows = live(activity)
    assert [(row.day_offset, row.due_on) for row in rows] == [
        (0, done),
        (14, done + datetime.timedelta(days=14)),
        (42, done + datetime.timedelta(days=42)),
        (91, done + datetime.timedelta(days=91)),
    ]
    assert {row.plan_id for row in rows} == {portal_world.plan.pk}
    assert rows[0].activity_title == TITLE and rows[0].is_open
    made = AuditEvent.objects.filter(
        action=AuditAction.CREATED, target_content_type__model="procedurefollowup"
    )
    assert made.count() == 4


def test_a_diagnostic_block_created_done_is_asked_about_the_same_day_and_the_next(portal_world):
    done = days_ago(0)
    activity = add_procedure(
        portal_world,
        Procedure.DIAGNOSTIC_BLOCK,
        status=ActivityStatus.COMPLETED,
        done_on=done,
    )
    assert [(row.day_offset, row.due_on) for row in live(activity)] == [
        (0, done),
        (1, done + datetime.timedelta(days=1)),
    ]


def test_follow_ups_are_made_in_the_same_transaction_as_the_change(portal_world, monkeypatch):
    activity = add_procedure(portal_world)

    def broken(*args, **kwargs):
        raise RuntimeError("receiver failed")

    monkeypatch.setattr(procedure_followups, "sync_follow_ups", broken)
    with pytest.raises(RuntimeError):
        mark_done(portal_world, activity, days_ago(1))
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SCHEDULED and activity.done_on is None
    assert not ProcedureFollowUp.objects.exists()


def test_other_edits_and_other_activities_make_no_follow_ups(portal_world):
    activity = add_procedure(portal_world)
    update_activity(activity, portal_world.lead, activity.version, schedule="Tuesday morning")
    create_activity(
        portal_world.team.section(Discipline.PAIN_MANAGEMENT),
        portal_world.lead,
        kind=ActivityKind.APPOINTMENT,
        title="Review",
        status=ActivityStatus.COMPLETED,
    )
    assert not ProcedureFollowUp.objects.exists()


def test_a_new_day_re_dates_unanswered_follow_ups_and_leaves_answered_ones(portal_world):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(20))
    same_day = live(activity)[0]
    answer(same_day, portal_world, 3, 70)
    new_day = days_ago(10)
    mark_done(portal_world, activity, new_day)
    rows = live(activity)
    assert len(rows) == 4
    kept = rows[0]
    assert kept.pk == same_day.pk and kept.due_on == days_ago(20)
    assert (kept.pain, kept.relief_percent) == (3, 70)
    assert [row.due_on for row in rows[1:]] == [
        new_day + datetime.timedelta(days=day) for day in (14, 42, 91)
    ]


def test_reopening_cancels_unanswered_follow_ups_and_keeps_answers(portal_world):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(20))
    answered = answer(live(activity)[1], portal_world, 4, 55)  # the 2-week one
    update_activity(
        activity, portal_world.lead, activity.version, status=ActivityStatus.IN_PROGRESS
    )
    rows = ProcedureFollowUp.objects.filter(activity=activity)
    assert [row.pk for row in rows.live()] == [answered.pk]
    cancelled = rows.filter(cancelled_at__isnull=False)
    assert cancelled.count() == 3
    assert not rows.open().exists()
    with pytest.raises(PortalActionError, match="no longer needs this answer"):
        answer(cancelled.get(day_offset=0), portal_world, 1, 90)
    # Done again: asked again for the days not answered, never twice for one.
    activity.refresh_from_db()
    mark_done(portal_world, activity, days_ago(5))
    assert [row.day_offset for row in live(activity)] == [0, 14, 42, 91]
    assert ProcedureFollowUp.objects.get(pk=answered.pk).relief_percent == 55


def test_deleting_the_activity_cancels_open_follow_ups_and_keeps_answers(portal_world, client):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(20))
    answered = answer(live(activity)[0], portal_world, 2, 80)
    delete_activity(activity, portal_world.lead, activity.version)
    answered.refresh_from_db()
    assert answered.activity_id is None and answered.relief_percent == 80
    assert not ProcedureFollowUp.objects.open().exists()
    client.force_login(portal_world.lead)
    page = client.get(procedures_url(portal_world.plan)).content.decode()
    assert TITLE in page and "80&nbsp;%" in page


# Only what the patient sees is asked about


def set_visible(world, activity, visible):
    activity.refresh_from_db()
    return update_activity(activity, world.lead, activity.version, visible_to_patient=visible)


def test_a_procedure_hidden_from_the_patient_is_not_asked_about(portal_world):
    created_done = add_procedure(
        portal_world,
        Procedure.DIAGNOSTIC_BLOCK,
        status=ActivityStatus.COMPLETED,
        done_on=days_ago(1),
        visible_to_patient=False,
    )
    marked_done = mark_done(
        portal_world, add_procedure(portal_world, visible_to_patient=False), days_ago(2)
    )
    mark_done(portal_world, marked_done, days_ago(3))  # re-dated while hidden
    assert not ProcedureFollowUp.objects.filter(activity__in=[created_done, marked_done]).exists()
    assert due_follow_ups(portal_world.plan, timezone.localdate()) == []


def test_hiding_a_done_procedure_cancels_unanswered_follow_ups_and_keeps_answers(portal_world):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(20))
    answered = answer(live(activity)[0], portal_world, 3, 65)
    set_visible(portal_world, activity, False)
    rows = ProcedureFollowUp.objects.filter(activity=activity)
    assert [row.pk for row in rows.live()] == [answered.pk]
    assert rows.filter(cancelled_at__isnull=False).count() == 3
    assert due_follow_ups(portal_world.plan, timezone.localdate()) == []
    cancelled = AuditEvent.objects.filter(
        action=AuditAction.CHANGED,
        target_content_type__model="procedurefollowup",
        detail__changes__has_key="cancelled_at",
    )
    assert cancelled.count() == 3
    with pytest.raises(PortalActionError, match="no longer needs this answer"):
        answer(rows.filter(cancelled_at__isnull=False).get(day_offset=14), portal_world, 2, 70)
    answered.refresh_from_db()
    assert (answered.pain, answered.relief_percent, answered.cancelled_at) == (3, 65, None)


def test_showing_a_done_procedure_again_asks_again_for_the_days_not_answered(portal_world):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(20))
    first = live(activity)
    answered = answer(first[0], portal_world, 3, 65)
    set_visible(portal_world, activity, False)
    set_visible(portal_world, activity, True)
    rows = live(activity)
    assert [row.day_offset for row in rows] == [0, 14, 42, 91]
    assert rows[0].pk == answered.pk and (rows[0].pain, rows[0].relief_percent) == (3, 65)
    assert all(row.is_open for row in rows[1:])
    assert {row.pk for row in rows[1:]}.isdisjoint(row.pk for row in first)
    assert [row.due_on for row in rows[1:]] == [
        days_ago(20) + datetime.timedelta(days=day) for day in (14, 42, 91)
    ]
    due = due_follow_ups(portal_world.plan, timezone.localdate())
    assert [item.follow_up_id for item in due] == [rows[1].pk]


def test_showing_or_hiding_a_procedure_not_done_makes_and_cancels_nothing(portal_world):
    activity = add_procedure(portal_world)
    set_visible(portal_world, activity, False)
    set_visible(portal_world, activity, True)
    assert not ProcedureFollowUp.objects.exists()


# What the patient sees and answers


def test_due_follow_ups_list_what_the_patient_can_answer_with_overdue_ones_marked(portal_world):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(14))
    due = due_follow_ups(portal_world.plan, timezone.localdate())
    assert [(item.due_on, item.overdue) for item in due] == [
        (days_ago(14), True),
        (days_ago(0), False),
    ]
    first = due[0]
    assert first.procedure_label == "Epidural steroid injection"
    assert first.activity_title == TITLE
    assert first.url == follow_up_url(live(activity)[0])
    overdue = ProcedureFollowUp.objects.filter(plan=portal_world.plan).overdue(days_ago(0))
    assert overdue.count() == 1


def test_the_patient_answers_a_due_follow_up_once(portal_world, client):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(14))
    row = live(activity)[1]
    client.force_login(portal_world.patient_user)
    page = client.get(follow_up_url(row)).content.decode()
    assert "How is your pain since your epidural steroid injection on" in page
    assert "<legend>How bad is your pain right now, from 0 to 10?</legend>" in page
    assert 'type="number"' in page and "Get urgent help now" in page
    assert "Save my answer" in page
    assert_accessible_page(page)
    response = client.post(follow_up_url(row), {"pain": "3", "relief_percent": "60"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.pain, row.relief_percent) == (3, 60) and row.answered_at is not None
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATED, target_object_id=str(row.pk), actor=portal_world.patient_user
    ).exists()
    # The same answer again (a double click) is the one saved; another one is refused.
    again = client.post(follow_up_url(row), {"pain": "3", "relief_percent": "60"})
    assert again.status_code == 302
    other = client.post(follow_up_url(row), {"pain": "8", "relief_percent": "0"})
    assert other.status_code == 409
    assert "You already answered this question" in other.content.decode()
    row.refresh_from_db()
    assert (row.pain, row.relief_percent) == (3, 60)
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, target_object_id=str(row.pk)
    ).exists()


def test_a_follow_up_cannot_be_answered_before_it_is_due(portal_world, client):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(3))
    later = live(activity)[1]
    client.force_login(portal_world.patient_user)
    page = client.get(follow_up_url(later)).content.decode()
    assert "This question opens on" in page and "Save my answer" not in page
    response = client.post(follow_up_url(later), {"pain": "3", "relief_percent": "60"})
    assert response.status_code == 400 and "This question opens on" in response.content.decode()
    later.refresh_from_db()
    assert later.is_open


def test_only_the_plans_own_patient_reaches_its_follow_ups(portal_world, client):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(1))
    row = live(activity)[0]
    client.force_login(portal_world.other_user)
    assert client.get(follow_up_url(row)).status_code == 404
    posted = client.post(follow_up_url(row), {"pain": "1", "relief_percent": "90"})
    assert posted.status_code == 404
    row.refresh_from_db()
    assert row.is_open
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=portal_world.other_user
    ).exists()
    client.force_login(portal_world.lead)
    assert client.get(follow_up_url(row)).status_code == 404
    client.force_login(portal_world.patient_user)
    assert client.get(reverse("patientportal:follow-up", args=[10**17])).status_code == 404


def test_out_of_range_answers_get_a_clear_message(portal_world, client):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(1))
    row = live(activity)[0]
    client.force_login(portal_world.patient_user)
    response = client.post(follow_up_url(row), {"pain": "11", "relief_percent": "150"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose a number from 0 to 10 for your pain." in page
    assert "Enter a number from 0 to 100 for your relief." in page
    assert client.post(follow_up_url(row), {"relief_percent": "x"}).status_code == 400
    row.refresh_from_db()
    assert row.is_open


# When a question closes

DONE = datetime.date(2026, 6, 1)
UTC = datetime.UTC


def on(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), UTC)


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)``: the time from then on (a procedure recorded on its day, then the
    days going by)."""

    def set_to(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def later(days: int) -> datetime.date:
    return DONE + datetime.timedelta(days=days)


def test_a_question_stays_open_a_quarter_of_the_time_since_the_procedure_never_into_the_next():
    injection = Procedure.EPIDURAL_STEROID_INJECTION
    block = Procedure.DIAGNOSTIC_BLOCK

    def grace(procedure, day):
        return (answer_closes_on(procedure, day, later(day), asked_on=DONE) - later(day)).days

    assert [grace(injection, day) for day in (0, 14, 42, 91)] == [1, 3, 10, 22]
    # A diagnostic block is asked the same day and the next: each only on its own day or so.
    assert [grace(block, day) for day in (0, 1)] == [0, 1]


def test_a_question_asked_after_its_day_stays_open_until_the_day_after_it_is_asked():
    injection = Procedure.EPIDURAL_STEROID_INJECTION

    recorded_a_month_late = answer_closes_on(injection, 0, DONE, asked_on=later(30))
    re_dated_into_the_past = answer_closes_on(injection, 14, later(14), asked_on=later(15))

    assert recorded_a_month_late == later(31)
    assert re_dated_into_the_past == later(17)  # its own rule gives more


def test_the_migration_closes_the_follow_ups_already_there_by_the_same_rule(settings):
    migration = importlib.import_module("patientportal.migrations.0013_follow_ups_close")
    table = settings.PROCEDURE_FOLLOW_UP_DAYS

    for procedure in Procedure.values:
        for day in follow_up_days(procedure):
            for asked_on in (DONE, later(day + 5)):
                expected = answer_closes_on(procedure, day, later(day), asked_on)
                assert migration._closes_on(table, procedure, day, later(day), asked_on) == (
                    expected
                )


def test_a_question_not_answered_by_the_day_it_closes_is_missed(portal_world, client, clock):
    clock(on(DONE))
    activity = mark_done(portal_world, add_procedure(portal_world), DONE)
    same_day, two_weeks = live(activity)[:2]
    clock(on(later(20)))

    assert (same_day.closes_on, two_weeks.closes_on) == (later(1), later(17))
    assert same_day.is_missed(later(20)) and two_weeks.is_missed(later(20))
    assert not same_day.is_overdue(later(20))
    assert due_follow_ups(portal_world.plan, later(20)) == []
    assert ProcedureFollowUp.objects.filter(plan=portal_world.plan).missed(later(20)).count() == 2
    assert plans_with_overdue(portal_world.lead) == []
    with pytest.raises(PortalActionError, match="This question was open until 2 June 2026"):
        answer(same_day, portal_world, 3, 60)

    assert_the_page_and_an_answer_refuse(
        client, portal_world, two_weeks, "This question was open until 18 June 2026"
    )


def test_a_question_answered_on_its_last_open_day_is_kept(portal_world, client, clock):
    clock(on(DONE))
    activity = mark_done(portal_world, add_procedure(portal_world), DONE)
    two_weeks = live(activity)[1]
    clock(on(later(17), hour=21))
    client.force_login(portal_world.patient_user)

    page = client.get(follow_up_url(two_weeks)).content.decode()
    answered = answer(two_weeks, portal_world, 2, 70)

    assert "Please answer by Thursday 18 June" in page and "Save my answer" in page
    assert (answered.pain, answered.relief_percent) == (2, 70)


def test_the_team_sees_a_missed_question_as_missed_and_an_overdue_one_until_it_closes(
    portal_world, client, clock
):
    clock(on(DONE))
    mark_done(portal_world, add_procedure(portal_world), DONE)
    clock(on(later(15)))
    client.force_login(portal_world.lead)

    page = client.get(procedures_url(portal_world.plan)).content.decode()

    assert "Missed: not answered by" in page  # the same-day question
    assert "<strong>Overdue</strong>, open until" in page  # the 2-week one, due yesterday
    [overdue] = plans_with_overdue(portal_world.lead)
    assert overdue.follow_ups == 1


def test_the_patients_to_do_list_says_by_when_to_answer(portal_world, client, clock):
    clock(on(DONE))
    mark_done(portal_world, add_procedure(portal_world), DONE)
    clock(on(later(15)))
    client.force_login(portal_world.patient_user)

    page = client.get(reverse("patientportal:home")).content.decode()

    assert "Please answer by" in page and "Thursday 18 June" in page


def test_the_patient_reads_their_answers_day_in_their_own_time_zone(portal_world, client, clock):
    move_patient(portal_world, "America/Los_Angeles")
    clock(on(DONE, hour=19))  # noon on 1 June in Los Angeles
    activity = mark_done(portal_world, add_procedure(portal_world), DONE)
    two_weeks = live(activity)[1]
    # 05:00 UTC on 19 June: still the evening of 18 June, the question's last day, there;
    # already 19 June at the clinic.
    clock(datetime.datetime(2026, 6, 19, 5, 0, tzinfo=UTC))
    client.force_login(portal_world.patient_user)

    posted = client.post(follow_up_url(two_weeks), {"pain": "2", "relief_percent": "70"})
    page = client.get(follow_up_url(two_weeks)).content.decode()

    assert posted.status_code == 302
    assert "You answered on 18 June 2026" in page


def test_a_procedure_recorded_late_is_asked_about_not_missed(portal_world, client):
    block = add_procedure(
        portal_world,
        Procedure.DIAGNOSTIC_BLOCK,
        status=ActivityStatus.COMPLETED,
        done_on=days_ago(1),  # recorded the morning after
    )
    today = days_ago(0)

    same_day, next_day = live(block)
    client.force_login(portal_world.lead)
    page = client.get(procedures_url(portal_world.plan)).content.decode()

    assert (same_day.closes_on, next_day.closes_on) == (days_ago(-1), days_ago(-1))
    assert [item.follow_up_id for item in due_follow_ups(portal_world.plan, today)] == [
        same_day.pk,
        next_day.pk,
    ]
    assert "Missed" not in page


def test_re_dating_a_procedure_moves_when_its_questions_close(portal_world):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(20))
    mark_done(portal_world, activity, days_ago(2))

    assert [row.closes_on for row in live(activity)] == [
        days_ago(-1),  # asked after its day: open until tomorrow
        days_ago(2) + datetime.timedelta(days=17),
        days_ago(2) + datetime.timedelta(days=52),
        days_ago(2) + datetime.timedelta(days=113),
    ]
    re_dated = AuditEvent.objects.filter(
        action=AuditAction.CHANGED, detail__changes__has_key="closes_on"
    )
    assert re_dated.count() == 4


def test_two_questions_alike_on_one_plan_count_twice_on_the_dashboard(portal_world):
    for title in ("Injection, left L4-5", "Injection, right L4-5"):
        mark_done(portal_world, add_procedure(portal_world, title=title), days_ago(14))

    [overdue] = plans_with_overdue(portal_world.lead)

    assert overdue.follow_ups == 2


def test_the_dashboard_reads_the_last_open_day_on_the_patients_own_calendar(portal_world, clock):
    move_patient(portal_world, "Pacific/Pago_Pago")  # UTC-11
    clock(on(DONE, hour=23))  # noon on 1 June in Pago Pago
    mark_done(portal_world, add_procedure(portal_world), DONE)

    # 05:00 UTC on 19 June: still 18 June, the 2-week question's last day, in Pago Pago.
    clock(datetime.datetime(2026, 6, 19, 5, 0, tzinfo=UTC))
    [overdue] = plans_with_overdue(portal_world.lead)
    assert overdue.follow_ups == 1
    # Noon UTC on 18 June: already 19 June in Kiritimati (UTC+14), the question missed.
    move_patient(portal_world, "Pacific/Kiritimati")
    clock(datetime.datetime(2026, 6, 18, 12, 0, tzinfo=UTC))
    assert plans_with_overdue(portal_world.lead) == []


def end_plan(world, status=CarePlanStatus.COMPLETED):
    plan = world.plan
    plan.refresh_from_db()
    return update_plan(plan, world.lead, plan.version, status=status)


def test_a_follow_up_on_a_plan_that_has_ended_is_not_answered_nor_due(portal_world, client):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(14))
    row = live(activity)[0]
    assert due_follow_ups(portal_world.plan, timezone.localdate())
    end_plan(portal_world)
    assert due_follow_ups(portal_world.plan, timezone.localdate()) == []
    assert_the_page_and_an_answer_refuse(client, portal_world, row, "This care plan has ended")


def test_a_revoked_plans_follow_up_is_refused_by_the_service_and_not_found_by_the_page(
    portal_world, client
):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(14))
    row = live(activity)[0]
    end_plan(portal_world, CarePlanStatus.REVOKED)
    with pytest.raises(PortalActionError, match="This care plan has ended") as refused:
        answer(row, portal_world, 3, 60)
    assert not isinstance(refused.value, PortalAccessDenied)
    client.force_login(portal_world.patient_user)
    assert client.post(follow_up_url(row), {"pain": "3", "relief_percent": "60"}).status_code == 404
    row.refresh_from_db()
    assert row.is_open


def test_a_plan_on_hold_is_still_current_for_its_follow_ups(portal_world):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(14))
    end_plan(portal_world, CarePlanStatus.ON_HOLD)
    assert len(due_follow_ups(portal_world.plan, timezone.localdate())) == 2
    assert answer(live(activity)[0], portal_world, 4, 50).is_answered


def test_the_team_is_not_told_of_overdue_follow_ups_on_a_plan_that_has_ended(portal_world):
    mark_done(portal_world, add_procedure(portal_world), days_ago(14))
    [overdue] = plans_with_overdue(portal_world.lead)
    assert overdue.plan.pk == portal_world.plan.pk and overdue.follow_ups == 1
    end_plan(portal_world)
    assert plans_with_overdue(portal_world.lead) == []


# What the team sees


def test_the_baseline_is_the_median_pain_of_the_check_ins_in_the_14_days_before(portal_world):
    done = days_ago(20)
    for days_before, pain in ((1, 7), (5, 6), (14, 8), (15, 1)):
        check_in_at(portal_world, local_noon(done - datetime.timedelta(days=days_before)), pain)
    check_in_at(portal_world, local_noon(done), 2)  # the day itself comes after
    rows = list(CheckIn.objects.values_list("recorded_at", "pain_score"))
    zone = portal_world.patient.zone
    baseline = baseline_for(done, rows, zone)
    assert baseline.median == Decimal("7") and baseline.check_ins == 3
    assert baseline_for(done, rows[:0], zone).median is None
    assert baseline_for(done - datetime.timedelta(days=100), rows, zone).label.startswith(
        "No baseline"
    )


def test_the_verdict_reads_the_latest_relief_against_the_threshold(portal_world, settings):
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(50))
    rows = live(activity)
    assert verdict_for(rows, 50) == Verdict(VerdictKind.WAITING, "Waiting for answers")
    answer(rows[0], portal_world, 2, 80)
    answer(rows[1], portal_world, 4, 60)
    rows = live(activity)
    assert verdict_for(rows, 50) == Verdict(
        VerdictKind.POSITIVE, "Positive response: 60 % relief at 2 weeks"
    )
    assert verdict_for(rows, 60).kind == VerdictKind.POSITIVE  # at the threshold counts
    assert verdict_for(rows, 61).text == (
        "Below the 61 % threshold: 60 % relief at 2 weeks (it was 80 % on the same day)"
    )
    assert verdict_for(rows, 90) == Verdict(
        VerdictKind.BELOW, "Below the 90 % threshold: 60 % relief at 2 weeks"
    )
    answer(rows[2], portal_world, 6, 30)
    assert verdict_for(live(activity), 50).text == (
        "Below the 50 % threshold: 30 % relief at 6 weeks (it was 80 % on the same day)"
    )
    settings.PROCEDURE_POSITIVE_RELIEF_PERCENT = 25
    [response] = procedure_responses(portal_world.plan)
    assert response.verdict.text == "Positive response: 30 % relief at 6 weeks"


def test_the_team_page_charts_each_procedure_with_its_baseline_threshold_and_table(
    portal_world, client
):
    done = days_ago(20)
    check_in_at(portal_world, local_noon(done - datetime.timedelta(days=2)), 7)
    activity = mark_done(portal_world, add_procedure(portal_world), done)
    rows = live(activity)
    answer(rows[0], portal_world, 3, 70)
    answer(rows[1], portal_world, 4, 60)
    mark_done(portal_world, add_procedure(portal_world, Procedure.PROLOTHERAPY), days_ago(1))
    client.force_login(portal_world.team.physio)
    response = client.get(procedures_url(portal_world.plan))
    page = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(page)
    assert page.count('<svg class="trend__svg"') == 2 and 'role="img"' in page
    assert "Positive response: 60 % relief at 2 weeks" in page
    assert "Waiting for answers" in page
    assert "Pain before: 7 out of 10 (median of 1 check-in" in page
    assert "Pain before: No baseline" in page
    assert "Threshold: 50 % relief" in page and 'stroke-dasharray="6 4"' in page
    assert "<caption>Follow-ups: the chart&#x27;s numbers" in page or "<caption>Follow-ups" in page
    assert "<td>60&nbsp;% (at or above 50&nbsp;%)</td>" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEWED,
        actor=portal_world.team.physio,
        care_plan_id=portal_world.plan.pk,
        detail__what="procedure response",
    ).exists()


def test_the_team_page_is_for_the_plans_team_only(portal_world, client):
    mark_done(portal_world, add_procedure(portal_world), days_ago(1))
    for member in (portal_world.team.contributor, portal_world.team.mental_health):
        client.force_login(member)
        assert client.get(procedures_url(portal_world.plan)).status_code == 200
    for stranger in (portal_world.team.outsider, portal_world.patient_user):
        client.force_login(stranger)
        response = client.get(procedures_url(portal_world.plan))
        assert response.status_code == 404 and TITLE not in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=portal_world.team.outsider
    ).exists()


def test_the_team_page_reads_in_a_fixed_number_of_queries(portal_world, client):
    client.force_login(portal_world.lead)
    url = procedures_url(portal_world.plan)
    activity = mark_done(portal_world, add_procedure(portal_world), days_ago(30))
    answer(live(activity)[0], portal_world, 3, 60)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for days, procedure in ((10, Procedure.PROLOTHERAPY), (5, Procedure.DIAGNOSTIC_BLOCK)):
        done = days_ago(days)
        check_in_at(portal_world, local_noon(done - datetime.timedelta(days=1)), 6)
        more = mark_done(portal_world, add_procedure(portal_world, procedure), done)
        answer(live(more)[0], portal_world, 5, 40)
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert page.count('<svg class="trend__svg"') == 3
    assert len(three) == len(one) <= 12


def test_the_plan_page_links_to_the_procedure_response(portal_world, client):
    client.force_login(portal_world.lead)
    page = client.get(reverse("careteam:plan-detail", args=[portal_world.plan.pk]))
    assert procedures_url(portal_world.plan) in page.content.decode()
