"""The dashboard in headless Chromium, as a user sees it, with no network."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from borderwatch import config
from layers.style import BARRIER_COLOUR, BORDER_COLOUR
from tests.conftest import ARTIFACTS, start_dashboard, stop_dashboard
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
    frame.locator(".leaflet-interactive.bw-incident, .marker-cluster").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    return frame


def incidents_drawn(frame) -> int:
    """Attack sites on the map: single circles plus the counts on clusters."""
    clustered = sum(int(text) for text in frame.locator(".marker-cluster span").all_inner_texts())
    return frame.locator(".bw-incident").count() + clustered


_LOCATE_INCIDENT = """(id) => {
    const map = window.map;
    let group = null, found = null;
    map.eachLayer((layer) => {
        if (layer.getVisibleParent) {
            layer.getLayers().forEach((marker) => {
                if (marker.feature && marker.feature.properties.incident_id === id) {
                    group = layer; found = marker;
                }
            });
        }
    });
    if (!found) {
        // The map holds only the incidents around its view: look again from
        // the whole region, as a user would zoom out to find a site.
        if (map.getZoom() > map.options.zoom) {
            map.setView(map.options.center, map.options.zoom, {animate: false});
            return {action: "zoomed"};
        }
        return null;
    }
    const frame = map.getContainer().getBoundingClientRect();
    const inView = (point) => point.x > 5 && point.y > 5 && point.x < frame.width - 5 && point.y < frame.height - 5;
    const closer = () => {
        // What a user does when a site is hidden or crowded: zoom in on it.
        map.setView(found.getLatLng(), Math.min(map.getZoom() + 1, map.getMaxZoom()), {animate: false});
        return {action: "zoomed"};
    };
    let aim, target;
    if (found._map) {
        const p = map.latLngToContainerPoint(found.getLatLng());
        // Fanned-out circles keep their cluster's icon at the centre: aim at
        // the rim on the side away from it.
        const centre = found._preSpiderfyLatlng ? map.latLngToContainerPoint(found._preSpiderfyLatlng) : p;
        const dx = p.x - centre.x, dy = p.y - centre.y, length = Math.hypot(dx, dy);
        const reach = length ? found.getRadius() - 2 : 0;
        aim = {x: p.x + (length ? dx / length : 0) * reach, y: p.y + (length ? dy / length : 0) * reach};
        target = found._path;
    } else {
        const parent = group.getVisibleParent(found);
        if (!parent || !parent._icon) { return closer(); }
        const icon = parent._icon.getBoundingClientRect();
        aim = {x: icon.left + icon.width / 2 - frame.left, y: icon.top + icon.height / 2 - frame.top};
        target = parent._icon;
    }
    if (!inView(aim)) { return closer(); }
    const hit = document.elementFromPoint(frame.left + aim.x, frame.top + aim.y);
    // Something else on top (another circle, a label, a control): get closer.
    if (!hit || !(hit === target || target.contains(hit))) { return closer(); }
    return {action: found._map ? "marker" : "cluster", x: frame.left + aim.x, y: frame.top + aim.y};
}"""


_POPUP_OPEN = """(id) => {
    let open = false;
    window.map.eachLayer((layer) => {
        if (layer.feature && layer.feature.properties.incident_id === id && layer.isPopupOpen()) { open = true; }
    });
    return open;
}"""


def click_incident(page, incident_id: str) -> None:
    """Click the attack site with this id as a user would, until its popup opens.

    While it is hidden in a cluster, click the cluster (which zooms in, or
    fans out circles that share a place); while something else covers it or
    it is out of view, zoom in on it; then click the circle itself.
    """
    frame_element = page.locator(MAP_FRAME).element_handle()
    frame = frame_element.content_frame()
    missing = 0
    for _ in range(24):
        # A busy machine runs Leaflet's animations late: act only on a still map.
        frame.wait_for_function("() => !window.map._animatingZoom && !window.map._panAnim?._inProgress")
        page.wait_for_timeout(300)
        target = frame.evaluate(_LOCATE_INCIDENT, incident_id)
        if target is None:
            # After a move the server sends the new view's incidents a moment later.
            missing += 1
            assert missing < 8, f"no marker for {incident_id}"
            page.wait_for_timeout(1_000)
            continue
        if target["action"] == "zoomed":
            continue
        box = frame_element.bounding_box()
        page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
        if target["action"] == "marker":
            try:
                frame.wait_for_function(_POPUP_OPEN, arg=incident_id, timeout=5_000)
                return
            except Exception:  # noqa: BLE001 - the click landed mid-animation: look and click again
                continue
    page.screenshot(path=str(ARTIFACTS / f"click-failed-{incident_id}.png"))
    raise AssertionError(f"could not open the popup of {incident_id}")


def test_dashboard_draws_border_barrier_places_and_attack_sites(page, dashboard_url, artifacts):
    frame = open_map(page, dashboard_url)
    assert frame.locator(f'path[stroke="{BORDER_COLOUR}"]').count() >= 1
    assert frame.locator(f'path[stroke="{BARRIER_COLOUR}"]').count() >= 1
    assert incidents_drawn(frame) == len(_bundled_rows())
    assert frame.get_by_text("Ben Gardane").first.is_visible()
    for label in ("Border", "Trench and berm", "Attack sites", "Places", "Crossings", "Heatmap",
                  "Location precision", "Border segments", "Cross-border sequences"):
        assert page.get_by_role("button", name=label, exact=True).count() == 1
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert page.requests.foreign == [], f"requests left localhost: {page.requests.foreign}"


def test_clicking_the_ben_guerdane_raid_shows_its_details(page, dashboard_url, artifacts):
    raid = next(r for r in _bundled_rows() if r["event_date"] == "2016-03-07" and r["iso3"] == "TUN")
    open_map(page, dashboard_url)
    click_incident(page, raid["id"])
    panel = page.get_by_text("km to the Tunisia–Libya border", exact=False)
    panel.wait_for(timeout=LOAD_TIMEOUT_MS)
    page.get_by_role("heading", name=raid["location"]).wait_for(timeout=LOAD_TIMEOUT_MS)
    assert page.get_by_text(raid["description"][:60], exact=False).count() >= 1
    page.screenshot(path=str(artifacts / "details.png"), full_page=True)
    assert page.requests.foreign == []


def test_switching_off_the_barrier_layer_removes_it_and_keeps_the_view(page, dashboard_url):
    frame = open_map(page, dashboard_url)
    barrier = frame.locator(f'path[stroke="{BARRIER_COLOUR}"]')
    assert barrier.count() >= 1
    map_body = frame.locator("body")
    map_body.evaluate("() => window.map.setView([33.0, 11.2], 9, {animate: false})")
    page.get_by_role("button", name="Trench and berm", exact=True).click()
    barrier.first.wait_for(state="detached", timeout=LOAD_TIMEOUT_MS)
    assert barrier.count() == 0
    assert frame.locator(f'path[stroke="{BORDER_COLOUR}"]').count() >= 1
    page.get_by_role("button", name="Border", exact=True).click()
    frame.locator(f'path[stroke="{BORDER_COLOUR}"]').first.wait_for(state="detached", timeout=LOAD_TIMEOUT_MS)
    # The map was not reloaded: it stays where the user put it.
    assert map_body.evaluate("() => window.map.getZoom()") == 9
    page.get_by_role("button", name="Trench and berm", exact=True).click()
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


def test_every_attack_site_can_be_clicked_on_a_laptop_screen(browser, dashboard_url):
    # 1366 x 768: the map does not fit the window, so a click that scrolled the
    # page (Leaflet's keyboard focus did) would miss. Co-located sites fan out.
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        open_map(page, dashboard_url)
        for row in _bundled_rows():
            if row["id"] in ("LY-2016-02-19-SABRATHA-STRIKE", "TN-2016-03-02-ELAOUIJA", "TN-2015-06-26-SOUSSE"):
                click_incident(page, row["id"])
                page.get_by_text(f"id {row['id']}").wait_for(timeout=LOAD_TIMEOUT_MS)
    finally:
        context.close()


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


def test_hostile_text_shows_as_text_runs_nothing_and_leaves_the_map_whole(page, hostile_dashboard, artifacts):
    frame = open_map(page, hostile_dashboard)
    assert incidents_drawn(frame) == len(HOSTILE_STRINGS)
    assert frame.locator(f'path[stroke="{BORDER_COLOUR}"]').count() >= 1
    for n, text in enumerate(HOSTILE_STRINGS):
        click_incident(page, f"HOSTILE-{n}")
        popup = frame.locator(".leaflet-popup-content", has_text=f"2016-03-0{n + 1}")
        popup.wait_for(timeout=30_000)
        assert text in popup.inner_text()
        # Close it so it does not cover the next marker (its close button
        # can sit under the layer control once the map has panned).
        map_frame = page.locator(MAP_FRAME).element_handle().content_frame()
        map_frame.evaluate("() => window.map.closePopup()")
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
        page.locator('input[type="file"]').set_input_files(str(export))
        page.get_by_text("Accepted 2 — rejected 0").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.get_by_role("button", name="Store 2 incidents").click()
        page.get_by_text("2 added, 0 updated, 0 unchanged").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "import.png"), full_page=True)
        page.get_by_test_id("stSidebarNav").get_by_text("Map", exact=True).click()
        page.get_by_text("32 of 32 incidents").wait_for(timeout=LOAD_TIMEOUT_MS)
        frame = page.frame_locator(MAP_FRAME)
        frame.locator(".leaflet-interactive.bw-incident, .marker-cluster").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        assert incidents_drawn(frame) == 32
        click_incident(page, "ACLED-TUN201@acled")  # imported ids carry their dataset
        page.get_by_text("id ACLED-TUN201").wait_for(timeout=LOAD_TIMEOUT_MS)
        assert page.get_by_text("Imported through the browser.").count() >= 1
    finally:
        stop_dashboard(process)
    assert page.requests.foreign == []


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
        subprocess.run([sys.executable, "-m", "borderwatch", *command], cwd=config.REPO_ROOT,
                       check=True, capture_output=True, timeout=300)
    csv_path.unlink()
    return folder / "store"


def test_with_100k_incidents_the_map_opens_and_a_clicked_point_shows_its_details(page, store_of_100k, artifacts):
    process, url = start_dashboard({"BORDERWATCH_DATA_DIR": str(store_of_100k)})
    try:
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("of 100,030 incidents").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        page.wait_for_selector(MAP_FRAME, timeout=LOAD_TIMEOUT_MS)
        frame_element = page.locator(MAP_FRAME).element_handle()
        frame = frame_element.content_frame()
        # Too many to draw one by one: counted cells first.
        frame.wait_for_selector(".bw-cell", timeout=LOAD_TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "map-100k.png"), full_page=True)
        clicked = None
        for _ in range(12):
            frame.wait_for_function("() => !window.map._animatingZoom && !window.map._panAnim?._inProgress")
            page.wait_for_timeout(1_500)  # the server sends the new view's data after a move
            point = frame.evaluate(_VISIBLE_POINT)
            box = frame_element.bounding_box()
            if point is not None:
                page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
                clicked = point["id"]
                break
            cell = frame.evaluate(_CENTRAL_CELL)
            assert cell is not None, "neither points nor cells on the map"
            page.mouse.click(box["x"] + cell["x"], box["y"] + cell["y"])  # zooms in on the cell
        assert clicked is not None, "zooming in never reached individual points"
        page.get_by_text(f"id {clicked}").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.get_by_text("km to the Tunisia–Libya border", exact=False).first.wait_for(timeout=LOAD_TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "map-100k-details.png"), full_page=True)
    finally:
        stop_dashboard(process)
    assert page.requests.foreign == []
