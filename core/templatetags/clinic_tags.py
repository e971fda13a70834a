"""The clinic's name and emergency number for any template, even one rendered without a
request (the 500 page, emails): ``{% load clinic_tags %}{% clinic_name %}``."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def clinic_name() -> str:
    """The clinic's name, for page titles: never the host name that a view such as Django's
    login view puts in ``site_name``."""
    return settings.WAGTAIL_SITE_NAME


@register.simple_tag
def emergency_number() -> str:
    return settings.CLINIC_EMERGENCY_NUMBER
