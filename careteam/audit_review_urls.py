"""The privacy officers' pages, mounted at /privacy/ by config/urls.py (outside /care/: a
privacy officer need not be on any care team)."""

from django.urls import path

from careteam.views import audit_review

app_name = "privacy"

urlpatterns = [
    path("audit/", audit_review.audit_review, name="audit"),
    path("audit/export.csv", audit_review.audit_export, name="audit-export"),
]
