"""The user's email notices for messages, under /accounts/messages/ (config/urls.py)."""

from django.urls import path

from .views import account

app_name = "messaging_account"

urlpatterns = [
    path("", account.notification_settings, name="settings"),
]
