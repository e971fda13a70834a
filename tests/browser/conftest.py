"""Browser tests: Playwright's Python package drives Debian's Chromium (never a browser of
its own download) against the real app, served by ``live_app`` on the test's database.

    def test_x(site, care_team):
        lead = site.log_in(care_team.lead)       # a browser of its own, logged in
        lead.goto(f"/care/plans/{care_team.plan.pk}/")
        check_page(lead)                         # axe-core at 1280 and 390 px

Without Chromium or axe-core they skip, with one line saying how to install it; with
``BROWSER_TESTS_REQUIRED`` set (``.ci/run`` sets it) that is a failure instead.
``BROWSER_SCREENSHOTS=docs/screenshots`` keeps the screenshots there (else a temporary
folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from tests.browser.checks import AXE_SCRIPT, DESKTOP
from tests.browser.live_app import LiveApp, serve_on_test_connection
from tests.careteam_domain_fixtures import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]
# Each wait on the page (auto-waiting actions, expect) gives up after this.
WAIT_MS = 10_000
OWN_4XX = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d ")


@cache
def missing_tools() -> str:
    if not CHROMIUM.exists():
        return "The browser tests need Chromium: apt-get install -y chromium"
    if not AXE_SCRIPT.exists():
        return "The browser tests need axe-core: npm ci (make install runs it if npm is there)"
    return ""


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Without the tools, every browser test skips from this one line (so pytest's summary
    says it once), or fails where they are required."""
    missing = missing_tools()
    if missing and os.environ.get("BROWSER_TESTS_REQUIRED"):
        pytest.fail(f"{missing} (BROWSER_TESTS_REQUIRED is set)", pytrace=False)
    if missing:
        pytest.skip(missing)


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    expect.set_options(timeout=WAIT_MS)
    with pytest.MonkeyPatch.context() as patch:
        # While Playwright's sync API runs, its event loop counts as running on this thread,
        # and Django refuses database calls from such a thread. No async code runs here.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture(scope="package")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: ``BROWSER_SCREENSHOTS`` or a temporary folder."""
    wanted = os.environ.get("BROWSER_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Site:
    """The live app and the browsers opened on it, each with its own cookies."""

    def __init__(self, app: LiveApp, browser: Browser) -> None:
        self.app = app
        self._browser = browser
        self.contexts: list[BrowserContext] = []
        self.console: list[str] = []

    def new_page(self) -> Page:
        context = self._browser.new_context(
            viewport=DESKTOP, base_url=self.app.url, reduced_motion="reduce"
        )
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: self._heard(page, message))
        return page

    def _heard(self, page: Page, message: ConsoleMessage) -> None:
        """Every warning or error a page writes to the console (the browser's own included),
        but a 4xx for the page's own address: a test that opens a page it may not see
        asserts that status itself, and Wagtail's autosave posts the editor's form to its own
        address, which answers 400 while the form is still incomplete."""
        if message.type not in ("error", "warning"):
            return
        url = message.location.get("url", "")
        if OWN_4XX.match(message.text) and url.split("#")[0] == page.url.split("#")[0]:
            return
        self.console.append(f"{message.type}: {message.text} ({url})")

    def log_in(self, user, password: str = PASSWORD) -> Page:
        """Log in at /accounts/login/ in a browser of its own; the page where it lands."""
        page = self.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    def database(self):
        """``with site.database():`` the test's own queries, while no request runs."""
        return self.app.database()


@pytest.fixture
def site(chromium, db) -> Iterator[Site]:
    with serve_on_test_connection() as app:
        site = Site(app, chromium)
        yield site
        for context in site.contexts:
            context.close()
    assert not site.console, "The pages wrote to the console:\n" + "\n".join(site.console)
