"""The "Privacy officers" group (audit.privacy): its members review the whole audit trail at
/privacy/audit/. A clinic administrator adds people to it in the Wagtail admin's Users."""

from django.db import migrations

PRIVACY_OFFICERS_GROUP = "Privacy officers"  # audit.privacy.PRIVACY_OFFICERS_GROUP


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).get_or_create(name=PRIVACY_OFFICERS_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_chain_triggers"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
