"""The dashboard in headless Chromium, as a user sees it, with no network."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from borderwatch import config
from layers.style import BARRIER_COLOUR, BORDER_COLOUR
from tests.conftest import start_dashboard, stop_dashboard
from tests.factories import incident_row
from tests.person import LOAD_TIMEOUT_MS, MAP_FRAME, Person

pytestmark = pytest.mark.browser



def _bundled_rows() -> list[dict[str, str]]:
    with open(config.INCIDENTS_PATH, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def incidents_drawn(frame) -> int:
    """Attack sites on the map: single circles plus the counts on clusters."""
    clustered = sum(int(text) for text in frame.locator(".bw-cluster span").all_inner_texts())
    return frame.locator(".bw-incident").count() + clustered


def test_dashboard_draws_border_barrier_places_and_attack_sites(page, dashboard_url, artifacts):
    Person(page).open(dashboard_url)
    frame = page.frame_locator(MAP_FRAME)
    assert frame.locator(f'path[stroke="{BORDER_COLOUR}"]').count() >= 1
    assert frame.locator(f'path[stroke="{BARRIER_COLOUR}"]').count() >= 1
    assert incidents_drawn(frame) == len(_bundled_rows())
    assert frame.get_by_text("Ben Gardane").first.is_visible()
    for label in ("Border", "Barriers", "Attack sites", "Places", "Crossings & posts", "Heatmap",
                  "Location precision", "Border segments", "Cross-border sequences"):
        assert page.get_by_role("button", name=label, exact=True).count() == 1
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert page.requests.foreign == []


def test_switching_off_the_barrier_layer_removes_it_and_keeps_the_view(page, dashboard_url):
    person = Person(page)
    person.open(dashboard_url)
    frame = page.frame_locator(MAP_FRAME)
    barrier = frame.locator(f'path[stroke="{BARRIER_COLOUR}"]')
    assert barrier.count() >= 1
    # The person zooms in twice with the map's own button.
    for _ in range(2):
        person.click(frame.get_by_role("button", name="Zoom in"))
        person.wait_until_still()
    zoom = person.map_frame.evaluate("() => window.map.getZoom()")
    person.click(page.get_by_role("button", name="Barriers", exact=True))
    barrier.first.wait_for(state="detached", timeout=LOAD_TIMEOUT_MS)
    assert frame.locator(f'path[stroke="{BORDER_COLOUR}"]').count() >= 1
    person.click(page.get_by_role("button", name="Border", exact=True))
    frame.locator(f'path[stroke="{BORDER_COLOUR}"]').first.wait_for(state="detached", timeout=LOAD_TIMEOUT_MS)
    # The map was not reloaded: it stays where the person put it.
    assert person.map_frame.evaluate("() => window.map.getZoom()") == zoom
    person.click(page.get_by_role("button", name="Barriers", exact=True))
    barrier.first.wait_for(timeout=LOAD_TIMEOUT_MS)


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
    process, url = start_dashboard(
        {"BORDERWATCH_INCIDENTS_FILE": str(path), "BORDERWATCH_DATA_DIR": str(tmp_path / "store")}
    )
    yield url
    stop_dashboard(process)


@pytest.mark.slow
def test_hostile_text_shows_as_text_runs_nothing_and_leaves_the_map_whole(page, hostile_dashboard, artifacts):
    person = Person(page)
    person.open(hostile_dashboard)
    frame = page.frame_locator(MAP_FRAME)
    assert incidents_drawn(frame) == len(HOSTILE_STRINGS)
    assert frame.locator(f'path[stroke="{BORDER_COLOUR}"]').count() >= 1
    for n, text in enumerate(HOSTILE_STRINGS):
        person.open_record(f"HOSTILE-{n}")
        popup = frame.locator(".leaflet-popup-content", has_text=f"2016-03-0{n + 1}")
        assert text in popup.inner_text()
        assert page.get_by_text(text, exact=False).count() >= 1
    page.screenshot(path=str(artifacts / "hostile.png"), full_page=True)
    assert page.evaluate("window.__pwned") is None
    assert person.map_frame.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert page.requests.foreign == []


def test_a_deep_link_to_a_page_opens_it_inside_the_dashboard(page, artifacts):
    # A fresh server: Streamlit decides how to run pages on a process's first run.
    process, url = start_dashboard()
    try:
        page.goto(f"{url}/incidents", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Incidents", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
        # The sidebar's filters arrive in the same run as the heading but may
        # be drawn a moment later: wait for them rather than count at once.
        page.get_by_text("Incident types", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
        navigation = page.get_by_test_id("stSidebarNav")
        for label in ("Map", "Incidents", "About the data"):
            navigation.get_by_text(label, exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
            assert navigation.get_by_text(label, exact=True).count() == 1
        assert page.title() == "BorderWatch"
        assert page.get_by_text("Page not found").count() == 0
    finally:
        stop_dashboard(process)
    assert page.requests.foreign == []


@pytest.mark.slow
def test_an_uploaded_acled_export_appears_on_the_map(page, tmp_path, artifacts):
    from tests.test_importers import acled_file

    export = acled_file(
        tmp_path,
        {"event_id_cnty": "TUN201", "location": "Medenine", "latitude": "33.3549", "longitude": "10.5055",
         "fatalities": "2", "notes": "Imported through the browser."},
        {"event_id_cnty": "TUN202", "event_date": "2016-03-09", "location": "Zarzis",
         "latitude": "33.5036", "longitude": "11.1122", "fatalities": "0"},
    )
    process, url = start_dashboard({"BORDERWATCH_DATA_DIR": str(tmp_path / "store")})
    try:
        page.goto(f"{url}/import", wait_until="domcontentloaded")
        page.get_by_test_id("stFileUploader").filter(has_text="File to import").locator(
            'input[type="file"]').set_input_files(str(export))
        page.get_by_text("Accepted 2 — rejected 0").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.get_by_role("button", name="Store 2 incidents").click()
        page.get_by_text("2 added, 0 updated, 0 unchanged").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "import.png"), full_page=True)
        page.get_by_test_id("stSidebarNav").get_by_text("Map", exact=True).click()
        page.get_by_text("32 of 32 incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
        frame = page.frame_locator(MAP_FRAME)
        frame.locator(".bw-incident, .bw-cluster").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        assert incidents_drawn(frame) == 32
        Person(page).open_record("ACLED-TUN201@acled")  # imported ids carry their dataset
        page.get_by_text("Imported through the browser.").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    finally:
        stop_dashboard(process)
    assert page.requests.foreign == []


#: Cells nest: each click zooms two levels in, so a few reach the individual sites.
MOST_CELL_CLICKS = 8

# A circle of an individual incident that is on screen and on top, to click.
_VISIBLE_POINT = """() => {
    const map = window.map;
    const frame = map.getContainer().getBoundingClientRect();
    let found = null;
    map.eachLayer((layer) => {
        if (found || !layer.feature || !layer.feature.properties.incident_id || !layer._path) { return; }
        const p = map.latLngToContainerPoint(layer.getLatLng());
        if (p.x < 20 || p.y < 20 || p.x > frame.width - 20 || p.y > frame.height - 20) { return; }
        const hit = document.elementFromPoint(frame.left + p.x, frame.top + p.y);
        if (hit === layer._path) { found = {id: layer.feature.properties.incident_id, x: p.x, y: p.y}; }
    });
    return found;
}"""

# The centre of the counted cell nearest the middle of the map, among those
# not covered there by something else (the legend, a label).
_CENTRAL_CELL = """() => {
    const frame = window.map.getContainer().getBoundingClientRect();
    let best = null, bestDistance = Infinity;
    document.querySelectorAll(".bw-cell").forEach((cell) => {
        const box = cell.getBoundingClientRect();
        const x = box.left + box.width / 2 - frame.left, y = box.top + box.height / 2 - frame.top;
        if (!cell.contains(document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2))) {
            return;
        }
        const distance = Math.hypot(x - frame.width / 2, y - frame.height / 2);
        if (distance < bestDistance) { best = {x: x, y: y}; bestDistance = distance; }
    });
    return best;
}"""


@pytest.fixture(scope="module")
def store_of_100k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("store-100k")
    csv_path = folder / "synthetic.csv"
    for command in (
        ["synth", "--rows", "100000", "--seed", "5", "-o", str(csv_path)],
        ["--data-dir", str(folder / "store"), "import", str(csv_path), "--dataset", "synthetic"],
    ):
        subprocess.run([sys.executable, "-m", "borderwatch", *command], cwd=Path(__file__).resolve().parents[1],
                       check=True, capture_output=True, timeout=300)
    csv_path.unlink()
    return folder / "store"


@pytest.mark.slow
def test_with_100k_incidents_the_map_opens_and_a_clicked_point_shows_its_details(page, store_of_100k, artifacts):
    process, url = start_dashboard({"BORDERWATCH_DATA_DIR": str(store_of_100k)})
    try:
        person = Person(page)
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("of 100,030 incidents").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        page.wait_for_selector(MAP_FRAME, timeout=LOAD_TIMEOUT_MS)
        frame = person.map_frame
        # Too many to draw one by one: counted cells first.
        frame.wait_for_selector(".bw-cell", timeout=LOAD_TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "map-100k.png"), full_page=True)
        point = None
        for _ in range(MOST_CELL_CLICKS):  # each click is on a new, smaller cell, deeper in
            page.wait_for_timeout(600)  # the map reports its new view; the page then runs
            person.wait_until_still()
            point = frame.evaluate(_VISIBLE_POINT)
            if point is not None:
                break
            cell = frame.evaluate(_CENTRAL_CELL)
            assert cell is not None, "neither points nor cells on the map"
            zoom = frame.evaluate("() => window.map.getZoom()")
            person.click_map_at(cell["x"], cell["y"])
            frame.wait_for_function("(zoom) => window.map.getZoom() > zoom", arg=zoom, timeout=LOAD_TIMEOUT_MS)
        assert point is not None, "zooming in never reached individual points"
        clicked = point["id"]
        person.open_site(clicked)
        page.get_by_text(f"id {clicked}").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.get_by_text("km to the Tunisia–Libya border", exact=False).first.wait_for(timeout=LOAD_TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "map-100k-details.png"), full_page=True)
    finally:
        stop_dashboard(process)
    assert page.requests.foreign == []
