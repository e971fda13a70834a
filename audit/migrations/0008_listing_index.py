"""The partial GIN index behind ``AuditEvent.objects.trail_for_plan`` now covers every
listing of plans (``audit.models.LISTINGS``: the dashboard and the on-call list of red-flag
alerts), so a plan's trail shows each list that named it. PostgreSQL only."""

from django.db import migrations

CREATE_LISTINGS = """
CREATE INDEX IF NOT EXISTS audit_event_listing_plans ON audit_auditevent
    USING gin ((detail -> 'plans') jsonb_path_ops)
    WHERE (detail -> 'what') IN ('"dashboard"'::jsonb, '"clinic alerts"'::jsonb);
DROP INDEX IF EXISTS audit_event_dashboard_plans;
"""

CREATE_DASHBOARD_ONLY = """
CREATE INDEX IF NOT EXISTS audit_event_dashboard_plans ON audit_auditevent
    USING gin ((detail -> 'plans') jsonb_path_ops)
    WHERE (detail -> 'what') = '"dashboard"'::jsonb;
DROP INDEX IF EXISTS audit_event_listing_plans;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_LISTINGS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_DASHBOARD_ONLY)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_login_actions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
