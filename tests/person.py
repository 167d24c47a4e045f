"""The dashboard driven as a person drives it: look, take about a second, click once.

Tests read where things are on the screen (as a person looks at it) but
move the map only with the mouse and the keyboard, and never repeat an
action that did not work: when a click does not do what a person expects,
the test fails, since a person would be stuck there too.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import ARTIFACTS

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT_MS = 60_000
#: Time between seeing something and clicking it: a person's pace.
REACTION_MS = 800
#: Windows narrower than this are phones (see ``ui.mappage.NARROW_MAP_PX``, the map's width there).
PHONE_WIDTH_PX = 500
#: Clusters a site can be nested in before it shows (zoom in, zoom in, fan out...).
MOST_CLUSTER_CLICKS = 4

# Where a site is on screen: itself (alone or fanned out), or the cluster that holds it.
_WHERE = """(id) => {
    const BW = window.BorderWatch, map = window.map;
    const sites = BW && BW.siteLayer;
    const marker = sites && sites.markers[id];
    if (!marker) { return null; }
    const shown = BW.visibleParent(marker);
    if (!shown) { return null; }
    const element = shown === marker ? marker._path : shown._icon;
    if (!element) { return null; }
    const frame = map.getContainer().getBoundingClientRect();
    const box = element.getBoundingClientRect();
    // In the frame's own coordinates, where a click on the frame lands.
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const hit = document.elementFromPoint(x, y);
    return {
        kind: shown === marker ? "site" : "cluster",
        x: x, y: y,
        inView: x > frame.left + 4 && y > frame.top + 4 && x < frame.right - 4 && y < frame.bottom - 4,
        clear: !!hit && (hit === element || element.contains(hit)),
        covering: !hit ? null : hit.closest(".leaflet-popup") ? "popup"
            : (hit.className && hit.className.baseVal !== undefined ? hit.className.baseVal : String(hit.className)),
        zoom: map.getZoom(),
        fanned: !!(sites.cluster._spiderfied),
    };
}"""

_STILL = """() => {
    const map = window.map, sites = window.BorderWatch && window.BorderWatch.siteLayer;
    if (!map) { return false; }  // the map is being drawn anew (another border)
    return !map._animatingZoom && !(map._panAnim && map._panAnim._inProgress)
        && !(sites && sites.cluster._inZoomAnimation);
}"""
# The page's scrolling container is at rest at its top (Streamlit scrolls the main section, not the window).
_SCROLL_SETTLED = """() => {
    const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
    const now = main.scrollTop;
    const settled = now === 0 && window.__lastScroll === 0;
    window.__lastScroll = now;
    return settled;
}"""

# A cluster click did what a person expects: the map zoomed in, or the site shows (fanned out).
_OPENED = """({id, zoom}) => {
    const BW = window.BorderWatch, marker = BW.siteLayer.markers[id];
    return window.map.getZoom() > zoom || (!!marker && BW.visibleParent(marker) === marker);
}"""
_POPUP_OPEN = "(id) => { const m = window.BorderWatch.siteLayer.markers[id]; return !!m && m.isPopupOpen(); }"


@dataclass(frozen=True)
class Spot:
    """Where a site shows on the map, in pixels from the top-left corner of the map's frame."""

    kind: str
    x: float
    y: float
    in_view: bool
    clear: bool
    covering: str | None
    zoom: float
    fanned: bool


