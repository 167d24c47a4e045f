"""The surveillance planner in headless Chromium at 1366 x 768, at a person's pace, with no network."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT_MS = 60_000
#: About the time a person takes between seeing something and clicking it.
PAUSE_MS = 1_000
LAPTOP = {"width": 1366, "height": 768}

PLAN_1_FILE = "Plan-1_Barrier_8-sensors_10-km-range_evenly-spaced.geojson"
PLAN_2_FILE = "Plan-2_Barrier_8-sensors_10-km-range_optimised.geojson"


def _wait_until_idle(page) -> None:
    """Wait until Streamlit has finished the run a click started (its status widget is gone)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=LOAD_TIMEOUT_MS)


def _click(page, locator) -> None:
    """Bring the control into view, look at it for a moment, click it once, wait for the page to settle."""
    locator.scroll_into_view_if_needed()
    page.wait_for_timeout(PAUSE_MS)
    locator.click()
    _wait_until_idle(page)


def _overflowing_tables(page) -> list[str]:
    """The tables shown that need scrolling sideways or run past the window (read only: nothing moves).

    A data frame scrolls inside its grid (``.dvn-scroller``); a static table would push its own box wider.
    """
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stTable"], [data-testid="stDataFrame"]')]
            .filter((table) => table.checkVisibility())
            .map((table) => ({table, scroller: table.querySelector('.dvn-scroller') || table}))
            .filter(({table, scroller}) => table.getBoundingClientRect().right > window.innerWidth
                     || scroller.scrollWidth > scroller.clientWidth + 1)
            .map(({table}) => table.dataset.testid)"""
    )


@pytest.mark.slow
def test_two_plans_show_side_by_side_and_download_under_their_names(page, dashboard_url, artifacts, tmp_path):
    page.set_viewport_size(LAPTOP)
    page.goto(f"{dashboard_url}/planner", wait_until="domcontentloaded")
    page.wait_for_selector(MAP_FRAME, timeout=LOAD_TIMEOUT_MS)
    page.frame_locator(MAP_FRAME).first.locator(".bw-plan-sensor").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    _wait_until_idle(page)
    page.screenshot(path=str(artifacts / "planner-laptop-first-view.png"))

    # More sensors than the line takes: the field refuses them, the page says why, the plan stays.
    count = page.get_by_role("spinbutton", name="Number of sensors")
    _click(page, count)
    count.press("Control+A")
    count.press_sequentially("200", delay=150)
    count.press("Enter")
    _wait_until_idle(page)
    assert count.get_attribute("aria-invalid") == "true"
    assert page.get_by_text("1 to 181 on this 179.5 km line", exact=False).is_visible()
    assert page.get_by_text("Plan 1: Barrier, 8 sensors of 10 km range", exact=False).is_visible()
    page.screenshot(path=str(artifacts / "planner-laptop-too-many-sensors.png"))
    count.press("Control+A")
    count.press_sequentially("8", delay=150)
    count.press("Enter")
    _wait_until_idle(page)

    # Plan 1: the defaults, evenly spaced.
    _click(page, page.get_by_role("button", name="Add to comparison"))
    page.get_by_text("Plan 1: Barrier, 8 sensors of 10 km range, evenly spaced · in the comparison").wait_for()

    # Plan 2: the same sensors, optimised. The page says why they sit where they do.
    _click(page, page.get_by_text("Optimised for past incidents", exact=True))
    note = page.get_by_text(re.compile(r"The \d+ incidents within 35 km of the line all lie more than 10 km from it"))
    note.wait_for(timeout=LOAD_TIMEOUT_MS)
    page.get_by_text("Plan 2: Barrier, 8 sensors of 10 km range, optimised · not in the comparison yet").wait_for()
    note.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "planner-laptop-optimised-note.png"))
    _click(page, page.get_by_role("button", name="Add to comparison"))

    # Side by side: both plans are chosen and both are drawn.
    side_by_side = page.locator('[data-testid="stColumn"]').filter(
        has=page.get_by_role("button", name="Remove from the comparison"))
    side_by_side.nth(1).wait_for(timeout=LOAD_TIMEOUT_MS)
    chooser = page.get_by_test_id("stMultiSelect")
    assert chooser.get_by_text("Plan 1", exact=True).is_visible()
    assert chooser.get_by_text("Plan 2", exact=True).is_visible()
    assert side_by_side.count() == 2
    first, second = side_by_side.nth(0), side_by_side.nth(1)
    first.get_by_text(re.compile(r"^Plan 1: Barrier, 8 sensors of 10 km range, evenly spaced")).wait_for()
    second.get_by_text(re.compile(r"^Plan 2: Barrier, 8 sensors of 10 km range, optimised")).wait_for()
    for column in (first, second):
        column.frame_locator(MAP_FRAME).locator(".bw-plan-sensor").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    second.scroll_into_view_if_needed()
    page.wait_for_timeout(PAUSE_MS)
    page.screenshot(path=str(artifacts / "planner-laptop-side-by-side.png"))

    # The first plan's download carries its name and what it is.
    download_button = first.get_by_role("button", name="Plan as GeoJSON")
    download_button.scroll_into_view_if_needed()
    page.wait_for_timeout(PAUSE_MS)
    with page.expect_download(timeout=LOAD_TIMEOUT_MS) as download:
        download_button.click()
    assert download.value.suggested_filename == PLAN_1_FILE
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    plan = json.loads(saved.read_text(encoding="utf-8"))
    assert (plan["name"], plan["line"], plan["method"]) == ("Plan 1", "Barrier", "even")

    # The plan at the top is the one just kept, and its download says so.
    top_button = page.get_by_role("button", name="Plan as GeoJSON").first
    top_button.scroll_into_view_if_needed()
    page.wait_for_timeout(PAUSE_MS)
    with page.expect_download(timeout=LOAD_TIMEOUT_MS) as download:
        top_button.click()
    assert download.value.suggested_filename == PLAN_2_FILE

    # Every table fits the laptop screen.
    page.get_by_text("Compare plans").scroll_into_view_if_needed()
    page.wait_for_timeout(PAUSE_MS)
    page.screenshot(path=str(artifacts / "planner-laptop-comparison.png"))
    assert _overflowing_tables(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= LAPTOP["width"]
    assert page.requests.foreign == []
