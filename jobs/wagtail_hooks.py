"""Failed tasks (dead letters) in the Wagtail admin, under Settings, for staff who hold the
"Can view failed task" permission (a group's Object permissions in Settings → Groups;
superusers always). Read-only: what happened is not edited. One dealt with may be deleted
by whoever holds "Can delete failed task"."""

from __future__ import annotations

from typing import Any

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import DeadLetter


class RecordPermissionPolicy(ModelPermissionPolicy):
    """The model's own permissions, except that nobody adds or changes one."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in {"add", "change"}:
            return False
        return super().user_has_permission(user, action)


register_permission_policy(DeadLetter, RecordPermissionPolicy(DeadLetter))


class DeadLetterViewSet(ModelViewSet):
    model = DeadLetter
    icon = "warning"
    menu_label = "Failed tasks"
    add_to_settings_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    # No form is ever shown (nobody adds or changes one), but Wagtail builds one.
    form_fields: list[str] = []
    list_display = ["task_name", "error_class", "attempts", "queue_name", "failed_at"]
    list_filter = ["task_path", "queue_name"]
    inspect_view_fields = [
        "task_path",
        "task_result_id",
        "backend",
        "queue_name",
        "priority",
        "arguments",
        "attempts",
        "error_class",
        "traceback",
        "enqueued_at",
        "failed_at",
    ]


@hooks.register("register_admin_viewset")
def register_dead_letters() -> DeadLetterViewSet:
    return DeadLetterViewSet("failed_tasks")
