"""A person imports a border's fence and crossing, then finds them on the map: headless Chromium, no network."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import start_dashboard, stop_dashboard
from tests.person import LOAD_TIMEOUT_MS, MAP_FRAME, REACTION_MS, Person
from tests.test_app_infrastructure import MARKUP, fence_file

pytestmark = pytest.mark.browser

# Where a person would click a drawn line: of the points along it that show on the map, uncovered, the one nearest
# the map's centre; in the map frame's coordinates (Leaflet draws a little of the line beyond the view, too).
_ON_SCREEN = """(path) => {
    const box = window.map.getContainer().getBoundingClientRect(), m = path.getScreenCTM();
    const centre = [(box.left + box.right) / 2, (box.top + box.bottom) / 2];
    let best = null;
    for (let i = 0; i <= 200; i++) {
        const p = path.getPointAtLength(path.getTotalLength() * i / 200);
        const x = p.x * m.a + p.y * m.c + m.e, y = p.x * m.b + p.y * m.d + m.f;
        const inside = x > box.left + 20 && x < box.right - 20 && y > box.top + 20 && y < box.bottom - 20;
        if (!inside || document.elementFromPoint(x, y) !== path) { continue; }
        const distance = Math.hypot(x - centre[0], y - centre[1]);
        if (best === null || distance < best.distance) { best = {x: x, y: y, distance: distance}; }
    }
    return best;
}"""


@pytest.mark.slow
def test_an_imported_fence_and_crossing_are_drawn_on_their_border_with_their_text_as_text(
        page, tmp_path, artifacts):
    fences = fence_file(tmp_path, far=True)
    process, url = start_dashboard({"BORDERWATCH_DATA_DIR": str(tmp_path / "store")})
    person = Person(page)
    try:
        page.goto(f"{url}/import?border=MAR-DZA", wait_until="domcontentloaded")
        section = page.get_by_role("heading", name="Barriers and crossings: Algeria–Morocco border")
        expect(section).to_be_visible(timeout=LOAD_TIMEOUT_MS)
        uploader = page.get_by_test_id("stFileUploader").filter(has_text="Infrastructure file")
        page.wait_for_timeout(REACTION_MS)
        with page.expect_file_chooser() as chooser:
            uploader.get_by_test_id("stBaseButton-secondary").click()
        chooser.value.set_files(str(fences))
        # The post 600 km away in Spain is rejected; the fence and the crossing pass.
        expect(page.get_by_text("Accepted 2 features — rejected 1 feature row")).to_be_visible(
            timeout=LOAD_TIMEOUT_MS)
        person.click(page.get_by_role("button", name="Store 2 features as layer “fences”"))
        expect(page.get_by_text("2 added, 0 updated, 0 unchanged, 0 removed")).to_be_visible(
            timeout=LOAD_TIMEOUT_MS)
        page.screenshot(path=str(artifacts / "infrastructure-import.png"), full_page=True)

        person.click(page.get_by_test_id("stSidebarNav").get_by_text("Map", exact=True))
        expect(page.get_by_role("heading", name="Algeria–Morocco border")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
        frame = page.frame_locator(MAP_FRAME)
        fence = frame.locator('[data-feature-id="fence-1"]')
        fence.wait_for(timeout=LOAD_TIMEOUT_MS)
        person.wait_until_still()
        crossing = frame.locator('[data-feature-id="x-1"]')
        expect(crossing).to_be_visible()
        page.wait_for_timeout(REACTION_MS)
        crossing.hover()
        tooltip = frame.locator(".leaflet-tooltip")
        expect(tooltip).to_contain_text(MARKUP, timeout=LOAD_TIMEOUT_MS)
        expect(tooltip).to_contain_text("open")
        # The name's markup stayed text: no element was made of it, and no script ran.
        assert frame.locator(".leaflet-tooltip img").count() == 0
        # The whole tooltip is on the map, where it can be read.
        shown, map_box = tooltip.bounding_box(), person.map_box()
        assert map_box["x"] <= shown["x"] and shown["x"] + shown["width"] <= map_box["x"] + map_box["width"]
        page.screenshot(path=str(artifacts / "infrastructure-crossing-tooltip.png"))
        # The fence runs 2 km beside the border: a person zooms in on it with the wheel, then clicks the line
        # itself, where it shows on the map now.
        box = person.map_box()
        seen = fence.evaluate(_ON_SCREEN)
        page.mouse.move(box["x"] + seen["x"], box["y"] + seen["y"])
        for _ in range(3):
            page.wait_for_timeout(REACTION_MS)
            page.mouse.wheel(0, -240)
        # The person watches the last notch's zoom begin and end before looking for the line.
        page.wait_for_timeout(REACTION_MS)
        person.wait_until_still()
        page.screenshot(path=str(artifacts / "infrastructure-fence-zoomed.png"))
        seen = fence.evaluate(_ON_SCREEN)
        person.click_map_at(seen["x"], seen["y"])
        popup = frame.locator(".leaflet-popup-content")
        expect(popup).to_contain_text("Moroccan fence", timeout=LOAD_TIMEOUT_MS)
        expect(popup).to_contain_text("Test file")
        page.screenshot(path=str(artifacts / "infrastructure-fence-popup.png"))
    finally:
        stop_dashboard(process)
    assert page.dialogs == []
    assert page.requests.foreign == []
