"""What messaging adds to the site shell: "Messages" in a patient's navigation, with their
unread count, and the email notices page on "Your account"."""

from accounts.account_page import AccountPage
from core.areas import Area

PATIENT_MESSAGES_AREA = Area(
    name="messaging",
    label="The patient's messages with their care team",
    links=(("Messages", "messaging:messages"),),
    profile="patient_profile",
    inactive_users=False,
    order=21,  # right after the patient's own pages
)

NOTICES_PAGE = AccountPage(
    "Message notifications",
    "messaging_account:settings",
    "Choose whether you are emailed when a secure message arrives.",
    order=40,
)
