"""``manage.py escalate_alerts``: escalate every red-flag alert nobody has acknowledged in
time (``patientportal.services.escalation``). Run it every minute from a timer
(deploy/systemd/clinic-portal-escalate.timer) or cron; in development, where tasks cannot
wait, it is the only way alerts escalate. Safe to run as often as you like: each alert
escalates once."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from patientportal.services.escalation import escalate_overdue_alerts


class Command(BaseCommand):
    help = "Escalate red-flag alerts that nobody has acknowledged in time (each alert once)."

    def handle(self, *args, **options) -> None:
        escalated = escalate_overdue_alerts()
        listed = ": " + ", ".join(str(alert.pk) for alert in escalated) if escalated else ""
        self.stdout.write(f"Escalated {len(escalated)} red-flag alert(s){listed}.")
