"""``manage.py send_reminders``: email each patient who asked for reminders and has
something to do, once a day at their chosen time outside their quiet hours
(``patientportal.services.reminders``). Run it every quarter of an hour from a timer
(deploy/systemd/clinic-portal-reminders.timer) or cron. Safe to run as often as you like,
on as many machines: a patient is reminded at most once a day."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from patientportal.services.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send the day's to-do reminders that are due now (each patient at most once a day)."

    def handle(self, *args, **options) -> None:
        reminded = send_due_reminders()
        self.stdout.write(f"Queued {len(reminded)} reminder email(s).")
