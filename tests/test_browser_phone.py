"""Every page on a 390 px phone: nothing scrolls sideways, the sidebar starts closed, and a screenshot
of each page is kept (test-results/phone-<page>.png) to look at."""
from __future__ import annotations

import pytest

from dreamlab.pages import HOME, PAGES
from tests.conftest import ROOT, wait_for_app

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("info", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_every_page_fits_a_390px_phone(browser, app_url, info):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{app_url}/" + ("" if info is HOME else info.url_path))  # Home is the app's root
        page.locator("[data-testid='stMainBlockContainer']").wait_for(timeout=120_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                               timeout=120_000)
        page.wait_for_timeout(1500)
        shots = ROOT / "test-results"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / f"phone-{info.url_path or 'home'}.png"), full_page=True)
        widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths  # no sideways scrolling
        right = page.evaluate("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                              ".getBoundingClientRect().right")
        assert right <= 1, right  # the sidebar starts closed (off the screen) on a phone
        page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                      " if (m) m.scrollTop = m.scrollHeight; }")  # the page's foot: "Your pictures"
        page.wait_for_timeout(500)
        page.screenshot(path=str(shots / f"phone-{info.url_path or 'home'}-foot.png"))
    finally:
        context.close()
