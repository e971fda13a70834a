"""Email reminders (patientportal.services.reminders, .reminder_preferences, views/reminders):
off until the patient turns them on; at most one a day, at their chosen time in their own
time zone, never in quiet hours (across the change to and from summer time); nothing when
nothing is due; an email that names no health detail; an unsubscribe link that works
without a login, changes nothing on GET, and a one-click POST (RFC 8058) without a session
or CSRF token; a tampered token refused; a rerun or a second worker sending nothing more.

The clock stands in for ``timezone.now``, so the sweep and the email task see the same
moment. Run on SQLite and on PostgreSQL (``DATABASE_URL=postgres://...``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from careteam.models import CarePlanStatus, Patient
from careteam.services import update_plan
from patientportal.models import ReminderPreference, ReminderSent
from patientportal.reminder_links import (
    TOKENLESS_AUDIT_PATH,
    UNSUBSCRIBE_SALT,
    unsubscribe_token,
)
from patientportal.reminder_tasks import send_reminder_email
from patientportal.services import reminders as reminder_service
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.reminder_preferences import (
    StaleReminderPreference,
    preference_for,
    save_preference,
)
from patientportal.services.reminders import send_due_reminders
from patientportal.services.schedules import schedule_questionnaire
from patientportal.services.todo import ToDo, todo_for
from questionnaires.instruments import INSTRUMENTS, PHQ9
from tests.page_checks import assert_accessible_page
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# A Monday in June, 09:30 in London (BST): the sending time has come, no quiet hours.
MORNING = datetime.datetime(2026, 6, 1, 8, 30, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime.datetime) -> None:
        self.now = now

    def at(self, moment: datetime.datetime) -> None:
        self.now = moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(MORNING)
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock.now)
    return clock


@dataclass
class Reminders:
    world: object
    clock: Clock
    capture: object

    @property
    def patient(self) -> Patient:
        return Patient.objects.get(pk=self.world.patient.pk)

    def turn_on(self, send_at=datetime.time(9, 0), quiet=(None, None), zone="Europe/London"):
        Patient.objects.filter(pk=self.world.patient.pk).update(time_zone=zone)
        version = preference_for(self.patient).version
        return save_preference(
            self.patient,
            self.world.patient_user,
            version=version,
            enabled=True,
            send_at=send_at,
            quiet_from=quiet[0],
            quiet_until=quiet[1],
        )

    def sweep(self, moment: datetime.datetime | None = None) -> list[int]:
        """The timer's run at ``moment``, the emails it queued sent once it commits."""
        if moment is not None:
            self.clock.at(moment)
        with self.capture(execute=True):
            return send_due_reminders()

    def preference(self) -> ReminderPreference:
        return ReminderPreference.objects.get(patient=self.world.patient)


@pytest.fixture
def reminders(portal_world, clock, django_capture_on_commit_callbacks) -> Reminders:
    mail.outbox.clear()
    return Reminders(portal_world, clock, django_capture_on_commit_callbacks)


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


# --- Opting in -----------------------------------------------------------------------------


def test_reminders_are_off_until_the_patient_turns_them_on(reminders, client):
    assert preference_for(reminders.patient).enabled is False
    assert reminders.sweep(MORNING) == []
    assert mail.outbox == []
    client.force_login(reminders.world.patient_user)
    page = client.get(reverse("patientportal:reminders")).content.decode()
    assert 'name="enabled"' in page and "checked" not in page
    assert "Reminders are off." in page


def test_a_patient_turns_reminders_on_from_their_settings_page(reminders, client):
    Patient.objects.filter(pk=reminders.world.patient.pk).update(time_zone="America/New_York")
    client.force_login(reminders.world.patient_user)
    response = client.post(
        reverse("patientportal:reminders"),
        {"enabled": "on", "send_at": "18:30", "quiet_from": "", "quiet_until": "", "version": 1},
    )
    assert response.status_code == 302
    preference = reminders.preference()
    assert (preference.enabled, preference.send_at) == (True, datetime.time(18, 30))
    event = AuditEvent.objects.filter(action=AuditAction.CHANGED).latest("pk")
    assert event.patient_id == reminders.world.patient.pk
    assert event.actor_id == reminders.world.patient_user.pk
    page = client.get(reverse("patientportal:reminders")).content.decode()
    assert "Reminders are on: at about 18:30" in page
    assert "America/New_York" in page
    # 18:30 in New York is 22:30 in London (summer): sent then, not at London's 18:30.
    assert reminders.sweep(datetime.datetime(2026, 6, 1, 17, 30, tzinfo=UTC)) == []
    assert reminders.sweep(datetime.datetime(2026, 6, 1, 22, 31, tzinfo=UTC))
    assert len(mail.outbox) == 1


