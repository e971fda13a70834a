"""The partial GIN index behind ``AuditEvent.objects.trail_for_plan`` also covers the API's
list of plans (``audit.models.API_LISTING``), so a plan's trail shows each API list that
named it. PostgreSQL only."""

from django.db import migrations

WITH_API = """
DROP INDEX IF EXISTS audit_event_listing_plans;
CREATE INDEX audit_event_listing_plans ON audit_auditevent
    USING gin ((detail -> 'plans') jsonb_path_ops)
    WHERE (detail -> 'what') IN
        ('"dashboard"'::jsonb, '"clinic alerts"'::jsonb, '"api plan list"'::jsonb);
"""

WITHOUT_API = """
DROP INDEX IF EXISTS audit_event_listing_plans;
CREATE INDEX audit_event_listing_plans ON audit_auditevent
    USING gin ((detail -> 'plans') jsonb_path_ops)
    WHERE (detail -> 'what') IN ('"dashboard"'::jsonb, '"clinic alerts"'::jsonb);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WITH_API)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WITHOUT_API)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0008_listing_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
