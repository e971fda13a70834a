"""Follow-ups close: each gets the last day an answer is taken, worked out for the rows
already there by the rule of ``services.procedure_followups.answer_closes_on``, copied
here as it was written (a quarter of the days since the procedure, at least one, never
into the next follow-up's day, and at least the day after a question asked late), with
the follow-up days configured when it runs and the day each row was made (in the
clinic's time zone) as the day it was first asked.

The column stays nullable: nodes still on the release before this one, during a rolling
restart (docs/deploy.md), make follow-ups without it, and such a row never closes."""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def _closes_on(
    days_table: dict,
    procedure: str,
    day_offset: int,
    due_on: datetime.date,
    asked_on: datetime.date,
) -> datetime.date:
    days = sorted({int(day) for day in days_table.get(procedure, days_table["default"])})
    grace = max(1, day_offset // 4)
    later = [day for day in days if day > day_offset]
    if later:
        grace = min(grace, later[0] - day_offset - 1)
    closes_on = due_on + datetime.timedelta(days=grace)
    if due_on < asked_on:
        closes_on = max(closes_on, asked_on + datetime.timedelta(days=1))
    return closes_on


def close_existing(apps, schema_editor):
    follow_ups = apps.get_model("patientportal", "ProcedureFollowUp")
    table = settings.PROCEDURE_FOLLOW_UP_DAYS
    rows = follow_ups.objects.only("procedure", "day_offset", "due_on", "created_at")
    batch = []
    for row in rows.iterator(chunk_size=500):
        asked_on = timezone.localdate(row.created_at)
        row.closes_on = _closes_on(table, row.procedure, row.day_offset, row.due_on, asked_on)
        batch.append(row)
        if len(batch) == 500:
            follow_ups.objects.bulk_update(batch, ["closes_on"])
            batch = []
    follow_ups.objects.bulk_update(batch, ["closes_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("patientportal", "0012_email_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedurefollowup",
            name="closes_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(close_existing, migrations.RunPython.noop),
    ]
