"""The dashboard in headless Chromium, as a user sees it, with no network."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from borderwatch import config
from layers.style import BARRIER_COLOUR, BORDER_COLOUR
from tests.conftest import start_dashboard, stop_dashboard
from tests.factories import incident_row

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT_MS = 60_000


def _bundled_rows() -> list[dict[str, str]]:
    with open(config.INCIDENTS_PATH, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def open_map(page, url: str):
    """Open the dashboard; return the map frame once every layer is drawn."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(MAP_FRAME, timeout=LOAD_TIMEOUT_MS)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(f'path[stroke="{BORDER_COLOUR}"]').first.wait_for(timeout=LOAD_TIMEOUT_MS)
    frame.locator(".leaflet-interactive.bw-incident").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    return frame


def click_incident(page, incident_id: str) -> None:
    """Click the attack site with this id where a user would: on its visible rim."""
    frame_element = page.locator(MAP_FRAME).element_handle()
    frame = frame_element.content_frame()
    point = frame.evaluate(
        """(id) => {
            let found = null;
            window.map.eachLayer((layer) => {
                if (layer.feature && layer.feature.properties.incident_id === id) { found = layer; }
            });
            if (!found) { return null; }
            window.map.setView(found.getLatLng(), 9, {animate: false});
            const p = window.map.latLngToContainerPoint(found.getLatLng());
            return {x: p.x, y: p.y + found.getRadius() - 2};
        }""",
        incident_id,
    )
    assert point is not None, f"no marker for {incident_id}"
    box = frame_element.bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_dashboard_draws_border_barrier_places_and_attack_sites(page, dashboard_url, artifacts):
    frame = open_map(page, dashboard_url)
    assert frame.locator(f'path[stroke="{BORDER_COLOUR}"]').count() >= 1
    assert frame.locator(f'path[stroke="{BARRIER_COLOUR}"]').count() >= 1
    assert frame.locator(".bw-incident").count() == len(_bundled_rows())
    assert frame.get_by_text("Ben Gardane").first.is_visible()
    for label in ("Tunisia–Libya border", "Trench and berm (barrier)", "Attack sites", "Places", "Crossings"):
        assert frame.locator(".leaflet-control-layers").get_by_text(label, exact=True).count() == 1
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert page.requests.foreign == [], f"requests left localhost: {page.requests.foreign}"


def test_clicking_the_ben_guerdane_raid_shows_its_details(page, dashboard_url, artifacts):
    raid = next(r for r in _bundled_rows() if r["event_date"] == "2016-03-07" and r["iso3"] == "TUN")
    open_map(page, dashboard_url)
    click_incident(page, raid["id"])
    panel = page.get_by_text("km to the border", exact=False)
    panel.wait_for(timeout=LOAD_TIMEOUT_MS)
    page.get_by_role("heading", name=raid["location"]).wait_for(timeout=LOAD_TIMEOUT_MS)
    assert page.get_by_text(raid["description"][:60], exact=False).count() >= 1
    page.screenshot(path=str(artifacts / "details.png"), full_page=True)
    assert page.requests.foreign == []


def test_unticking_the_barrier_layer_removes_it_from_the_map(page, dashboard_url):
    frame = open_map(page, dashboard_url)
    barrier = frame.locator(f'path[stroke="{BARRIER_COLOUR}"]')
    assert barrier.count() >= 1
    frame.locator(".leaflet-control-layers label", has_text="Trench and berm (barrier)").locator("input").uncheck()
    barrier.first.wait_for(state="detached", timeout=10_000)
    assert barrier.count() == 0
    assert frame.locator(f'path[stroke="{BORDER_COLOUR}"]').count() >= 1
    frame.locator(".leaflet-control-layers label", has_text="Tunisia–Libya border").locator("input").uncheck()
    frame.locator(f'path[stroke="{BORDER_COLOUR}"]').first.wait_for(state="detached", timeout=10_000)


HOSTILE_STRINGS = [
    "${window.top.__pwned=1}",
    "<img src=x onerror=\"window.top.__pwned=2\">",
    "</script><script>window.top.__pwned=3</script>",
    "\\`;window.top.__pwned=4;`",
    "C:\\path\\2019",
    "${'\"'}",
    "{{ 7*7 }} {% raw %}",
]


@pytest.fixture
def hostile_dashboard(tmp_path: Path, artifacts: Path):
    rows = [
        incident_row(
            id=f"HOSTILE-{n}", event_date=f"2016-03-0{n + 1}", location=text, description=text,
            actors=text, notes=text, type_original=text, deaths_note=text,
            sources=f"https://example.org/{n} ; {text}", latitude=33.0 + n / 10, longitude=11.0,
        )
        for n, text in enumerate(HOSTILE_STRINGS)
    ]
    path = tmp_path / "hostile.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    process, url = start_dashboard({"BORDERWATCH_INCIDENTS_FILE": str(path)})
    yield url
    stop_dashboard(process)


def test_hostile_text_shows_as_text_runs_nothing_and_leaves_the_map_whole(page, hostile_dashboard, artifacts):
    frame = open_map(page, hostile_dashboard)
    assert frame.locator(".bw-incident").count() == len(HOSTILE_STRINGS)
    assert frame.locator(f'path[stroke="{BORDER_COLOUR}"]').count() >= 1
    for n, text in enumerate(HOSTILE_STRINGS):
        click_incident(page, f"HOSTILE-{n}")
        popup = frame.locator(".leaflet-popup-content", has_text=f"2016-03-0{n + 1}")
        popup.wait_for(timeout=10_000)
        assert text in popup.inner_text()
        # Close it, as a user would, so it does not cover the next marker.
        frame.locator(".leaflet-popup-close-button").click()
        page.get_by_text(f"id HOSTILE-{n}").wait_for(timeout=LOAD_TIMEOUT_MS)
        assert page.get_by_text(text, exact=False).count() >= 1
    page.screenshot(path=str(artifacts / "hostile.png"), full_page=True)
    map_frame = page.locator(MAP_FRAME).element_handle().content_frame()
    assert page.evaluate("window.__pwned") is None
    assert map_frame.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert page.requests.foreign == []


def test_a_deep_link_to_a_page_opens_it_inside_the_dashboard(page, artifacts):
    # A fresh server: Streamlit decides how to run pages on a process's first run.
    process, url = start_dashboard()
    try:
        page.goto(f"{url}/incidents", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Incidents", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
        navigation = page.get_by_test_id("stSidebarNav")
        for label in ("Map", "Incidents", "About the data"):
            assert navigation.get_by_text(label, exact=True).count() == 1
        assert page.get_by_text("Incident types").count() == 1
        assert page.title() == "BorderWatch"
    finally:
        stop_dashboard(process)
    assert page.requests.foreign == []
