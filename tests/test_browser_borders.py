"""A person switches the dashboard to another border and back, in headless Chromium with outside requests blocked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from borderwatch.borders import find_border
from tests.person import LOAD_TIMEOUT_MS, Person

pytestmark = pytest.mark.browser

# The map's view holds a border's whole line (a little slack for the line's width).
_SHOWS = """([west, south, east, north]) => {
    const view = window.map.getBounds();
    return view.getWest() <= west + 0.01 && view.getSouth() <= south + 0.01
        && view.getEast() >= east - 0.01 && view.getNorth() >= north - 0.01;
}"""


@pytest.fixture
def person(page) -> Person:
    page.set_viewport_size({"width": 1366, "height": 768})
    return Person(page)


def _choose_border(person: Person, typed: str, option: str) -> None:
    """Open the sidebar's border picker, type part of a country's name, click the border offered."""
    person.click(person.page.get_by_label("Border", exact=True))
    person.page.keyboard.type(typed, delay=60)
    person.click(person.page.get_by_role("option", name=re.compile(re.escape(option))))


def _border_lines(person: Person) -> int:
    return person.map_frame.locator("path.leaflet-interactive[stroke-dasharray='8 5']").count()


@pytest.mark.slow
def test_switching_to_another_border_redraws_and_fits_the_map_and_the_link_and_back(person, dashboard_url, artifacts):
    person.open(dashboard_url)
    expect(person.page.get_by_role("heading", name="Tunisia–Libya border")).to_be_visible()
    _choose_border(person, "morocco", "Algeria – Morocco (DZA-MAR)")
    expect(person.page.get_by_role("heading", name="Algeria–Morocco border")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    person.page.wait_for_url(re.compile(r"[?&]border=DZA-MAR"), timeout=LOAD_TIMEOUT_MS)
    person.wait_until_still()
    morocco = find_border("DZA-MAR")
    person.map_frame.wait_for_function(_SHOWS, arg=list(morocco.geometry.bounds), timeout=LOAD_TIMEOUT_MS)
    assert _border_lines(person) >= 1
    person.page.screenshot(path=str(artifacts / "border-dza-mar.png"))
    # The incidents stay on the map; the analytics are counted along the new border.
    assert person.page.get_by_text("30 of 30 incidents", exact=False).count() == 1
    person.click(person.page.get_by_role("link", name="Border analytics"))
    expect(person.page.get_by_text("On the Algeria–Morocco border (", exact=False)).to_be_visible(
        timeout=LOAD_TIMEOUT_MS)
    assert person.page.get_by_text("Ben Guerdane", exact=False).count() == 0
    person.page.screenshot(path=str(artifacts / "border-dza-mar-analytics.png"), full_page=True)
    person.click(person.page.get_by_role("link", name="Map"))
    expect(person.page.get_by_role("heading", name="Algeria–Morocco border")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    person.page.wait_for_url(re.compile(r"[?&]border=DZA-MAR"), timeout=LOAD_TIMEOUT_MS)
    person.wait_until_still()

    _choose_border(person, "tunisia", "Libya – Tunisia (LBY-TUN)")
    expect(person.page.get_by_role("heading", name="Tunisia–Libya border")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    person.page.wait_for_function("() => !new URLSearchParams(location.search).has('border')", timeout=LOAD_TIMEOUT_MS)
    person.wait_until_still()
    tunisia = find_border("TUN-LBY")
    person.map_frame.wait_for_function(_SHOWS, arg=list(tunisia.geometry.bounds), timeout=LOAD_TIMEOUT_MS)
    # Back on the bundled case: its barrier is drawn again.
    person.map_frame.locator(".bw-crossing-open, .bw-crossing-closed").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    person.page.screenshot(path=str(artifacts / "border-back-to-lby-tun.png"))
    assert person.page.requests.foreign == []
