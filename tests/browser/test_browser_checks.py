"""The page check itself: it fails on what axe-core calls serious, naming each fault."""

from __future__ import annotations

import pytest

from tests.browser.checks import check_page


def test_the_page_check_fails_and_names_the_rule_on_a_page_axe_finds_serious_faults_on(chromium):
    page = chromium.new_page()
    page.set_content(
        "<!doctype html><html lang='en'><title>Faulty</title><main>"
        "<h1>Faulty</h1><img src='data:,'><button></button></main></html>"
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        check_page(page)
    page.close()
    message = str(failure.value)
    assert "- image-alt (critical)" in message
    assert "- button-name (critical)" in message
    assert "at 1280 px" in message and "at 390 px" in message
