"""Template tags that put the patient-portal parts on the care team's pages:

{% load patientportal_tags %}
{% patient_portal_panel plan access.codenames %}   on the plan page
{% red_flag_alerts %}             on the dashboard
"""

from django import template

from ..services.checkins import open_alerts_for_user
from ..services.team_panel import plan_portal_panel

register = template.Library()


@register.inclusion_tag("patientportal/includes/plan_portal_panel.html", takes_context=True)
def patient_portal_panel(context, plan, known_perms=None):
    """``known_perms``: the user's permissions on the plan, when the page has them."""
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "panel": plan_portal_panel(request.user, plan, known_perms=known_perms),
    }


@register.inclusion_tag("patientportal/includes/red_flag_alerts.html", takes_context=True)
def red_flag_alerts(context):
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "alerts": list(open_alerts_for_user(request.user)),
    }
