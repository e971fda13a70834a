"""The editor's readability panel while they type: portal/static/portal/js/readability.js
posts the edit form here as it stands (after a pause in typing) and shows the report this
answers, graded exactly as the saved page would be. Nothing is saved.

Mounted under the Wagtail admin (portal/wagtail_hooks.py), so only people who may open the
admin reach it, and only for a page they may edit, or add under the parent page given.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST
from wagtail.models import Page

from portal.panels import readability_context

# The page types whose editor shows the readability panel.
GRADED_PAGE_TYPES = ("articlepage", "treatmentpage")
# A plain 403 for the script (Wagtail's admin would redirect a PermissionDenied to its home).
NOT_YOURS = "You may not edit this page, so it has no readability report for you."


def _graded(page: Page) -> Page:
    if page._meta.app_label != "portal" or page._meta.model_name not in GRADED_PAGE_TYPES:
        raise Http404("This page type has no readability report.")
    return page


def _report(request: HttpRequest, page: Page, parent: Page) -> HttpResponse:
    form_class = page.get_edit_handler().get_form_class()
    form = form_class(request.POST, instance=page, parent_page=parent, for_user=request.user)
    # Validating fills form.instance with every field that cleaned; the rest keep their
    # saved values. The report grades what is there, errors or not.
    form.is_valid()
    faq = form.formsets.get("faq_items")
    faq_items = [
        row.instance
        for row in (faq.forms if faq is not None else [])
        if row.is_valid() and not row.cleaned_data.get("DELETE")
    ]
    context = readability_context(
        form.instance, faq_items=faq_items, summary=request.POST.get("summary", "")
    )
    return render(request, "portal/admin/readability_report.html", context)


@require_POST
def edit_report(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_object_or_404(Page, pk=page_id).get_latest_revision_as_object()
    if not page.permissions_for_user(request.user).can_edit():
        return HttpResponseForbidden(NOT_YOURS, content_type="text/plain")
    return _report(request, _graded(page), page.get_parent().specific)


@require_POST
def add_report(
    request: HttpRequest, app_label: str, model_name: str, parent_page_id: int
) -> HttpResponse:
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    except ContentType.DoesNotExist as error:
        raise Http404("No such page type.") from error
    model = content_type.model_class()
    if model is None or not issubclass(model, Page):
        raise Http404("No such page type.")
    parent = get_object_or_404(Page, pk=parent_page_id).specific
    if not parent.permissions_for_user(request.user).can_add_subpage():
        return HttpResponseForbidden(NOT_YOURS, content_type="text/plain")
    return _report(request, _graded(model()), parent)
