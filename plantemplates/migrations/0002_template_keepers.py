from django.db import migrations


def give_keepers_their_rights(apps, schema_editor):
    from plantemplates.keepers import ensure_template_keepers

    ensure_template_keepers(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("plantemplates", "0001_plan_templates"),
        ("portal", "0002_review_groups_and_workflow"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(give_keepers_their_rights, migrations.RunPython.noop)]
