"""Turning what services refuse into form errors."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, QueryDict

from careteam.services.errors import StaleVersionError


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


def save_form(
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    shown: tuple[type[Exception], ...] = (),
) -> int | None:
    """Hand a posted ``form``'s input to ``save`` (a service call): None once it saved;
    otherwise the status to show the form again with, the reasons on the form. 400 for
    invalid input, a service's ``ValidationError`` or one of the ``shown`` refusals (their
    message at the top), 409 when someone changed the thing since the form was drawn."""
    if not form.is_valid():
        return 400
    try:
        save(form.cleaned_data)
    except StaleVersionError as stale:
        form.add_error(None, str(stale))
        return 409
    except ValidationError as error:
        add_service_errors(form, error)
        return 400
    except shown as refused:
        form.add_error(None, str(refused))
        return 400
    return None
