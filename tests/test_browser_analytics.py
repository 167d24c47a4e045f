"""Playback, the planner, Border analytics and shared links in headless Chromium, with no network."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from layers.sequences import ARROW_CLASS
from layers.style import BARRIER_COLOUR, BORDER_COLOUR
from tests.conftest import RequestLog
from tests.person import LOAD_TIMEOUT_MS, MAP_FRAME, Person
from ui.staticmap import PLACE_NAME_CLASS

pytestmark = pytest.mark.browser

_BARRIER = f'path[stroke="{BARRIER_COLOUR}"]'
#: A person looks before clicking: about a second between seeing a control and clicking it.
_LOOK_MS = 1_000


def open_map(page, url: str):
    """Open the dashboard; return the map frame once it shows its sites."""
    Person(page).open(url)
    return page.frame_locator(MAP_FRAME)


def _caption(page, pattern: str):
    return page.get_by_text(re.compile(pattern)).first


@pytest.mark.slow
def test_playback_animates_sites_barrier_and_crossings(page, dashboard_url, artifacts):
    # By month from June 2015: no barrier yet, then under construction, then complete.
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
            try {
                return f.contentDocument.querySelectorAll('.bw-plan-sensor').length === 12;
            } catch (e) { return false; }
        })""",
        timeout=LOAD_TIMEOUT_MS,
    )
    page.get_by_role("button", name="Add to comparison").click()
    page.get_by_text("Show side by side").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.screenshot(path=str(artifacts / "planner.png"), full_page=True)
    assert page.requests.foreign == []


@pytest.mark.slow
def test_a_link_reproduces_filters_layers_period_selection_and_view(page, browser, dashboard_url, artifacts):
    raid_id = "TN-2016-03-07-BENGUERDANE"
    open_map(page, f"{dashboard_url}/?from=2016-01-01&to=2016-06-30")
    page.get_by_role("button", name="Heatmap").click()
    page.get_by_text("By month", exact=True).click()
    _caption(page, r"January 2016: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    # One step at a time, as a user sees each period before the next click.
    page.get_by_role("button", name="▶").click()
    _caption(page, r"February 2016: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.get_by_role("button", name="▶").click()
    _caption(page, r"March 2016: \d+ incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
    Person(page).open_record(raid_id)
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
        offline.locator(".bw-incident, .bw-cluster").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        offline.screenshot(path=str(artifacts / "exported-from-dashboard.png"))
    finally:
        context.close()
    assert refused == []
    assert page.requests.foreign == []


@pytest.fixture
def laptop(browser):
    """A page in a 1366 x 768 window; requests to other hosts are blocked and kept."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    requests = RequestLog()
    context.route("**/*", requests.route)
    page = context.new_page()
    page.requests = requests
    yield page
    context.close()


def _question_shown(page, label: str):
    return page.get_by_role("radio", name=label, checked=True)


def _column_header(page, label: str):
    # The grid draws on a canvas; its headers are also in an (invisible) accessible table.
    return page.get_by_test_id("stDataFrame").first.get_by_role("columnheader", name=label, include_hidden=True)


def _inside(inner: dict, outer: dict) -> bool:
    return (outer["x"] <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
            and outer["y"] <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"])


def test_the_analytics_question_stays_in_the_link_and_its_table_and_map_fit_a_laptop(laptop, dashboard_url,
                                                                                       artifacts):
    page = laptop
    page.goto(f"{dashboard_url}/analytics", wait_until="domcontentloaded")
    _question_shown(page, "Distance to the border").wait_for(timeout=LOAD_TIMEOUT_MS)
    segments = page.get_by_role("radio", name="Border segments")
    segments.wait_for()
    page.wait_for_timeout(_LOOK_MS)
    segments.click()
    _question_shown(page, "Border segments").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function("() => new URLSearchParams(window.location.search).get('question') === 'segments'",
                           timeout=LOAD_TIMEOUT_MS)
    assert parse_qs(urlsplit(page.url).query)["question"] == ["segments"]

    # The segment table shows whole, with no scrolling sideways.
    _column_header(page, "Stretch of border").wait_for(state="attached", timeout=LOAD_TIMEOUT_MS)
    table = page.get_by_test_id("stDataFrame").first
    content, shown_width = table.locator(".dvn-scroller").evaluate("(grid) => [grid.scrollWidth, grid.clientWidth]")
    assert content <= shown_width, f"the table scrolls sideways: {content} px of columns in {shown_width} px"
    box = table.bounding_box()
    assert box["x"] + box["width"] <= 1366

    # The map names the key towns, inside what the map shows.
    page.wait_for_selector(MAP_FRAME, timeout=LOAD_TIMEOUT_MS)
    names = page.frame_locator(MAP_FRAME).locator(f".{PLACE_NAME_CLASS}")
    names.filter(has_text="Ben Gardane").wait_for(timeout=LOAD_TIMEOUT_MS)
    assert {"Ben Gardane", "Zarzis", "Dehiba", "Zuwara", "Nalut"} <= set(names.all_inner_texts())
    assert _inside(names.filter(has_text="Ben Gardane").bounding_box(), page.locator(MAP_FRAME).bounding_box())
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "analytics-segments-1366.png"))
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "analytics-segments-table-1366.png"))

    # Reloading the link opens the same question.
    page.reload(wait_until="domcontentloaded")
    _question_shown(page, "Border segments").wait_for(timeout=LOAD_TIMEOUT_MS)
    _column_header(page, "Stretch of border").wait_for(state="attached", timeout=LOAD_TIMEOUT_MS)
    page.frame_locator(MAP_FRAME).locator(f".{PLACE_NAME_CLASS}").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert parse_qs(urlsplit(page.url).query)["question"] == ["segments"]
    page.screenshot(path=str(artifacts / "analytics-link-reopened-1366.png"))
    assert page.requests.foreign == []


def test_sequences_point_from_the_first_incident_to_the_later_one(laptop, dashboard_url, artifacts):
    page = laptop
    page.goto(f"{dashboard_url}/analytics?question=sequences", wait_until="domcontentloaded")
    _question_shown(page, "Cross-border sequences").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector(MAP_FRAME, timeout=LOAD_TIMEOUT_MS)
    frame = page.frame_locator(MAP_FRAME)
    arrows = frame.locator(f".{ARROW_CLASS} svg")
    arrows.first.wait_for(timeout=LOAD_TIMEOUT_MS)
    # Every bundled pair runs from Libya (Sabratha) west to Ben Gardane: each arrowhead points west, a little north.
    turns = [float(re.search(r"rotate\((-?[\d.]+)deg\)", style).group(1))
             for style in arrows.evaluate_all("(svgs) => svgs.map((svg) => svg.style.transform)")]
    pairs = int(re.search(r"(\d+) such pairs", page.get_by_text("such pairs").inner_text()).group(1))
    assert len(turns) == pairs and all(-180 < turn < -150 for turn in turns), (pairs, turns)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "analytics-sequences-1366.png"))
    assert page.requests.foreign == []
