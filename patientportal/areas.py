"""The patient's area of the site under /my/: their to-do list first (where they land after
logging in), then their plan, assigned reading and check-in."""

from core.areas import Area

PATIENT_AREA = Area(
    name="patientportal",
    label="The patient's own pages",
    links=(
        ("To do", "patientportal:home"),
        ("My plan", "patientportal:plan"),
        ("My reading", "patientportal:reading"),
        ("Check-in", "patientportal:check-in"),
    ),
    home="patientportal:home",
    profile="patient_profile",
    inactive_users=False,  # a login not yet accepted, or switched off, shows none of it
    order=20,
)
