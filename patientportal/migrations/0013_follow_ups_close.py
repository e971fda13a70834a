"""Follow-ups close: each gets the last day an answer is taken, worked out for the rows
already there by the rule of ``services.procedure_followups.answer_closes_on`` as it
stood when this was written (a quarter of the days since the procedure, at least one,
and never into the next follow-up's day)."""

import datetime

from django.conf import settings
from django.db import migrations, models


def _closes_on(days_table: dict, procedure: str, day_offset: int, due_on: datetime.date):
    days = sorted({int(day) for day in days_table.get(procedure, days_table["default"])})
    grace = max(1, day_offset // 4)
    later = [day for day in days if day > day_offset]
    if later:
        grace = min(grace, later[0] - day_offset - 1)
    return due_on + datetime.timedelta(days=grace)


def close_existing(apps, schema_editor):
    follow_ups = apps.get_model("patientportal", "ProcedureFollowUp")
    table = settings.PROCEDURE_FOLLOW_UP_DAYS
    rows = list(follow_ups.objects.only("procedure", "day_offset", "due_on"))
    for row in rows:
        row.closes_on = _closes_on(table, row.procedure, row.day_offset, row.due_on)
    follow_ups.objects.bulk_update(rows, ["closes_on"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("patientportal", "0012_email_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedurefollowup",
            name="closes_on",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(close_existing, migrations.RunPython.noop),
    ]
