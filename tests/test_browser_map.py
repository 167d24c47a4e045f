"""A person at the map, in headless Chromium with every outside request blocked.

Every action is a real mouse click or key press at a person's pace (see
:mod:`tests.person`); nothing moves the map but the person.
"""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect

from borderwatch import config
from tests.conftest import RequestLog
from tests.person import LOAD_TIMEOUT_MS, MAP_FRAME, Person

pytestmark = pytest.mark.browser

RAID = "TN-2016-03-07-BENGUERDANE"
SOUSSE = "TN-2015-06-26-SOUSSE"


def _bundled_rows() -> list[dict[str, str]]:
    with open(config.INCIDENTS_PATH, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _by_place(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """North to south, so that the sites a person opens one after the other lie near each other."""
    return sorted(rows, key=lambda row: (-float(row["latitude"]), float(row["longitude"]), row["id"]))


@pytest.fixture
def person_at(browser):
    """A person at a browser window of a given size; requests that leave loopback are blocked and fail the test."""
    contexts: list[tuple[object, RequestLog]] = []

    def make(width: int, height: int) -> Person:
        context = browser.new_context(viewport={"width": width, "height": height})
        requests = RequestLog()
        context.route("**/*", requests.route)
        contexts.append((context, requests))
        return Person(context.new_page())

    yield make
    for context, requests in contexts:
        context.close()
        assert requests.foreign == [], f"requests left localhost: {requests.foreign}"


def _open_records_from_the_map(person: Person, rows: list[dict[str, str]], artifacts, name: str) -> None:
    """Open each incident's record from the map: its popup, then its record beside (or over) the map."""
    for row in rows:
        person.open_record(row["id"])
        # The page ran again to show the record: the popup is still open.
        person.page.wait_for_timeout(300)
        assert person.map_frame.evaluate(
            "(id) => window.BorderWatch.siteLayer.markers[id].isPopupOpen()", row["id"]), row["id"]
        if row["id"] == RAID:
            person.page.screenshot(path=str(artifacts / f"map-{name}-raid.png"))
        person.close_record_dialog()


#: The bundled incidents, north to south, in three bands: each band a person's session of its own (the three
#: run side by side on the test workers, and together open every incident).
BANDS = ("north", "middle", "south")


@pytest.mark.slow
@pytest.mark.parametrize("band", BANDS)
def test_every_bundled_incident_opens_from_the_map_on_a_laptop_screen(person_at, dashboard_url, artifacts, band):
    person = person_at(1366, 768)
    person.open(dashboard_url)
    person.page.screenshot(path=str(artifacts / f"map-laptop-{band}.png"))
    person.map_frame.evaluate("() => { window.sitesAtStart = window.BorderWatch.siteLayer; }")
    rows = _by_place(_bundled_rows())
    size = -(-len(rows) // len(BANDS))
    start = BANDS.index(band) * size
    _open_records_from_the_map(person, rows[start:start + size], artifacts, f"laptop-{band}")
    # Ten clicks or so, each rerunning the page, and the sites were never sent and drawn again.
    assert person.map_frame.evaluate("() => window.sitesAtStart === window.BorderWatch.siteLayer")


@pytest.mark.slow
def test_a_sample_of_incidents_opens_from_the_map_on_a_large_screen(person_at, dashboard_url, artifacts):
    person = person_at(1920, 1080)
    person.open(dashboard_url)
    person.page.screenshot(path=str(artifacts / "map-desktop.png"))
    rows = _by_place(_bundled_rows())
    _open_records_from_the_map(person, rows[::10] + [row for row in rows if row["id"] == RAID], artifacts, "desktop")


@pytest.mark.slow
def test_on_a_phone_a_clicked_site_shows_its_record_over_the_map(person_at, dashboard_url, artifacts):
    person = person_at(390, 844)
    person.open(dashboard_url)
    person.page.screenshot(path=str(artifacts / "map-phone.png"))
    raid = next(row for row in _bundled_rows() if row["id"] == RAID)
    person.open_site(RAID)
    dialog = person.page.get_by_role("dialog")
    identity = dialog.get_by_text(f"id {RAID}", exact=False)
    identity.wait_for(timeout=LOAD_TIMEOUT_MS)
    # The record arrives part by part: a person reads its description once it is drawn.
    expect(dialog.get_by_text(raid["description"][:50], exact=False)).to_have_count(1, timeout=LOAD_TIMEOUT_MS)
    # The record is where the person is looking: inside the window.
    assert 0 <= identity.bounding_box()["y"] < 844
    person.page.screenshot(path=str(artifacts / "map-phone-record.png"))
    rows = [row for row in _by_place(_bundled_rows()) if row["id"] != RAID][::10]
    person.close_record_dialog()
    _open_records_from_the_map(person, rows, artifacts, "phone")


def test_a_fanned_out_place_and_an_open_popup_stay_until_the_person_clicks_elsewhere(person_at, dashboard_url):
    person = person_at(1366, 768)
    person.open(dashboard_url)
    frame = person.map_frame
    frame.evaluate("""() => {
        window.folds = 0;
        window.BorderWatch.siteLayer.cluster.on("unspiderfied", () => { window.folds += 1; });
    }""")
    # Ben Guerdane's five sites share one place: one click fans them out ...
    spot = person.where(RAID)
    assert spot.kind == "cluster"
    person.click_map_at(spot.x, spot.y)
    frame.wait_for_function("() => !!window.BorderWatch.siteLayer.cluster._spiderfied", timeout=10_000)
    # ... and they stay fanned out, without a rerun folding them, while the person looks.
    person.page.wait_for_timeout(2_500)
    assert frame.evaluate("() => window.folds") == 0
    assert person.where(RAID).kind == "site"
    person.open_site(RAID)
    person.page.get_by_text(f"id {RAID}").wait_for(timeout=LOAD_TIMEOUT_MS)
    person.page.wait_for_timeout(2_500)
    assert frame.evaluate("() => window.folds") == 0
    assert frame.evaluate("(id) => window.BorderWatch.siteLayer.markers[id].isPopupOpen()", RAID)
    # The clicked site is highlighted.
    assert frame.locator("path.bw-incident.bw-selected").count() == 1
    # A click on empty sea closes both.
    person.click_map_at(person.map_box()["width"] - 60, 60)
    frame.wait_for_function("() => window.folds === 1", timeout=10_000)
    # Sousse stands alone: its popup stays up through the rerun its click causes.
    person.go_home()
    person.open_site(SOUSSE)
    person.page.get_by_text(f"id {SOUSSE}").wait_for(timeout=LOAD_TIMEOUT_MS)
    person.page.wait_for_timeout(2_500)
    assert frame.evaluate("(id) => window.BorderWatch.siteLayer.markers[id].isPopupOpen()", SOUSSE)


def test_the_first_view_fits_the_window_names_the_countries_and_draws_the_border_above_the_barrier(
        person_at, dashboard_url, artifacts):
    from layers.style import BARRIER_COLOUR, BORDER_COLOUR

    for width, height in ((1366, 768), (1920, 1080)):
        person = person_at(width, height)
        person.open(dashboard_url)
        person.page.wait_for_timeout(1_000)
        box = person.map_box()
        # All of the map is on screen.
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (width, height, box)
        assert box["height"] >= 0.6 * height
        frame = person.page.frame_locator(MAP_FRAME)
        for country in ("Tunisia", "Libya"):
            label = frame.locator(".bw-label-country .bw-label-text", has_text=country)
            assert label.evaluate("(element) => getComputedStyle(element).visibility") == "visible"
        assert frame.locator(".bw-label-featured .bw-label-text").evaluate(
            "(element) => getComputedStyle(element).visibility") == "visible"
        # Town names show without hovering, and none covers an attack site.
        shown_names = frame.locator(".bw-label-place .bw-label-text").evaluate_all(
            "(all) => all.filter((e) => getComputedStyle(e).visibility === 'visible').map((e) => e.textContent)")
        assert len(shown_names) >= 8
        overlaps = frame.locator("body").evaluate("""() => {
            const boxes = (selector) => [...document.querySelectorAll(selector)]
                .filter((e) => getComputedStyle(e).visibility !== 'hidden').map((e) => e.getBoundingClientRect());
            const sites = boxes('.bw-incident, .bw-cluster');
            const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
            return boxes('.bw-label-place .bw-label-text')
                .filter((label) => sites.some((site) => hit(label, site))).length;
        }""")
        assert overlaps == 0
        # The border is drawn after (above) the barrier that runs 2 km from it.
        order = person.map_frame.evaluate(
            "(colours) => [...document.querySelectorAll('path')].map((p) => p.getAttribute('stroke'))"
            ".filter((c) => colours.includes(c))", [BORDER_COLOUR, BARRIER_COLOUR])
        assert order.index(BARRIER_COLOUR) < len(order) - 1 - order[::-1].index(BORDER_COLOUR)
        fills = frame.locator("body").evaluate(
            "() => [...new Set([...document.querySelectorAll('.leaflet-pane path')]"
            ".map((p) => p.getAttribute('fill')))]")
        from layers.style import FOCUS_LAND_COLOURS
        assert FOCUS_LAND_COLOURS["TUN"] in fills and FOCUS_LAND_COLOURS["LBY"] in fills
        person.page.screenshot(path=str(artifacts / f"map-first-view-{width}.png"))