class Person:
    """One person at one browser page of the dashboard."""

    def __init__(self, page) -> None:
        self.page = page

    # --- looking ---------------------------------------------------------------

    @property
    def map_frame(self):
        """The frame that holds the map (as an element handle's content frame)."""
        return self.page.locator(MAP_FRAME).element_handle().content_frame()

    def map_box(self) -> dict:
        return self.page.locator(MAP_FRAME).bounding_box()

    def where(self, incident_id: str) -> Spot | None:
        """Where the site of ``incident_id`` shows now (None: not drawn)."""
        found = self.map_frame.evaluate(_WHERE, incident_id)
        if found is None:
            return None
        return Spot(found["kind"], found["x"], found["y"], found["inView"], found["clear"], found["covering"],
                    found["zoom"], found["fanned"])

    def what_covers_the_page(self) -> str:
        """For a failure message: the dialogs open on the page and their text, and a screenshot's path."""
        path = ARTIFACTS / f"failure-{self.page.context.pages.index(self.page)}-{id(self)}.png"
        self.page.screenshot(path=str(path))
        dialogs = self.page.get_by_role("dialog").all_inner_texts()
        return f"dialogs open: {[text[:120] for text in dialogs]}; screenshot {path.name}"

    def wait_until_still(self) -> None:
        """Until the page has finished running and the map stops moving (a zoom or a pan animation).

        A person looks again once the screen settles: a rerun can still move
        things about (a record appears, the page grows).
        """
        self.page.locator('.stApp[data-test-script-state="notRunning"]').wait_for(timeout=LOAD_TIMEOUT_MS)
        self.map_frame.wait_for_function(_STILL, timeout=LOAD_TIMEOUT_MS)

    # --- acting ----------------------------------------------------------------

    def open(self, url: str) -> None:
        """Open the dashboard and wait until the map shows its sites."""
        self.page.goto(url, wait_until="domcontentloaded")
        self.page.wait_for_selector(MAP_FRAME, timeout=LOAD_TIMEOUT_MS)
        self.page.frame_locator(MAP_FRAME).locator(".bw-incident, .bw-cluster, .bw-cell").first.wait_for(
            timeout=LOAD_TIMEOUT_MS)
        self.wait_until_still()

    def click_map_at(self, x: float, y: float) -> None:
        """After a moment to react, one click at a point of the map (which must be in the window)."""
        self.page.wait_for_timeout(REACTION_MS)
        box = self.map_box()
        viewport = self.page.viewport_size
        point = (box["x"] + x, box["y"] + y)
        assert 0 <= point[0] < viewport["width"] and 0 <= point[1] < viewport["height"], (
            f"the point to click, {point}, is outside the window")
        self.page.mouse.click(*point)

    def click(self, locator) -> None:
        """After a moment to react, one click on something on the page."""
        self.page.wait_for_timeout(REACTION_MS)
        locator.click()

    def open_site(self, incident_id: str) -> None:
        """Click the site of ``incident_id`` until its popup is open: the cluster that holds
        it first (which zooms in, or fans out sites that share a place), then the site.

        Each click must do what a person expects (the map zooms in, or the
        cluster fans out and stays open, or the popup opens); otherwise the
        test fails there.
        """
        for _ in range(MOST_CLUSTER_CLICKS + 1):
            self.wait_until_still()
            spot = self.where(incident_id)
            assert spot is not None, f"{incident_id} is not drawn on the map"
            assert spot.in_view, f"{incident_id} is outside the map's view: {spot}"
            assert spot.clear, f"something covers {incident_id} on the map ({spot.covering}): {spot}"
            if spot.kind == "site":
                self._click_where_it_is_now(incident_id, spot)
                try:
                    self.map_frame.wait_for_function(_POPUP_OPEN, arg=incident_id, timeout=10_000)
                except PlaywrightTimeout:
                    raise AssertionError(f"clicking the site of {incident_id} did not open its popup: {spot} -> "
                                         f"{self.where(incident_id)}; {self.what_covers_the_page()}") from None
                return
            self._click_where_it_is_now(incident_id, spot)
            try:
                self.map_frame.wait_for_function(_OPENED, arg={"id": incident_id, "zoom": spot.zoom}, timeout=5_000)
            except PlaywrightTimeout:
                raise AssertionError(f"clicking the cluster of {incident_id} neither zoomed in nor fanned it out: "
                                     f"{spot} -> {self.where(incident_id)}; {self.what_covers_the_page()}") from None
            self.wait_until_still()
        raise AssertionError(f"{incident_id} still hidden after {MOST_CLUSTER_CLICKS} cluster clicks")

    def _click_where_it_is_now(self, incident_id: str, seen: Spot) -> None:
        """After a moment to react, one click on what was seen, where it is at that moment.

        A person's eye stays on the target while the hand moves: when a
        rerun redraws the map meanwhile, they click the target where it now
        is. If it is no longer what they saw (a fan folded back into its
        cluster), the test fails there: a person would be thrown off too.
        """
        self.page.wait_for_timeout(REACTION_MS)
        self.wait_until_still()
        now = self.where(incident_id)
        assert now is not None and now.kind == seen.kind and now.in_view and now.clear, (
            f"{incident_id} changed while the person reached for it: {seen} -> {now}")
        box = self.map_box()
        point = (box["x"] + now.x, box["y"] + now.y)
        viewport = self.page.viewport_size
        assert 0 <= point[0] < viewport["width"] and 0 <= point[1] < viewport["height"], (
            f"the point to click, {point}, is outside the window")
        self.page.mouse.click(*point)

    def close_popup(self) -> None:
        """Click the open popup's close button."""
        self.click(self.page.frame_locator(MAP_FRAME).locator(".leaflet-popup-close-button"))

    def go_home(self) -> None:
        """Click the map's "show the whole border" button."""
        self.click(self.page.frame_locator(MAP_FRAME).get_by_role("button", name="Show the whole border"))
        self.wait_until_still()

    def open_record(self, incident_id: str) -> None:
        """Open an incident's record from the map, from wherever the map is now.

        Closes the last popup when it lies over the site, goes back to the
        whole border when the site is not in view, then opens the site (see
        :meth:`open_site`) and waits for its record beside (or over) the map.
        """
        spot = self.where(incident_id)
        if spot is not None and spot.in_view and not spot.clear and spot.covering == "popup":
            self.close_popup()
            spot = self.where(incident_id)
        if spot is None or not spot.in_view or not spot.clear:
            self.go_home()
        self.open_site(incident_id)
        # On a phone the record opens over the map; beside it on a larger screen.
        where = self.page.get_by_role("dialog") if self.on_a_phone else self.page
        where.get_by_text(f"id {incident_id}", exact=False).first.wait_for(timeout=LOAD_TIMEOUT_MS)

    @property
    def on_a_phone(self) -> bool:
        """Whether the window is as narrow as a phone's (the map page then shows a record over the map)."""
        return self.page.viewport_size["width"] < PHONE_WIDTH_PX

    def close_record_dialog(self) -> None:
        """Close the record shown over the map (on a phone), if one is, and scroll back up to the map.

        Closing the record gives the focus back to what had it, and the page
        may scroll to show it: a person then scrolls back up to the map.
        """
        dialog = self.page.get_by_role("dialog")
        if dialog.count():
            self.click(dialog.get_by_role("button", name="Close"))
            dialog.wait_for(state="detached", timeout=LOAD_TIMEOUT_MS)
            self.scroll_page_to_top()

    def scroll_page_to_top(self) -> None:
        """Turn the mouse wheel over the top of the page (not the map) until the page has stopped scrolling."""
        self.page.wait_for_timeout(REACTION_MS)
        self.page.mouse.move(self.page.viewport_size["width"] / 2, 8)
        self.page.mouse.wheel(0, -5_000)
        self.page.wait_for_function(_SCROLL_SETTLED, timeout=LOAD_TIMEOUT_MS)

