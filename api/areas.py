"""Where the API shows itself in the site: the user's token page on "Your account"."""

from accounts.account_page import AccountPage

TOKENS_PAGE = AccountPage(
    "API tokens",
    "api-tokens",
    "Let another system, such as your health app, read your records as you.",
    order=40,
)
