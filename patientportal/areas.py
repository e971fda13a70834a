"""The patient's area of the site: their plan, assigned reading and check-in under /my/."""

from core.areas import Area

PATIENT_AREA = Area(
    name="patientportal",
    label="The patient's own pages",
    links=(
        ("My plan", "patientportal:plan"),
        ("My reading", "patientportal:reading"),
        ("Check-in", "patientportal:check-in"),
    ),
    home="patientportal:plan",
    profile="patient_profile",
    inactive_users=False,  # a login not yet accepted, or switched off, shows none of it
    order=20,
)
