"""Wagtail's page editor for the portal's pages, with two changes (registered as page
viewsets by portal/wagtail_hooks.py):

- **No ghost drafts.** Wagtail's editor saves in the background (autosave) whenever the form
  differs from how it loaded. Its rich text editors rewrite their hidden inputs a moment after
  they start (the same content, serialised again), and on a slow or busy browser that lands
  after the form was first read, so merely opening a page and leaving saved a new revision:
  "LIVE + DRAFT" with nothing changed. A background save whose form has no changes now
  answers "saved" and stores nothing. (For the comparison to hold, rich text must be stored
  as the editor stores it: portal.importing.rich_text.as_editor_stores_it.)
- **The reviewer is told what their decision did.** Approving (or asking for changes) from the
  dashboard or the page's workflow menu shows a message: approved and published, or sent
  back to the editor.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from wagtail.admin import messages
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page, TaskState

# What a background save of an unchanged form answers: success, with no revision, so the
# browser's next autosave still starts from the revision it loaded.
NOTHING_TO_SAVE = {"success": True, "field_updates": {}}


def tell_reviewer(request: HttpRequest, page_id: int, task_state: TaskState | None) -> None:
    """A message saying what the reviewer's decision on ``task_state`` did to the page."""
    if task_state is None:
        return
    task_state.refresh_from_db()
    page = Page.objects.get(pk=page_id)
    title = page.get_admin_display_title()
    if task_state.status == TaskState.STATUS_APPROVED:
        if page.live and not page.has_unpublished_changes:
            messages.success(
                request,
                f"You approved “{title}”. It is published, and readers see it now.",
                buttons=[messages.button(page.url, "View live", new_window=False)],
            )
        else:
            messages.success(request, f"You approved “{title}”.")
    elif task_state.status == TaskState.STATUS_REJECTED:
        messages.success(
            request,
            f"You asked for changes to “{title}”. The editor is told; readers still see the "
            "version that was live before.",
        )


class PortalEditView(EditView):
    def save_action(self) -> HttpResponse:
        if self.expects_json_response and not self.has_content_changes:
            return JsonResponse(NOTHING_TO_SAVE)
        return super().save_action()

    def perform_workflow_action(self) -> HttpResponse:
        task_state = self.page.current_workflow_task_state
        response = super().perform_workflow_action()
        tell_reviewer(self.request, self.page.pk, task_state)
        return response


class PortalWorkflowActionView(WorkflowActionView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        tell_reviewer(request, self.object.pk, self.task_state)
        return response


class PortalPageViewSet(PageViewSet):
    edit_view_class = PortalEditView
    workflow_action_view_class = PortalWorkflowActionView


def portal_page_viewsets(models: list[type[Page]]) -> list[PortalPageViewSet]:
    return [
        PortalPageViewSet(name=f"portal_{model._meta.model_name}", model=model) for model in models
    ]
