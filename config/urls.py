from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

import careteam.converters  # noqa: F401  (registers <id:...> for the routes below)
from core import views as core_views
from fhir_server import views as fhir_views
from portal import search_views

urlpatterns = [
    # Wagtail's own login page is replaced by the site's (lockout, password rules, reset).
    path("cms/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", core_views.login, name="login"),
    path("accounts/logout/", core_views.logout, name="logout"),
    path("accounts/after-login/", core_views.after_login, name="after-login"),
    # Password reset and change, and where you are logged in: /accounts/sessions/ (accounts/).
    path("accounts/", include("accounts.urls")),
    # The second factor: /accounts/mfa/ (set up, verify, manage) and /accounts/confirm/.
    path("accounts/", include("mfa.urls")),
    # API tokens on the user's account: /accounts/api-tokens/ (api/).
    path("accounts/api-tokens/", include("api.account_urls")),
    # Health checks: /healthz (the process answers), /readyz (database, cache, task queues).
    path("", include("ops.urls")),
    # The JSON API (api/main.py; schema at /api/v1/openapi.json, docs at /api/v1/docs) and
    # HL7 FHIR R4 (fhir_server/).
    path("api/v1/", include("api.urls")),
    path("fhir/", include("fhir_server.urls")),
    path("robots.txt", core_views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("search/", search_views.search, name="search"),
    path("care/", include("careteam.urls")),
    # The patient's whole record as a FHIR file (fhir_server/views.py; the readable page of
    # it is /my/record/).
    path("my/record/fhir/", fhir_views.my_record_bundle, name="my-record-fhir"),
    # The patient's home exercise programme (exercises/).
    path("my/programme/", include("exercises.urls")),
    # The patient's secure messages with their team (messaging/).
    path("my/messages/", include("messaging.my_urls")),
    path("my/", include("patientportal.urls")),
    # The privacy officers' review of the whole audit trail (careteam/views/audit_review.py).
    path("privacy/", include("careteam.audit_review_urls")),
    path("care/plans/<id:plan_id>/portal/", include("patientportal.team_urls")),
    # The team's home exercise programme pages (exercises/team_urls.py).
    path("care/plans/<id:plan_id>/programme/", include("exercises.team_urls")),
    # Starting a plan from a template kept in Wagtail (plantemplates/).
    path("care/templates/", include("plantemplates.urls")),
    # Every red-flag alert of the clinic, for whoever is on call (patientportal/views/on_call.py).
    path("care/alerts/", include("patientportal.on_call_urls")),
    # Secure messages with the patient (messaging/): the team's on each plan, and each
    # user's email notices for them.
    path("care/plans/<id:plan_id>/messages/", include("messaging.team_urls")),
    path("accounts/messages/", include("messaging.account_urls")),
]

# Django's 500 page, with its inline style allowed by hash in the Content-Security-Policy.
handler500 = core_views.server_error

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves everything not matched above, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
