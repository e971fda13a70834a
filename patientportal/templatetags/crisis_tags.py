"""Where a patient in crisis can turn, from settings, for any template, even one rendered
while the database is out of reach (the crisis page that could not save):
``{% load crisis_tags %}{% crisis_line %}``."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def crisis_line() -> str:
    return settings.CLINIC_CRISIS_LINE


@register.simple_tag
def national_helpline() -> str:
    return settings.NATIONAL_HELPLINE
