"""Who keeps plan templates in the Wagtail admin (/cms/): the rights of two groups.

- Pain-management physicians ("Pain management physicians", the group careteam puts them in
  when their provider profile is saved) open the admin and add, change, publish and delete
  templates: only a physician puts clinical content live.
- Editors add and change them (drafts) for a physician to publish.

Other providers and patients hold neither group and reach no template in the admin. Written
against an app registry, so the same idempotent code runs from this app's data migration
(historical models) and from the demo seeder (the live registry)."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from careteam.grants import PLAN_CREATORS_GROUP
from portal.services.review_workflow import EDITORS

MODEL = "plantemplate"
KEEPER_ACTIONS: dict[str, tuple[str, ...]] = {
    PLAN_CREATORS_GROUP: ("add", "change", "view", "publish", "delete"),
    EDITORS: ("add", "change", "view"),
}


def ensure_template_keepers(apps=global_apps) -> None:
    """Create (or top up) both groups' rights on plan templates, and the admin access the
    physicians need to reach them."""
    for app_label in ("plantemplates", "wagtailadmin"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = getattr(app_config, "models_module", None) or True
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name, actions in KEEPER_ACTIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        held = Permission.objects.filter(
            content_type__app_label="plantemplates",
            codename__in=[f"{action}_{MODEL}" for action in actions],
        )
        group.permissions.add(access_admin, *held)
