"""The "Your account" page (/accounts/): where a logged-in user finds the pages for their own
login, whatever kind of user they are.

Each app adds its page from ``AppConfig.ready()``, so this app names none of the apps above
it (the second factor's page comes from ``mfa``):

    register(AccountPage("Change your password", "password_change", "...", order=10))

``account_pages()`` lists them in order, their URLs reversed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class AccountPage:
    label: str  # the link's text: what the page lets the user do
    url_name: str
    description: str  # one sentence under the link
    order: int = 100  # lower first


@dataclass(frozen=True)
class AccountLink:
    label: str
    url: str
    description: str


_pages: dict[str, AccountPage] = {}


def register(page: AccountPage) -> None:
    """Add a page; registering the same URL name again replaces it (ready() may rerun)."""
    _pages[page.url_name] = page


def account_pages() -> list[AccountLink]:
    pages = sorted(_pages.values(), key=lambda page: (page.order, page.url_name))
    return [AccountLink(page.label, reverse(page.url_name), page.description) for page in pages]
