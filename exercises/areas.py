"""The patient's exercise programme in their navigation, after the patient portal's links."""

from core.areas import Area

EXERCISES_AREA = Area(
    name="exercises",
    label="The patient's home exercise programme",
    links=(("My exercises", "exercises:programme"),),
    profile="patient_profile",
    inactive_users=False,
    order=22,  # after the patient portal's own links and its messages
)
