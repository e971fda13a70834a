"""What every page a browser test visits goes through, and the keyboard's way around a page.

    check_page(page)                  # axe-core at 1280 and 390 px: no serious or critical
    check_page(page, shots, "my-plan")   # the same, and a desktop and a phone screenshot
    tab_to(page, page.get_by_role("link", name="Check-in"))   # Tab until it has the focus

axe-core comes from npm (package.json; ``make install`` runs ``npm ci``) and is evaluated in
the page through the DevTools protocol, which the pages' strict Content-Security-Policy does
not govern: the pages themselves still run under it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop": DESKTOP, "mobile": PHONE}
# A screenshot is the top of the page, as tall as this at most.
SHOT_HEIGHT = {"desktop": 1200, "mobile": 1600}
BLOCKING_IMPACTS = ("serious", "critical")
TAB_LIMIT = 150

# Faults in Wagtail's own admin markup, which the project cannot change: not counted. By
# axe rule and a class every element it names carries, with the reason.
UPSTREAM_FAULTS = {
    ("aria-input-field-name", "public-DraftEditor-content"): (
        "Wagtail's Draftail editor gives its text box no accessible name (wagtail#14205, open)"
    ),
    ("scrollable-region-focusable", "DraftEditor-root"): (
        "Draftail's editor root scrolls at phone width while a long answer is typed; the "
        "editable text box inside it takes the keyboard focus, but axe looks at the root"
    ),
}
# No transition or finite animation still running (colours mid-fade fail contrast checks).
SETTLED = """() => document.getAnimations().every(
    a => a.playState !== "running" || a.effect.getComputedTiming().endTime === Infinity)"""


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text()


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.wait_for_function(SETTLED)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => ({target: n.target.join(" "),
                                                  html: n.html.slice(0, 160)}))}))"""
    )
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def is_upstream_fault(violation: dict) -> bool:
    """A violation of a rule in ``UPSTREAM_FAULTS`` whose every element carries its class."""
    return any(
        violation["id"] == rule
        and all(css_class in node["html"].split(">", 1)[0] for node in violation["nodes"])
        for rule, css_class in UPSTREAM_FAULTS
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}: {node['html']}" for node in violation["nodes"][:5])
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def check_page(page: Page, shots: Path | None = None, name: str = "") -> None:
    """axe-core at desktop and phone widths (failing with every violation listed, for
    both, but ``UPSTREAM_FAULTS``), a screenshot at each when ``name`` is given; the page is
    left at desktop width."""
    failures = []
    for width_name, size in WIDTHS.items():
        page.set_viewport_size(size)
        violations = [v for v in axe_violations(page) if not is_upstream_fault(v)]
        if violations:
            failures.append(f"at {size['width']} px:\n{describe(violations)}")
        if name and shots is not None:
            screenshot(page, shots / f"{name}-{width_name}.png", SHOT_HEIGHT[width_name])
    page.set_viewport_size(DESKTOP)
    if failures:
        pytest.fail(
            f"axe-core: serious or critical violations on {page.url}\n" + "\n".join(failures),
            pytrace=False,
        )


def screenshot(page: Page, path: Path, max_height: int) -> None:
    width = page.viewport_size["width"] if page.viewport_size else DESKTOP["width"]
    height = min(page.evaluate("() => document.documentElement.scrollHeight"), max_height)
    clip = {"x": 0, "y": 0, "width": width, "height": height}
    page.screenshot(path=path, full_page=True, clip=clip, animations="disabled")


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until ``target`` has the keyboard focus, as a keyboard user would; fails
    if it is never reached, so a control left out of the tab order fails here."""
    element = target.element_handle()
    for _ in range(TAB_LIMIT):
        if page.evaluate("el => el === document.activeElement", element):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{target} on {page.url} was not reached in {TAB_LIMIT} Tabs", pytrace=False)
