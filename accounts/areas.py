"""What accounts adds to the site: "Your account" in the header for every logged-in user, and
the two pages of its own that the account page lists (``accounts.account_page``)."""

from core.areas import Area

from .account_page import AccountPage

ACCOUNT_AREA = Area(
    name="accounts",
    label="Every login's own account pages",
    links=(("Your account", "account"),),
    every_login=True,
    order=200,  # last: after the pages each kind of user came for
)

PASSWORD_PAGE = AccountPage(
    "Change your password",
    "password_change",
    "Choose a new password. Everywhere else you are logged in is logged out.",
    order=10,
)
SESSIONS_PAGE = AccountPage(
    "Where you are logged in",
    "sessions",
    "See the browsers and devices logged in as you, and log out any you do not recognise.",
    order=30,
)
