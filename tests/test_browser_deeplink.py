"""A link to a page that is the first request a new server gets still runs through app.py.

Streamlit falls back to its old ``pages/`` folder navigation until app.py has called
``st.navigation`` once in the process; a deep link as the very first request would otherwise
run the page on its own (no warehouse check, the navigation shown as raw file names). This
needs a server of its own: the shared one has answered other requests first.
"""
from __future__ import annotations

import pytest

from test_browser import (  # noqa: F401  (fixtures)
    assert_no_errors, browser, chromium_path, open_and_wait, page, serve,
)

pytestmark = pytest.mark.browser

NAVIGATION = ["Overview", "Irregular arrivals", "Route shifts", "Return gap", "Remittances",
              "Claim check", "Sources & provenance", "Data revisions"]


def test_first_request_deep_link_gets_the_apps_navigation_and_keeps_its_values(
        chromium_path, tmp_path, page):
    with serve(tmp_path) as base:
        open_and_wait(page, f"{base}/arrivals?grain=month&top_n=5")
        nav = page.locator('[data-testid="stSidebarNav"] a')
        labels = [t.strip().splitlines()[-1].strip() for t in nav.all_inner_texts()]  # icon, title
        assert labels == NAVIGATION
        assert page.locator("h1").first.inner_text() == "Irregular arrivals"
        assert "grain=month" in page.url and "top_n=5" in page.url
        assert_no_errors(page)
