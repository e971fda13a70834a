"""The user's own choice of email notices for new messages (/accounts/messages/)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from careteam.views.forms_util import posted

from ..forms import NotificationSettingsForm
from ..services.notices import set_email_notices, wants_email


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = wants_email(request.user)
    form = NotificationSettingsForm(posted(request), initial={"email_on_new_message": current})
    if request.method == "POST":
        if form.is_valid():
            wanted = form.cleaned_data["email_on_new_message"]
            set_email_notices(request.user, wanted)
            flash.success(
                request,
                "You will be emailed when a message arrives."
                if wanted
                else "You will not be emailed about new messages; they still wait on the site.",
            )
            return redirect(reverse("messaging_account:settings"))
        return render(request, "messaging/notification_settings.html", {"form": form}, status=400)
    return render(request, "messaging/notification_settings.html", {"form": form})
