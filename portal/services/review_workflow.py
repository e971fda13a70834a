"""Editorial roles and the medical review workflow.

Editors write and submit; only a medical reviewer's approval publishes. Written against an
app registry so the same idempotent code runs from a data migration (historical models) and
from the demo seeder (the live registry).
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITORS = "Editors"
MEDICAL_REVIEWERS = "Medical reviewers"
WORKFLOW_NAME = "Medical review"
TASK_NAME = "Medical reviewer approval"

SNIPPET_MODELS = ["person", "topic", "condition", "contraindicationtag"]

PAGE_PERMISSIONS = {
    EDITORS: ["add", "change", "lock"],
    MEDICAL_REVIEWERS: ["add", "change", "lock", "publish", "unlock"],
}
COLLECTION_PERMISSIONS = {
    EDITORS: {
        "wagtailimages": ["add_image", "change_image", "choose_image"],
        "wagtaildocs": ["add_document", "change_document", "choose_document"],
    },
    MEDICAL_REVIEWERS: {
        "wagtailimages": ["add_image", "change_image", "choose_image"],
        "wagtaildocs": ["add_document", "change_document", "choose_document"],
    },
}
SNIPPET_ACTIONS = {
    EDITORS: ["add", "change", "view"],
    MEDICAL_REVIEWERS: ["add", "change", "view", "delete"],
}


def ensure_review_setup(apps=global_apps) -> None:
    """Create (or top up) the two groups, their permissions and the review workflow."""
    _ensure_permissions_exist(apps)
    Group = apps.get_model("auth", "Group")
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in PAGE_PERMISSIONS}
    for name, group in groups.items():
        _grant_model_permissions(apps, group, name)
        _grant_page_permissions(apps, group, PAGE_PERMISSIONS[name])
        _grant_collection_permissions(apps, group, COLLECTION_PERMISSIONS[name])
    _ensure_workflow(apps, groups[MEDICAL_REVIEWERS])


def _ensure_permissions_exist(apps) -> None:
    # Permissions are normally created after migrate finishes; a data migration needs them now.
    for app_label in ("portal", "wagtailcore", "wagtailadmin", "wagtailimages", "wagtaildocs"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = getattr(app_config, "models_module", None) or True
        create_permissions(app_config, verbosity=0, apps=apps)


def _permission(apps, app_label: str, codename: str):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant_model_permissions(apps, group, group_name: str) -> None:
    perms = [_permission(apps, "wagtailadmin", "access_admin")]
    perms += [
        _permission(apps, "portal", f"{action}_{model}")
        for model in SNIPPET_MODELS
        for action in SNIPPET_ACTIONS[group_name]
    ]
    group.permissions.add(*perms)


def _root_page(apps):
    return apps.get_model("wagtailcore", "Page").objects.get(depth=1)


def _grant_page_permissions(apps, group, actions: list[str]) -> None:
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = _root_page(apps)
    for action in actions:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root, permission=_permission(apps, "wagtailcore", f"{action}_page")
        )


def _grant_collection_permissions(apps, group, by_app: dict[str, list[str]]) -> None:
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_collection = Collection.objects.get(depth=1)
    for app_label, codenames in by_app.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=_permission(apps, app_label, codename),
            )


def _ensure_workflow(apps, reviewers) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type)
    task.groups.add(reviewers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=_root_page(apps), defaults={"workflow": workflow})
