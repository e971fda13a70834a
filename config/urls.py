from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

import careteam.converters  # noqa: F401  (registers <id:...> for the routes below)
from core import views as core_views
from portal import search_views

urlpatterns = [
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", core_views.login, name="login"),
    path("accounts/logout/", core_views.logout, name="logout"),
    path("accounts/after-login/", core_views.after_login, name="after-login"),
    path("robots.txt", core_views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("search/", search_views.search, name="search"),
    path("care/", include("careteam.urls")),
    path("my/", include("patientportal.urls")),
    path("care/plans/<id:plan_id>/portal/", include("patientportal.team_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves everything not matched above, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
