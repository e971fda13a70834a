"""The care team's area of the site: providers land on their plans at /care/."""

from core.areas import Area

CARE_TEAM_AREA = Area(
    name="careteam",
    label="Care plans for providers",
    links=(("Care plans", "careteam:dashboard"),),
    home="careteam:dashboard",
    profile="provider_profile",
    # Kept as it was before areas: the link does not depend on the login being active
    # (the care views refuse a switched-off login themselves).
    inactive_users=True,
    order=10,  # first, so someone who is both provider and patient lands on /care/
)