def test_the_settings_page_is_reached_from_the_patients_plan_and_only_by_the_patient(
    reminders, client, django_assert_max_num_queries
):
    client.force_login(reminders.world.patient_user)
    assert (
        reverse("patientportal:reminders")
        in client.get(reverse("patientportal:plan")).content.decode()
    )
    with django_assert_max_num_queries(12):
        page = client.get(reverse("patientportal:reminders"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<fieldset") == 2 and "<legend>Quiet hours</legend>" in html
    assert_accessible_page(html)
    client.force_login(reminders.world.lead)
    assert client.get(reverse("patientportal:reminders")).status_code == 404
    anonymous = Client().get(reverse("patientportal:reminders"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_half_given_quiet_hours_and_a_stale_page_are_refused_and_change_nothing(reminders, client):
    reminders.turn_on()
    client.force_login(reminders.world.patient_user)
    url = reverse("patientportal:reminders")
    half = client.post(
        url, {"enabled": "on", "send_at": "09:00", "quiet_from": "22:00", "version": 2}
    )
    assert half.status_code == 400
    assert "Give both times of your quiet hours" in half.content.decode()
    assert_accessible_page(half.content.decode())
    # The unsubscribe link turned them off meanwhile: the old page does not turn them on.
    Client().post(
        reverse("patientportal:unsubscribe", args=[unsubscribe_token(reminders.patient.pk)]),
        {"confirm": "yes"},
    )
    stale = client.post(url, {"enabled": "on", "send_at": "07:00", "version": 2})
    assert stale.status_code == 409
    assert "changed since you opened this page" in stale.content.decode()
    preference = reminders.preference()
    assert (preference.enabled, preference.send_at) == (False, datetime.time(9, 0))
    with pytest.raises(StaleReminderPreference):
        save_preference(
            reminders.patient,
            reminders.world.patient_user,
            version=2,
            enabled=True,
            send_at=datetime.time(7, 0),
        )


# --- When it is sent -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "moment", "sent"),
    [
        # London, the last Sunday of March 2026 (29th): clocks go forward at 01:00 UTC.
        # 07:30 UTC is 08:30 BST that day, after the quiet hours: sent...
        ("Europe/London", datetime.datetime(2026, 3, 29, 7, 30, tzinfo=UTC), True),
        # ...but 07:30 GMT the day before, still quiet: not sent.
        ("Europe/London", datetime.datetime(2026, 3, 28, 7, 30, tzinfo=UTC), False),
        # 07:59 BST on the day itself: still quiet.
        ("Europe/London", datetime.datetime(2026, 3, 29, 6, 59, tzinfo=UTC), False),
        # 21:30 BST that evening: quiet again.
        ("Europe/London", datetime.datetime(2026, 3, 29, 20, 30, tzinfo=UTC), False),
        # New York, the first Sunday of November 2026 (1st): clocks go back at 06:00 UTC.
        # 12:30 UTC is 07:30 EST that day, quiet: not sent...
        ("America/New_York", datetime.datetime(2026, 11, 1, 12, 30, tzinfo=UTC), False),
        # ...but 08:30 EDT the day before: sent; and 08:00 EST on the day: sent.
        ("America/New_York", datetime.datetime(2026, 10, 31, 12, 30, tzinfo=UTC), True),
        ("America/New_York", datetime.datetime(2026, 11, 1, 13, 0, tzinfo=UTC), True),
        # Tokyo (no summer time): 09:30 JST is 00:30 UTC.
        ("Asia/Tokyo", datetime.datetime(2026, 6, 1, 0, 30, tzinfo=UTC), True),
        ("Asia/Tokyo", datetime.datetime(2026, 6, 1, 12, 30, tzinfo=UTC), False),
    ],
)
def test_no_reminder_goes_in_quiet_hours_in_the_patients_own_zone(reminders, zone, moment, sent):
    # Chosen for 06:00, inside the clinic's quiet hours (21:00-08:00): it waits until 08:00.
    reminders.turn_on(send_at=datetime.time(6, 0), zone=zone)
    assert bool(reminders.sweep(moment)) is sent
    assert len(mail.outbox) == int(sent)
    if sent:
        local = moment.astimezone(ZoneInfo(zone))
        assert ReminderSent.objects.get().local_date == local.date()


def test_a_reminder_waits_for_the_chosen_time_of_day(reminders):
    reminders.turn_on(send_at=datetime.time(17, 0))
    assert reminders.sweep(datetime.datetime(2026, 6, 1, 15, 59, tzinfo=UTC)) == []  # 16:59
    assert reminders.sweep(datetime.datetime(2026, 6, 1, 16, 0, tzinfo=UTC))  # 17:00 BST
    assert len(mail.outbox) == 1


def test_a_time_chosen_in_the_evening_quiet_hours_goes_when_they_end(reminders):
    reminders.turn_on(send_at=datetime.time(22, 30))
    assert reminders.sweep(datetime.datetime(2026, 6, 1, 21, 45, tzinfo=UTC)) == []  # 22:45
    assert reminders.sweep(datetime.datetime(2026, 6, 2, 7, 5, tzinfo=UTC))  # 08:05 next day
    assert len(mail.outbox) == 1


def test_the_patients_own_quiet_hours_replace_the_clinics(reminders, settings):
    settings.REMINDER_QUIET_HOURS = ("20:00", "10:00")
    reminders.turn_on(send_at=datetime.time(9, 0))
    assert reminders.sweep(datetime.datetime(2026, 6, 1, 8, 30, tzinfo=UTC)) == []  # 09:30
    reminders.turn_on(
        send_at=datetime.time(9, 0), quiet=(datetime.time(23, 0), datetime.time(7, 0))
    )
    assert reminders.sweep(datetime.datetime(2026, 6, 1, 8, 35, tzinfo=UTC))
    assert len(mail.outbox) == 1


def test_at_most_one_email_a_day_and_again_the_next_day(reminders):
    reminders.turn_on()
    assert reminders.sweep(datetime.datetime(2026, 6, 1, 8, 0, tzinfo=UTC))  # 09:00 BST
    for hour in (8, 11, 15, 19):
        assert reminders.sweep(datetime.datetime(2026, 6, 1, hour, 15, tzinfo=UTC)) == []
    assert len(mail.outbox) == 1
    assert reminders.sweep(datetime.datetime(2026, 6, 2, 8, 0, tzinfo=UTC))
    assert len(mail.outbox) == 2
    assert ReminderSent.objects.count() == 2


def test_nothing_is_sent_when_nothing_is_due_and_something_due_later_that_day_is(
    reminders, monkeypatch
):
    reminders.turn_on()
    monkeypatch.setattr(
        reminder_service, "todo_for", lambda patient, now: ToDo(today=now.date(), items=[])
    )
    assert reminders.sweep(MORNING) == []
    assert mail.outbox == [] and not ReminderSent.objects.exists()
    monkeypatch.setattr(reminder_service, "todo_for", todo_for)
    assert reminders.sweep(MORNING + datetime.timedelta(hours=3))
    assert len(mail.outbox) == 1


def test_a_rerun_and_a_second_worker_send_nothing_more(reminders, monkeypatch):
    reminders.turn_on()
    assert reminders.sweep(MORNING)
    assert reminders.sweep(MORNING) == []
    call_command("send_reminders", stdout=StringIO())
    # A second worker that read the claimed days before the first claimed: the unique
    # row refuses its claim, and it queues nothing.
    monkeypatch.setattr(reminder_service, "claimed_days", lambda now: set())
    assert reminders.sweep(MORNING) == []
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1
    created = AuditEvent.objects.filter(action=AuditAction.CREATED, patient_id=reminders.patient.pk)
    assert created.filter(detail__reminder="email").count() == 1


def test_a_reminder_queued_before_an_unsubscribe_or_held_into_quiet_hours_is_not_sent(
    reminders, django_capture_on_commit_callbacks
):
    reminders.turn_on()
    reminder = ReminderSent.objects.create(
        patient=reminders.patient,
        local_date=datetime.date(2026, 6, 1),
        claimed_at=MORNING,
        things_to_do=2,
    )
    reminders.clock.at(datetime.datetime(2026, 6, 1, 21, 0, tzinfo=UTC))  # 22:00 BST
    assert send_reminder_email.call(reminder.pk) is False
    reminders.clock.at(MORNING)
    Client().post(
        reverse(
            "patientportal:unsubscribe-one-click", args=[unsubscribe_token(reminders.patient.pk)]
        )
    )
    assert send_reminder_email.call(reminder.pk) is False
    assert mail.outbox == []


def test_a_patient_with_no_current_plan_gets_no_reminder(reminders):
    """Discharged (their plan completed), nothing is asked of them: no daily check-in."""
    reminders.turn_on()
    plan = reminders.world.plan
    plan.refresh_from_db()
    update_plan(plan, reminders.world.lead, plan.version, status=CarePlanStatus.COMPLETED)
    assert todo_for(reminders.patient, MORNING).items == []
    assert reminders.sweep(MORNING) == []
    assert mail.outbox == [] and not ReminderSent.objects.exists()


def test_only_active_patient_logins_with_an_address_are_reminded(reminders):
    reminders.turn_on()
    user = reminders.world.patient_user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert reminders.sweep(MORNING) == []
    user.is_active = True
    user.email = ""
    user.save(update_fields=["is_active", "email"])
    Patient.objects.filter(pk=reminders.patient.pk).update(email="")
    assert reminders.sweep(MORNING) == []
    assert mail.outbox == []


# --- What the email says -------------------------------------------------------------------

HEALTH_WORDS = (
    "pain",
    "depress",
    "anxiety",
    "mood",
    "worry",
    "injection",
    "procedure",
    "ablation",
    "block",
    "diagnos",
    "questionnaire",
    "exercise",
    "flare",
    "spine",
    "back",
)


def words_of(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[A-Za-z][A-Za-z0-9-]{3,}", text)}


def test_the_email_names_no_health_detail_only_how_many_things_and_the_links(reminders, site_tree):
    world = reminders.world
    article = make_article(site_tree.articles, "Living with sciatica after epidural")
    assign_reading(world.plan, world.lead, article, note="Before your next visit")
    schedule_questionnaire(world.team.mental_health, world.plan, PHQ9.code, now=MORNING)
    reminders.turn_on()
    items = todo_for(reminders.patient, MORNING).items
    assert len(items) >= 3
    assert {item.kind for item in items} >= {"reading", "questionnaire"}

    assert reminders.sweep(MORNING)
    [message] = mail.outbox
    text = f"{message.subject}\n{message.body}".lower()
    assert f"You have {len(items)} things to do on your Northbridge Clinic portal" in message.body
    assert "http://testserver/my/\n" in message.body
    # Every distinctive word of every item on the list, and every instrument's names.
    email_words = words_of(message.body) | words_of(message.subject)
    forbidden = set()
    for item in items:
        forbidden |= words_of(item.title)
    for instrument in INSTRUMENTS.values():
        forbidden |= {instrument.code.lower(), instrument.short_title.lower()}
        forbidden |= words_of(instrument.title)
    forbidden -= {"your", "with", "have", "what", "this", "that", "from", "about", "things"}
    assert not forbidden & email_words, forbidden & email_words
    for word in HEALTH_WORDS:
        assert not re.search(rf"\b{word}", text), word
    patient = reminders.patient
    for private in (patient.given_name, patient.family_name, patient.record_number):
        assert private.lower() not in text
    assert message.subject == "A reminder from your Northbridge Clinic portal"


def test_the_email_names_the_clinic_by_its_neutral_name_never_the_sites(reminders, settings):
    settings.CLINIC_NEUTRAL_NAME = "Quayside Health Centre"
    reminders.turn_on()
    assert reminders.sweep(MORNING)
    [message] = mail.outbox
    assert message.subject == "A reminder from your Quayside Health Centre portal"
    assert message.body.rstrip().endswith("Quayside Health Centre")
    for word in ("Pain", "Spine", settings.WAGTAIL_SITE_NAME):
        assert word not in message.subject and word not in message.body


def test_the_email_carries_rfc_8058_one_click_unsubscribe_headers(reminders):
    reminders.turn_on()
    reminders.sweep(MORNING)
    [message] = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header.startswith("<http://testserver/my/reminders/unsubscribe/")
    assert header.endswith("/one-click/>")
    # The link in the body is the confirmation page, not the one-click address.
    token = unsubscribe_token(reminders.patient.pk)
    assert f"http://testserver/my/reminders/unsubscribe/{token}/\n" in message.body


# --- Unsubscribing without a login ---------------------------------------------------------


def unsubscribe_path(reminders: Reminders, name: str = "unsubscribe") -> str:
    return reverse(f"patientportal:{name}", args=[unsubscribe_token(reminders.patient.pk)])


def test_opening_the_unsubscribe_link_asks_and_changes_nothing(reminders):
    reminders.turn_on()
    changes = AuditEvent.objects.filter(action=AuditAction.CHANGED).count()
    response = Client().get(unsubscribe_path(reminders))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop reminder emails?" in html and 'method="post"' in html
    assert_accessible_page(html)
    assert reminders.preference().enabled is True
    assert AuditEvent.objects.filter(action=AuditAction.CHANGED).count() == changes


def test_the_confirmation_button_turns_reminders_off_and_says_so_audited(reminders):
    reminders.turn_on()
    client = Client(enforce_csrf_checks=True)
    page = client.get(unsubscribe_path(reminders))
    token = page.context["csrf_token"]
    bare = client.post(unsubscribe_path(reminders), {"csrfmiddlewaretoken": token})
    assert bare.status_code == 400 and reminders.preference().enabled is True
    response = client.post(
        unsubscribe_path(reminders), {"csrfmiddlewaretoken": token, "confirm": "yes"}
    )
    assert response.status_code == 200
    assert "You will get no more reminder emails." in response.content.decode()
    assert_accessible_page(response.content.decode())
    assert reminders.preference().enabled is False
    event = AuditEvent.objects.filter(action=AuditAction.CHANGED).latest("pk")
    assert event.patient_id == reminders.patient.pk and event.actor_id is None
    assert event.detail["via"] == "unsubscribe link"
    assert event.path == TOKENLESS_AUDIT_PATH
    assert reminders.sweep(MORNING) == [] and mail.outbox == []


def test_a_one_click_post_unsubscribes_without_a_session_or_csrf_token(reminders):
    reminders.turn_on()
    reminders.sweep(MORNING)
    one_click = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = one_click.removeprefix("http://testserver")
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 405
    assert reminders.preference().enabled is True
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert reminders.preference().enabled is False
    assert AuditEvent.objects.filter(detail__via="one-click unsubscribe").count() == 1
    # Again: still off, nothing more recorded.
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert AuditEvent.objects.filter(detail__via="one-click unsubscribe").count() == 1


def tampered_tokens(patient_id: int) -> list[str]:
    good = unsubscribe_token(patient_id)
    value, signature = good.split(":", 1)
    return [
        f"{patient_id + 1}:{signature}",  # another patient's id under this one's signature
        f"{value}:{signature[:-2]}xx",
        signing.Signer().sign(str(patient_id)),  # the site's key without this salt
        signing.Signer(salt=UNSUBSCRIBE_SALT + "x").sign(str(patient_id)),
        "not-a-token",
        signing.Signer(salt=UNSUBSCRIBE_SALT).sign("abc"),
    ]


@pytest.mark.parametrize("name", ["unsubscribe", "unsubscribe-one-click"])
def test_a_tampered_unsubscribe_token_is_refused_clearly_and_recorded(reminders, name):
    reminders.turn_on()
    other = reminders.world.other_plan.patient
    for token in tampered_tokens(reminders.patient.pk):
        path = reverse(f"patientportal:{name}", args=[token])
        responses = [Client().post(path, {"confirm": "yes"})]
        if name == "unsubscribe":
            responses.append(Client().get(path))
        for response in responses:
            assert response.status_code == 400, token
            assert "This link does not work" in response.content.decode()
            assert_accessible_page(response.content.decode())
    assert reminders.preference().enabled is True
    assert not ReminderPreference.objects.filter(patient=other).exists()
    denied = AuditEvent.objects.filter(
        action=AuditAction.DENIED, detail__reason="invalid unsubscribe link"
    )
    assert denied.count() >= len(tampered_tokens(reminders.patient.pk))
    assert set(denied.values_list("path", flat=True)) == {TOKENLESS_AUDIT_PATH}


def test_a_link_for_a_patient_no_longer_on_record_is_refused(reminders):
    token = unsubscribe_token(999_999)
    response = Client().get(reverse("patientportal:unsubscribe", args=[token]))
    assert response.status_code == 400
