from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from portal import search_views
from portal import views as portal_views

urlpatterns = [
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/after-login/", portal_views.after_login, name="after-login"),
    path("robots.txt", portal_views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("search/", search_views.search, name="search"),
    path("care/", include("careteam.urls")),
    path("my/", include("patientportal.urls")),
    path("care/plans/<int:plan_id>/portal/", include("patientportal.team_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves everything not matched above, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
