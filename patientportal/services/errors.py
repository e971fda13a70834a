"""What patient-portal services raise; views turn them into clear 4xx responses."""

from django.core.exceptions import PermissionDenied


class PortalAccessDenied(PermissionDenied):
    """The actor may not do this to this plan or patient (answer 404: existence stays hidden)."""


class PortalActionError(ValueError):
    """The request makes no sense in the current state; the message says why, in plain words."""
