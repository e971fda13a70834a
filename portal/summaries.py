"""The summary every article and treatment page carries: one or two plain sentences shown
in listings, search results and the page's meta description, so it has a limit."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator

SUMMARY_MAX_LENGTH = 300
SUMMARY_HELP = (
    "One or two plain sentences shown in listings and search, at most "
    f"{SUMMARY_MAX_LENGTH} characters."
)
SUMMARY_TOO_LONG = (
    "Keep the summary to %(limit_value)d characters or fewer (it has %(show_value)d). It "
    "shows in listings and search results: one or two plain sentences. Move the rest into "
    "the body."
)


def summary_length_validator() -> MaxLengthValidator:
    return MaxLengthValidator(SUMMARY_MAX_LENGTH, message=SUMMARY_TOO_LONG)
