"""Demo messages: on Alex's current plan, a question about pacing to the whole team and the
physical therapist's answer (``manage.py seed_demo``, after the patient portal's seeder).
All the words are made up. Kept as they are when the thread is already there; sent through
the services, so the demo's audit trail and read markers are as real ones would be."""

from __future__ import annotations

from typing import TextIO

from django.contrib.auth import get_user_model

from careteam.models import Patient
from patientportal.demo import ALEX_RECORD
from patientportal.services.patients import current_plans_for_patient

from .models import Audience, Thread
from .services import reply, start_thread

SUBJECT = "Pacing on my office days"
QUESTION = (
    "On the days I go into the office I do fine until lunch, then my back aches all "
    "afternoon and I skip my evening exercises. Should I still do all of them on those "
    "days, or fewer?"
)
ANSWER = (
    "Thanks for asking, Alex. On office days, split the set: the bridges and bird dogs at "
    "lunch, the rest in the evening if you feel up to it. Stand up and walk for two minutes "
    "every half hour, even when it feels fine. Keep a note of how the afternoons go for two "
    "weeks and we will look at it together at your next visit."
)


def seed_messages(stdout: TextIO, *, reset: bool = False) -> list[tuple[str, str]]:
    alex = Patient.objects.filter(record_number=ALEX_RECORD).select_related("user").first()
    physio = get_user_model().objects.filter(username="pt.morgan").first()
    plan = current_plans_for_patient(alex).first() if alex is not None else None
    if alex is None or plan is None or alex.user is None or physio is None:
        stdout.write("Messages: no demo patient with a login and a current plan; none added.\n")
        return []
    if Thread.objects.filter(plan=plan).exists():
        stdout.write("Messages: Alex's threads kept as they are.\n")
        return []
    sent = start_thread(plan, alex.user, audience=Audience.TEAM, subject=SUBJECT, body=QUESTION)
    reply(sent.message.thread, physio, ANSWER)
    stdout.write("Messages: a question about pacing from Alex, answered by pt.morgan.\n")
    return []
