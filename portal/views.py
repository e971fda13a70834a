from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

PRIVATE_PREFIXES = ("/cms/", "/care/", "/my/", "/accounts/")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Send each kind of user to the place they came for."""
    if hasattr(request.user, "provider_profile"):
        return redirect("careteam:dashboard")
    if hasattr(request.user, "patient_profile"):
        return redirect("patientportal:plan")
    return redirect("/")
