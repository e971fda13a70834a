"""Emergency access ("break the glass") pages under /care/emergency/.

- ``emergency_access``: a pain-management physician confirms their password (and code)
  again (mfa's step-up), then gives the patient's record number and
  the reason; the first submission lists that patient's open plans (title and lead only),
  the second, with one chosen, opens it read-only and goes to its page.
- ``emergency_access_detail``: a grant's record (reason, times, every page viewed under it)
  for its holder, the plan's lead and the clinic's privacy officers, who need not be
  providers: the link in the notification email leads here.
- ``emergency_access_end``: its holder or the plan's lead ends it early (POST).

Rules come from ``careteam.policy`` through ``careteam.services.emergency``; a refusal is
404 for someone who may not know of the grant, else 403 with the policy's sentence.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from careteam.forms import EmergencyAccessForm
from careteam.policy import (
    ClinicAction,
    EmergencyAction,
    may_break_the_glass,
    may_end_emergency_access,
    rights_on,
)
from careteam.services import (
    emergency_plan,
    emergency_plans_for,
    end_emergency_access,
    open_emergency_access,
    review_emergency_access,
)
from careteam.services.emergency import (
    NO_SUCH_OPEN_PLAN,
    NO_SUCH_RECORD_NUMBER,
    get_emergency_access,
)
from careteam.services.errors import CareAccessDenied
from mfa.stepup import recent_authentication_required

from .authorization import ActionNotAllowed, forbidden, provider_view, render_forbidden
from .forms_util import add_service_errors, posted

NO_OPEN_PLAN = "This patient has no open care plan."


def refused(request: HttpRequest, exc: CareAccessDenied) -> HttpResponse:
    """A refusal the service has recorded: 404, or 403 with its sentence."""
    if exc.status_code == 404:
        raise Http404("Not found.") from exc
    return render_forbidden(request, str(exc))


@provider_view("GET", "POST")
@recent_authentication_required(when=lambda request: may_break_the_glass(request.user))
def emergency_access(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_break_the_glass(user):
        return forbidden(request, ActionNotAllowed(ClinicAction.BREAK_THE_GLASS))
    form = EmergencyAccessForm(posted(request))
    candidates = None
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        record_number = form.cleaned_data["record_number"]
        chosen = request.POST.get("plan", "").strip()
        if chosen:
            plan = emergency_plan(user, record_number, chosen)
            if plan is None:
                form.add_error(None, NO_SUCH_OPEN_PLAN)
            else:
                try:
                    grant = open_emergency_access(user, plan, form.cleaned_data["reason"])
                except CareAccessDenied as exc:
                    form.add_error(None, str(exc))
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    until = timezone.localtime(grant.expires_at)
                    messages.warning(
                        request,
                        f"Emergency access is open: read-only, until {until:%H:%M}. The "
                        "plan's lead and the privacy officers have been told.",
                    )
                    return redirect("careteam:plan-detail", plan_id=plan.pk)
        else:
            candidates = emergency_plans_for(user, record_number)
            if candidates is None:
                form.add_error("record_number", NO_SUCH_RECORD_NUMBER)
            elif not candidates:
                form.add_error("record_number", NO_OPEN_PLAN)
            else:
                status = 200
    context = {
        "form": form,
        "candidates": candidates,
        # Plans still to open (the others the physician can open already, as a link).
        "choosable": [each for each in candidates or () if not each.rights.can_view],
        "hours": settings.EMERGENCY_ACCESS_HOURS,
    }
    return render(request, "careteam/emergency_access.html", context, status=status)


@login_required
@require_GET
def emergency_access_detail(request: HttpRequest, grant_id: int) -> HttpResponse:
    try:
        grant, events = review_emergency_access(request.user, grant_id)
    except CareAccessDenied as exc:
        return refused(request, exc)
    context = {
        "grant": grant,
        "events": list(events),
        "can_end": grant.is_active and may_end_emergency_access(request.user, grant),
        "can_open_plan": rights_on(request.user, grant.plan).can_view,
    }
    return render(request, "careteam/emergency_access_detail.html", context)


@login_required
@require_POST
def emergency_access_end(request: HttpRequest, grant_id: int) -> HttpResponse:
    try:
        grant = get_emergency_access(request.user, grant_id, EmergencyAction.END)
        ended = end_emergency_access(request.user, grant)
    except CareAccessDenied as exc:
        return refused(request, exc)
    if ended:
        messages.success(request, "The emergency access has ended.")
    else:
        messages.info(request, "That emergency access had already ended.")
    if grant.user_id == request.user.pk:
        return redirect("careteam:dashboard")
    return redirect("careteam:plan-detail", plan_id=grant.plan_id)
