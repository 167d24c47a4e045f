"""The map's tools as a person uses them: the list, search, links, the table, keyboard, legend, tiles, dates.

Real mouse and keyboard at a person's pace (see :mod:`tests.person`), every
request that leaves loopback blocked.
"""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect

from borderwatch import config
from tests.person import LOAD_TIMEOUT_MS, MAP_FRAME, Person

pytestmark = pytest.mark.browser

RAID = "TN-2016-03-07-BENGUERDANE"
SOUSSE = "TN-2015-06-26-SOUSSE"


def _row(incident_id: str) -> dict[str, str]:
    with open(config.INCIDENTS_PATH, encoding="utf-8", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["id"] == incident_id)


@pytest.fixture
def person(page) -> Person:
    """A person at a laptop-sized window (the ``page`` fixture blocks outside requests)."""
    page.set_viewport_size({"width": 1366, "height": 768})
    return Person(page)


def _map_centre_and_zoom(person: Person) -> tuple[float, float, float]:
    return tuple(person.map_frame.evaluate(
        "() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }"))


def _shows_the_site_of(person: Person, incident_id: str) -> None:
    """The map is on the incident: close in, its site out of any cluster, highlighted, its popup open."""
    row = _row(incident_id)
    person.map_frame.wait_for_function(
        "(id) => { const m = window.BorderWatch.siteLayer.markers[id];"
        " return m && m.isPopupOpen() && m._path && m._path.classList.contains('bw-selected'); }",
        arg=incident_id, timeout=LOAD_TIMEOUT_MS)
    person.wait_until_still()
    latitude, longitude, zoom = _map_centre_and_zoom(person)
    assert zoom >= 10
    assert abs(latitude - float(row["latitude"])) < 0.2 and abs(longitude - float(row["longitude"])) < 0.2


def test_choosing_an_incident_in_the_list_flies_the_map_to_its_highlighted_site(person, dashboard_url, artifacts):
    person.open(dashboard_url)
    raid = _row(RAID)
    listbox = person.page.get_by_label("Incident details")
    person.click(listbox)
    person.page.keyboard.type("2016-03-07 · Ben Guerdane", delay=40)
    person.page.wait_for_timeout(800)
    person.page.keyboard.press("Enter")
    person.page.get_by_text(f"id {RAID}").wait_for(timeout=LOAD_TIMEOUT_MS)
    _shows_the_site_of(person, RAID)
    expect(person.page.get_by_text(raid["description"][:50], exact=False).first).to_be_visible(
        timeout=LOAD_TIMEOUT_MS)
    person.page.screenshot(path=str(artifacts / "map-list-choice.png"))
    # And the reverse: a site clicked on the map is the one highlighted and named in the list.
    person.go_home()
    person.open_site(SOUSSE)
    person.page.get_by_text(f"id {SOUSSE}").wait_for(timeout=LOAD_TIMEOUT_MS)
    frame = person.page.frame_locator(MAP_FRAME)
    assert frame.locator("path.bw-incident.bw-selected").count() == 1
    person.page.wait_for_function(
        """() => { const lists = document.querySelectorAll('input[aria-label="Incident details"]');
                   return lists.length === 1 && lists[0].value.startsWith("2015-06-26"); }""", timeout=LOAD_TIMEOUT_MS)


def test_the_readme_link_opens_on_the_raid(person, dashboard_url, artifacts):
    link = (f"{dashboard_url}/?from=2016-02-29&to=2016-03-27&step=week&period=2016-03-07"
            f"&layer=sites&layer=crossings&incident={RAID}")
    person.open(link)
    person.page.get_by_text(f"id {RAID}").wait_for(timeout=LOAD_TIMEOUT_MS)
    _shows_the_site_of(person, RAID)
    person.page.screenshot(path=str(artifacts / "map-readme-link.png"))
    assert person.page.get_by_role("alert").count() == 0


def test_a_misread_link_warns_until_the_person_acts_and_keeps_the_rest(person, dashboard_url):
    person.open(f"{dashboard_url}/?from=2016-13-45&to=2016-03-27&layer=bogus")
    warning = person.page.get_by_text("Parts of this link could not be read", exact=False)
    warning.wait_for(timeout=LOAD_TIMEOUT_MS)
    # The map reports its view and the page runs again: the warning stays.
    person.page.wait_for_timeout(2_500)
    person.wait_until_still()
    assert warning.is_visible()
    assert "layer=" not in person.page.url  # the default layers, not "(none)"
    # The unreadable start keeps its default, the data's first day; the readable end applies.
    assert "from=2015-01-27" in person.page.url and "to=2016-03-27" in person.page.url
    assert person.page.get_by_text(" of 30 incidents", exact=False).first.inner_text().split()[0] != "0"
    person.click(person.page.get_by_role("button", name="Dismiss"))
    warning.wait_for(state="detached", timeout=LOAD_TIMEOUT_MS)


def test_searching_a_place_flies_the_map_there(person, dashboard_url):
    person.open(dashboard_url)
    search = person.page.get_by_label("Search places and incidents")
    person.click(search)
    person.page.keyboard.type("Zarzis", delay=40)
    person.page.wait_for_timeout(800)
    person.page.keyboard.press("Enter")
    person.map_frame.wait_for_function("() => window.map.getZoom() >= 10", timeout=LOAD_TIMEOUT_MS)
    person.wait_until_still()
    latitude, longitude, _ = _map_centre_and_zoom(person)
    assert abs(latitude - 33.50) < 0.1 and abs(longitude - 11.11) < 0.1
    # The box is empty again, ready for the next search.
    person.page.wait_for_function(
        """() => { const boxes = document.querySelectorAll('input[aria-label="Search places and incidents"]');
                   return boxes.length === 1 && boxes[0].value === ""; }""", timeout=LOAD_TIMEOUT_MS)


