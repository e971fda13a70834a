from django.db import migrations

# The exercise library is kept like the portal's content (portal.services.review_workflow):
# editors write drafts; medical reviewers also publish (only published exercises can be
# prescribed) and delete.
GROUP_ACTIONS = {
    "Editors": ("add", "change", "view"),
    "Medical reviewers": ("add", "change", "view", "delete", "publish"),
}


def grant_library_permissions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    # Permissions are normally created after migrate finishes; a data migration needs them now.
    content_type, _ = ContentType.objects.get_or_create(app_label="exercises", model="exercise")
    for name, actions in GROUP_ACTIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_exercise",
                defaults={"name": f"Can {action} exercise"},
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0001_exercise_library_and_programmes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0002_review_groups_and_workflow"),
    ]

    operations = [migrations.RunPython(grant_library_permissions, migrations.RunPython.noop)]
