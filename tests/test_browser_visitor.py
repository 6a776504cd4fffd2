"""A visitor's pictures survive a reload (F5) and stay theirs: a second browser sees none of them, the
address carries no id, and "Clear my pictures" empties the list."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import wait_for_app

pytestmark = [pytest.mark.browser]


def sidebar_pictures(page):
    return page.locator(".dl-history button")


def page_pictures(page):
    return page.locator(".dl-pictures button")


def make_a_dream(page) -> str:
    page.get_by_role("slider", name="Picture size").press("Home")  # "Small (fast)"
    wait_for_app(page)
    page.get_by_role("button", name="Dream", exact=True).click()
    expect(sidebar_pictures(page)).to_have_count(1, timeout=180_000)
    page.get_by_text("Your dream").wait_for()
    wait_for_app(page)
    return sidebar_pictures(page).first.get_attribute("title")


def test_a_reload_keeps_the_pictures_and_another_visitor_sees_none(page, browser, app_url):
    page.goto(f"{app_url}/deep_dream")
    wait_for_app(page)
    title = make_a_dream(page)
    assert "Deep Dream" in title
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    visitor = cookies.get("dreamlab_visitor", "")
    assert len(visitor) == 32 and visitor not in page.url

    page.reload()
    wait_for_app(page)
    expect(sidebar_pictures(page)).to_have_count(1, timeout=30_000)
    assert sidebar_pictures(page).first.get_attribute("title") == title
    expect(page_pictures(page)).to_have_count(1)  # "Your pictures" at the page's foot, with the last result
    expect(page.get_by_text(f"Your last picture: {title}")).to_be_visible()
    expect(page.get_by_text("your last 50 pictures, up to 500 MB").first).to_be_visible()

    # Someone else, opening the very same address, sees none of it.
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    other = context.new_page()
    other.set_default_timeout(60_000)
    try:
        other.goto(page.url)
        wait_for_app(other)
        other.wait_for_timeout(1500)
        assert sidebar_pictures(other).count() == 0 and page_pictures(other).count() == 0
        expect(other.get_by_text("Your pictures (0)")).to_be_visible()
        assert {c["value"] for c in context.cookies() if c["name"] == "dreamlab_visitor"} != {visitor}
    finally:
        context.close()

    page.get_by_role("button", name="Clear my pictures").first.click()
    wait_for_app(page)
    expect(sidebar_pictures(page)).to_have_count(0)
    page.reload()
    wait_for_app(page)
    page.wait_for_timeout(1500)
    assert sidebar_pictures(page).count() == 0
