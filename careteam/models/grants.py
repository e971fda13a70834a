"""guardian's direct foreign-key permission tables for care plans (a join, not a generic
relation, when checking)."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class CarePlanUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("careteam.CarePlan", on_delete=models.CASCADE)


class CarePlanGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("careteam.CarePlan", on_delete=models.CASCADE)
