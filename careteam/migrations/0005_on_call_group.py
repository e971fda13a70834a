"""The "On call" group (careteam.policy.ON_CALL_GROUP): its members who are providers see
every open and recently closed red-flag alert of the clinic at /care/alerts/. A clinic
administrator adds people to it in the Wagtail admin's Users."""

from django.db import migrations

ON_CALL_GROUP = "On call"  # careteam.policy.ON_CALL_GROUP


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).get_or_create(name=ON_CALL_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("careteam", "0004_emergency_access"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
