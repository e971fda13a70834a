"""Starting a plan from a template: one transaction through careteam's services (so the
policy, versions and the audit trail apply as on the plan page), the patient portal's
assigned reading and the questionnaire schedules."""

from .starting import StartedPlan, TemplateNotUsable, start_plan_from_template, usable_template

__all__ = ["StartedPlan", "TemplateNotUsable", "start_plan_from_template", "usable_template"]
