"""The API tokens page on the user's account: /accounts/api-tokens/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.api_tokens, name="api-tokens"),
    path("<int:token_id>/revoke/", views.revoke, name="api-token-revoke"),
]
