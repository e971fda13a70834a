"""Turning what services refuse into form errors."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, QueryDict


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: on a field the form has, else at
    the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, errors)


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data for a POST (even an empty one, which is still a submission), else None."""
    return request.POST if request.method == "POST" else None