def test_a_row_chosen_in_the_incidents_table_shows_on_the_map(person, dashboard_url, artifacts):
    person.open(dashboard_url)
    person.click(person.page.get_by_test_id("stSidebarNav").get_by_text("Incidents", exact=True))
    person.page.get_by_role("heading", name="Incidents", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
    grid = person.page.get_by_test_id("stDataFrame")
    grid.wait_for(timeout=LOAD_TIMEOUT_MS)
    person.page.wait_for_timeout(800)
    # The first row is the newest incident; its selection box sits at the row's left edge.
    box = grid.bounding_box()
    person.page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)
    chosen = person.page.get_by_text("Selected:", exact=False)
    chosen.wait_for(timeout=LOAD_TIMEOUT_MS)
    person.click(person.page.get_by_role("button", name="Show on the map"))
    newest = "TN-2017-11-01-BARDO-STAB"
    person.page.get_by_text(f"id {newest}").wait_for(timeout=LOAD_TIMEOUT_MS)
    person.page.wait_for_selector(MAP_FRAME, timeout=LOAD_TIMEOUT_MS)
    _shows_the_site_of(person, newest)
    person.page.screenshot(path=str(artifacts / "map-from-table.png"))


def test_sites_are_reached_and_opened_with_the_keyboard_and_polygons_are_not_tab_stops(person, dashboard_url):
    person.open(dashboard_url)
    # From the search box above the map, Tab leads into the map: its first stops are sites.
    search = person.page.get_by_label("Search places and incidents")
    person.click(search)
    person.page.keyboard.press("Escape")
    where_focus_is = ("() => { const e = document.activeElement; return e === document.body ? ''"
                      " : (e.getAttribute('class') || e.tagName) + '|' + (e.getAttribute('aria-label') || ''); }")
    stops = []
    for _ in range(8):  # eight presses of Tab, noting where the focus lands each time
        person.page.keyboard.press("Tab")
        person.page.wait_for_timeout(120)
        stops.append(person.map_frame.evaluate(where_focus_is))
    assert all("bw-incident" in stop or "bw-cluster" in stop for stop in stops[:5]), stops
    # Back to the last single site passed, with Shift+Tab, and open it with Enter.
    last_site = max(index for index, stop in enumerate(stops) if "bw-incident" in stop)
    for _ in range(len(stops) - 1 - last_site):
        person.page.keyboard.press("Shift+Tab")
        person.page.wait_for_timeout(120)
    assert person.map_frame.evaluate(where_focus_is) == stops[last_site]
    person.page.wait_for_timeout(800)
    person.page.keyboard.press("Enter")
    person.page.get_by_text("km to the Tunisia–Libya border", exact=False).first.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert person.map_frame.evaluate("() => !!document.querySelector('.leaflet-popup')")


def test_the_legend_lists_the_layers_on_the_map_and_clusters_are_not_crossing_green(person, dashboard_url):
    from layers.style import POINT_STATUS_COLOURS

    person.open(dashboard_url)
    frame = person.page.frame_locator(MAP_FRAME)
    person.click(frame.get_by_text("Legend", exact=True))
    heat_row = frame.locator('.bw-legend [data-layer="heatmap"]')
    assert not heat_row.is_visible()
    assert frame.locator('.bw-legend [data-layer="border"]').is_visible()
    person.click(person.page.get_by_role("button", name="Heatmap", exact=True))
    heat_row.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    person.click(person.page.get_by_role("button", name="Border", exact=True))
    frame.locator('.bw-legend [data-layer="border"]').first.wait_for(state="hidden", timeout=LOAD_TIMEOUT_MS)
    cluster_fill = frame.locator(".bw-cluster").first.evaluate("(e) => getComputedStyle(e).backgroundColor")
    crossing_fill = frame.locator(".bw-crossing div").first.evaluate("(e) => getComputedStyle(e).backgroundColor")
    assert cluster_fill != crossing_fill
    red, green, blue = (int(POINT_STATUS_COLOURS["open"][i:i + 2], 16) for i in (1, 3, 5))
    assert cluster_fill != f"rgb({red}, {green}, {blue})"


def test_online_tiles_without_a_network_keep_the_bundled_land_and_say_so(person, dashboard_url, artifacts):
    person.open(dashboard_url)
    frame = person.page.frame_locator(MAP_FRAME)
    land = frame.locator(".leaflet-bw-land-pane path")
    assert land.count() > 10
    person.click(person.page.get_by_text("Online basemap (OpenStreetMap)"))
    notice = frame.locator(".bw-notice")
    notice.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert "could not be loaded" in notice.inner_text()
    # The land is still drawn under the missing tiles: the map is not a blank blue.
    assert land.count() > 10
    assert any("tile.openstreetmap.org" in url for url in person.page.requests.foreign)
    person.page.screenshot(path=str(artifacts / "map-tiles-offline.png"))
    person.page.requests.foreign.clear()  # blocked on purpose: the person asked for online tiles


def test_a_date_typed_and_confirmed_with_enter_applies(person, dashboard_url):
    person.open(dashboard_url)
    year = person.page.get_by_role("spinbutton", name="year, Date range start date")
    person.click(year)
    person.page.keyboard.type("2016")
    person.page.keyboard.type("03")
    person.page.keyboard.type("01")
    person.page.keyboard.press("Enter")
    person.page.get_by_text(" of 30 incidents", exact=False).first.wait_for(timeout=LOAD_TIMEOUT_MS)
    person.page.wait_for_function("() => location.search.includes('from=2016-03-01')", timeout=LOAD_TIMEOUT_MS)
