"""Email reminders: the patient's settings page (/my/reminders/), and the unsubscribe link
of every reminder email, which works without logging in.

The link's page only asks (mail scanners and link previews open every link, and must not
unsubscribe anyone); its button, a POST, turns reminders off. Mail programs that offer
their own unsubscribe button post ``List-Unsubscribe=One-Click`` to a second address
(RFC 8058): no page, no session and so no CSRF token there, the signed token in the address
is the proof. A token that is not ours gets a clear 400 page and a 'denied' record; the
token itself is kept out of the audit trail.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import record_event, record_view
from careteam.models import Patient

from ..decorators import patient_required
from ..forms.reminders import ReminderPreferenceForm, UnsubscribeForm
from ..reminder_links import TOKENLESS_AUDIT_PATH, patient_id_from_token
from ..services.errors import PortalActionError
from ..services.reminder_preferences import (
    StaleReminderPreference,
    preference_for,
    quiet_hours_of,
    save_preference,
    sending_time,
    unsubscribe,
)


@patient_required
def my_reminders(request: HttpRequest, patient: Patient) -> HttpResponse:
    preference = preference_for(patient)
    if request.method != "POST":
        return _settings_page(request, patient, ReminderPreferenceForm(preference=preference))
    form = ReminderPreferenceForm(request.POST, preference=preference)
    if not form.is_valid():
        return _settings_page(request, patient, form, status=400)
    try:
        save_preference(patient, request.user, **form.cleaned_data)
    except StaleReminderPreference as stale:
        fresh = ReminderPreferenceForm(preference=preference_for(patient))
        return _settings_page(request, patient, fresh, status=409, problem=str(stale))
    except PortalActionError as error:
        return _settings_page(request, patient, form, status=400, problem=str(error))
    saved = preference_for(patient)
    if saved.enabled:
        messages.success(request, f"Reminders are on, at about {sending_time(saved):%H:%M}.")
    else:
        messages.success(request, "Reminders are off. We will not email you reminders.")
    return redirect("patientportal:reminders")


def _settings_page(
    request: HttpRequest,
    patient: Patient,
    form: ReminderPreferenceForm,
    *,
    status: int = 200,
    problem: str = "",
) -> HttpResponse:
    preference = preference_for(patient)
    record_view(
        request.user,
        patient,
        "reminder settings",
        request=request,
        patient=patient,
    )
    context = {
        "form": form,
        "preference": preference,
        "quiet_hours": quiet_hours_of(preference),
        "sending_time": sending_time(preference),
        "address": request.user.email or patient.email,
        "time_zone": patient.time_zone,
        "problem": problem,
    }
    return render(request, "patientportal/reminders.html", context, status=status)


def _patient_of(request: HttpRequest, token: str) -> Patient | None:
    """The patient the link was made for; None (recorded as denied) for a token that is not
    ours or a patient no longer on record."""
    patient_id = patient_id_from_token(token)
    patient = Patient.objects.filter(pk=patient_id).first() if patient_id else None
    if patient is None:
        record_event(
            getattr(request, "user", None),
            AuditAction.DENIED,
            None,
            request=request,
            detail={"reason": "invalid unsubscribe link"},
            path=TOKENLESS_AUDIT_PATH,
        )
    return patient


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "patientportal/reminders_link_invalid.html", status=400)


@never_cache
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET: ask. POST (the page's button): turn reminders off and say so."""
    patient = _patient_of(request, token)
    if patient is None:
        return _invalid(request)
    if request.method != "POST":
        return render(
            request, "patientportal/reminders_unsubscribe.html", {"form": UnsubscribeForm()}
        )
    form = UnsubscribeForm(request.POST)
    if not form.is_valid():
        context = {"form": form}
        return render(request, "patientportal/reminders_unsubscribe.html", context, status=400)
    unsubscribe(patient, via="unsubscribe link", path=TOKENLESS_AUDIT_PATH)
    return render(request, "patientportal/reminders_unsubscribed.html")


@csrf_exempt
@never_cache
@require_POST
def unsubscribe_one_click(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058's one-click unsubscribe, posted by a mail program: no CSRF token (there is
    no page and no session), the signed token is the check."""
    patient = _patient_of(request, token)
    if patient is None:
        return _invalid(request)
    unsubscribe(patient, via="one-click unsubscribe", path=TOKENLESS_AUDIT_PATH)
    return render(request, "patientportal/reminders_unsubscribed.html")
