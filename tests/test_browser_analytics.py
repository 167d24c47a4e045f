"""Playback, the planner and shared links in headless Chromium, with no network."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from layers.style import BARRIER_COLOUR, BORDER_COLOUR
from tests.test_browser import LOAD_TIMEOUT_MS, MAP_FRAME, click_incident, open_map

pytestmark = pytest.mark.browser

_BARRIER = f'path[stroke="{BARRIER_COLOUR}"]'


def _caption(page, pattern: str):
    return page.get_by_text(re.compile(pattern)).first


def test_playback_animates_sites_barrier_and_crossings(page, dashboard_url, artifacts):
    # Month by month from June 2015: no barrier yet, then under construction, then complete.
    frame = open_map(page, f"{dashboard_url}/?from=2015-06-01&to=2016-03-31&step=month&period=2015-06-01")
    _caption(page, r"June 2015: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    assert frame.locator(_BARRIER).count() == 0
    page.get_by_role("button", name="Play").click()
    # Under construction from 7 July 2015: drawn dashed.
    frame.locator(f'{_BARRIER}[stroke-dasharray]').first.wait_for(timeout=LOAD_TIMEOUT_MS)
    _caption(page, r"(July|August) 2015: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    # Complete from 6 February 2016: solid.
    _caption(page, r"February 2016: \d+ incidents").wait_for(timeout=120_000)
    frame.locator(f"{_BARRIER}:not([stroke-dasharray])").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    # Playback stops by itself at the last period.
    _caption(page, r"March 2016: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.get_by_role("button", name="Play").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.screenshot(path=str(artifacts / "playback.png"), full_page=True)
    assert page.requests.foreign == []


def test_both_crossings_are_closed_in_the_week_of_the_ben_guerdane_raid(page, dashboard_url, artifacts):
    frame = open_map(page, f"{dashboard_url}/?from=2016-02-29&to=2016-03-27&step=week&period=2016-02-29")
    _caption(page, r"2016-W09: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    frame.locator(".bw-crossing-open").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert frame.locator(".bw-crossing-closed").count() == 0
    page.get_by_role("button", name="▶").click()
    _caption(page, r"2016-W10: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    frame.locator(".bw-crossing-closed").nth(1).wait_for(timeout=LOAD_TIMEOUT_MS)
    assert frame.locator(".bw-crossing-open").count() == 0
    page.screenshot(path=str(artifacts / "crossings-closed.png"), full_page=True)
    assert page.requests.foreign == []


def test_the_planner_draws_sensors_and_gaps_and_keeps_plans_to_compare(page, dashboard_url, artifacts):
    page.goto(f"{dashboard_url}/planner", wait_until="domcontentloaded")
    page.wait_for_selector(MAP_FRAME, timeout=LOAD_TIMEOUT_MS)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".bw-plan-sensor").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert frame.locator(".bw-plan-sensor").count() == 8
    count = page.get_by_label("Number of sensors")
    count.fill("12")
    count.press("Enter")
    page.wait_for_function(
        """() => [...document.querySelectorAll('iframe')].some((f) => {
            try { return f.contentDocument.querySelectorAll('.bw-plan-sensor').length === 12; } catch (e) { return false; }
        })""",
        timeout=LOAD_TIMEOUT_MS,
    )
    page.get_by_role("button", name="Add to comparison").click()
    page.get_by_text("Show side by side").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.screenshot(path=str(artifacts / "planner.png"), full_page=True)
    assert page.requests.foreign == []


def test_a_link_reproduces_filters_layers_period_selection_and_view(page, browser, dashboard_url, artifacts):
    raid_id = "TN-2016-03-07-BENGUERDANE"
    frame = open_map(page, f"{dashboard_url}/?from=2016-01-01&to=2016-06-30")
    page.get_by_role("button", name="Heatmap").click()
    page.get_by_text("Month by month", exact=True).click()
    _caption(page, r"January 2016: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    # One step at a time, as a user sees each period before the next click.
    page.get_by_role("button", name="▶").click()
    _caption(page, r"February 2016: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.get_by_role("button", name="▶").click()
    _caption(page, r"March 2016: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    click_incident(page, raid_id)
    page.wait_for_function(f"() => window.location.search.includes('incident={raid_id}')", timeout=LOAD_TIMEOUT_MS)
    # The view: wait until the address holds the zoom the map reports.
    zoom = page.frame_locator(MAP_FRAME).locator("body").evaluate("() => window.map.getZoom()")
    page.wait_for_function(f"() => new URLSearchParams(window.location.search).get('zoom') === '{zoom:g}'",
                           timeout=LOAD_TIMEOUT_MS)
    link = page.url
    params = parse_qs(urlsplit(link).query)
    assert params["layer"] == ["sites", "heatmap", "border", "barrier", "crossings", "places"]
    assert params["step"] == ["month"] and params["period"] == ["2016-03-01"]

    # Whoever opens the link sees the same.
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    other = context.new_page()
    try:
        other.goto(link, wait_until="domcontentloaded")
        other.wait_for_selector(MAP_FRAME, timeout=LOAD_TIMEOUT_MS)
        map_frame = other.frame_locator(MAP_FRAME)
        map_frame.locator(f'path[stroke="{BORDER_COLOUR}"]').first.wait_for(timeout=LOAD_TIMEOUT_MS)
        map_frame.locator(".leaflet-heatmap-layer").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        other.get_by_text(re.compile(r"March 2016: \d+ incidents")).first.wait_for(timeout=LOAD_TIMEOUT_MS)
        other.get_by_text("km to the Tunisia–Libya border", exact=False).first.wait_for(timeout=LOAD_TIMEOUT_MS)
        assert map_frame.locator("body").evaluate("() => window.map.getZoom()") == zoom
        other.screenshot(path=str(artifacts / "permalink-opened.png"), full_page=True)
    finally:
        context.close()
    assert page.requests.foreign == []


def test_the_map_downloads_as_offline_html_and_as_png(page, browser, dashboard_url, tmp_path, artifacts):
    open_map(page, f"{dashboard_url}/?from=2016-02-29&to=2016-03-27&step=week&period=2016-03-07")
    _caption(page, r"2016-W10: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.get_by_text("Share or export this map").click()
    with page.expect_download(timeout=LOAD_TIMEOUT_MS) as html_download:
        page.get_by_role("button", name="Map as HTML (works offline)").click()
    html_path = tmp_path / html_download.value.suggested_filename
    html_download.value.save_as(html_path)
    assert html_path.name == "borderwatch-2016-03-07_2016-03-13.html"
    with page.expect_download(timeout=LOAD_TIMEOUT_MS) as png_download:
        page.get_by_role("button", name="Map as PNG").click()
    png_path = tmp_path / png_download.value.suggested_filename
    png_download.value.save_as(png_path)
    assert png_path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    # The HTML file, opened from disk with every network request refused, draws the same map.
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    refused: list[str] = []

    def only_the_file(route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    offline = context.new_page()
    try:
        offline.goto(html_path.as_uri())
        offline.locator(f'path[stroke="{BORDER_COLOUR}"]').first.wait_for(timeout=LOAD_TIMEOUT_MS)
        offline.locator(".bw-crossing-closed").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        offline.locator(".leaflet-interactive.bw-incident, .marker-cluster").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        offline.screenshot(path=str(artifacts / "exported-from-dashboard.png"))
    finally:
        context.close()
    assert refused == []
    assert page.requests.foreign == []
