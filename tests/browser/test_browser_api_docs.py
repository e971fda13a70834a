"""The API's interactive docs (/api/v1/docs) work in a browser from this site's own files,
under the site's Content-Security-Policy, with nothing written to the console."""

from __future__ import annotations

from playwright.sync_api import expect


def test_the_api_docs_list_the_operations_with_nothing_from_another_site(site, db):
    page = site.new_page()
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(site.app.url) else None
        ),
    )

    page.goto("/api/v1/docs")

    expect(page.get_by_text("/api/v1/plans/{plan_id}/goals/{goal_id}").first).to_be_visible()
    assert outside == []
