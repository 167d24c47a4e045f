"""A person imports an ACLED export, then saves the map as HTML and as PNG: both credit ACLED."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from layers.export.credits import PNG_ATTRIBUTION_KEY
from layers.style import BORDER_COLOUR
from tests.conftest import RequestLog, start_dashboard, stop_dashboard
from tests.test_importers import acled_file

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT_MS = 60_000
#: About a second between seeing something and acting on it, as a person does.
PAUSE_MS = 1_000
LAPTOP = {"width": 1366, "height": 768}
ACLED_CREDIT = re.compile(
    r"Armed Conflict Location & Event Data Project \(ACLED\); https://acleddata\.com; accessed (\d{4}-\d\d-\d\d)"
)
#: The link the person opens: four weeks of battles.
BATTLES_LINK = "/?from=2016-02-29&to=2016-03-27&type=Battles"
FILE_STEM = "borderwatch-2016-02-29_2016-03-27-battles"


@pytest.fixture
def laptop(browser):
    """A laptop-sized page; anything not on loopback is blocked and kept."""
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    requests = RequestLog()
    context.route("**/*", requests.route)
    page = context.new_page()
    page.requests = requests
    yield page
    context.close()


def import_acled_export(page, url: str, export: Path) -> None:
    """Upload the file on the Import data page and store it, one step at a time."""
    page.goto(f"{url}/import", wait_until="domcontentloaded")
    incidents_uploader = page.get_by_test_id("stFileUploader").filter(has_text="File to import")
    incidents_uploader.locator('input[type="file"]').wait_for(state="attached", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_timeout(PAUSE_MS)
    incidents_uploader.locator('input[type="file"]').set_input_files(str(export))
    page.get_by_text("Accepted 2 — rejected 0").wait_for(timeout=LOAD_TIMEOUT_MS)
    store = page.get_by_role("button", name=re.compile(r"^Store 2 incidents"))
    store.wait_for(timeout=LOAD_TIMEOUT_MS)
    page.wait_for_timeout(PAUSE_MS)
    store.click()
    page.get_by_text("2 added, 0 updated, 0 unchanged").wait_for(timeout=LOAD_TIMEOUT_MS)


def download(page, button_name: str, folder: Path) -> Path:
    """Click a download button once; return the file saved under the name the browser suggests."""
    button = page.get_by_role("button", name=button_name)
    button.scroll_into_view_if_needed()
    page.wait_for_timeout(PAUSE_MS)
    with page.expect_download(timeout=LOAD_TIMEOUT_MS) as started:
        button.click()
    path = folder / started.value.suggested_filename
    started.value.save_as(path)
    return path


@pytest.mark.slow
def test_the_map_saved_after_an_acled_import_credits_acled_in_the_html_and_on_the_png(
    laptop, browser, tmp_path, artifacts
):
    export = acled_file(
        tmp_path,
        {"event_id_cnty": "TUN201", "location": "Medenine", "latitude": "33.3549", "longitude": "10.5055",
         "fatalities": "2"},
        {"event_id_cnty": "TUN202", "event_date": "2016-03-09", "location": "Zarzis",
         "latitude": "33.5036", "longitude": "11.1122", "fatalities": "0"},
    )
    process, url = start_dashboard({"BORDERWATCH_DATA_DIR": str(tmp_path / "store")})
    try:
        # The access date is the day (UTC) of the import: taken either side of it, for a run at midnight.
        imported_on = {dt.datetime.now(dt.UTC).date().isoformat()}
        import_acled_export(laptop, url, export)
        imported_on.add(dt.datetime.now(dt.UTC).date().isoformat())
        laptop.wait_for_timeout(PAUSE_MS)
        laptop.goto(url + BATTLES_LINK, wait_until="domcontentloaded")
        laptop.frame_locator(MAP_FRAME).locator(f'path[stroke="{BORDER_COLOUR}"]').first.wait_for(
            timeout=LOAD_TIMEOUT_MS)
        laptop.frame_locator(MAP_FRAME).locator(".bw-incident, .bw-cluster").first.wait_for(
            timeout=LOAD_TIMEOUT_MS)
        share = laptop.get_by_text("Share or export this map")
        share.scroll_into_view_if_needed()
        laptop.wait_for_timeout(PAUSE_MS)
        share.click()
        html_path = download(laptop, "Map as HTML (works offline)", tmp_path)
        laptop.screenshot(path=str(artifacts / "exports-share-panel.png"))
        png_path = download(laptop, "Map as PNG", tmp_path)
    finally:
        stop_dashboard(process)
    assert laptop.requests.foreign == []

    assert html_path.name == f"{FILE_STEM}.html"
    assert png_path.name == f"{FILE_STEM}.png"
    html = html_path.read_text(encoding="utf-8")
    assert '<meta name="dcterms.source" content="Armed Conflict Location &amp; Event Data Project (ACLED); ' \
           'https://acleddata.com; accessed ' in html

    # The PNG carries the credit it draws; the drawing is checked by eye in the artifact.
    shutil.copy(png_path, artifacts / "exports-map-with-acled.png")
    drawn = Image.open(io.BytesIO(png_path.read_bytes())).text[PNG_ATTRIBUTION_KEY]
    assert ACLED_CREDIT.search(drawn).group(1) in imported_on
    assert "Incidents: BorderWatch table compiled from public reporting" in drawn

    # Opened from disk with the network refused, the HTML map shows the credit in its corner.
    context = browser.new_context(viewport=LAPTOP)
    refused: list[str] = []

    def only_the_file(route) -> None:
        if urlsplit(route.request.url).scheme in ("file", "data"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    offline = context.new_page()
    try:
        offline.goto(html_path.as_uri())
        corner = offline.locator(".leaflet-control-attribution")
        corner.wait_for(timeout=LOAD_TIMEOUT_MS)
        offline.locator(".bw-incident, .bw-cluster").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        text = corner.inner_text()
        assert ACLED_CREDIT.search(text).group(1) in imported_on, text
        assert corner.get_by_role("link", name="https://acleddata.com").is_visible()
        offline.screenshot(path=str(artifacts / "exports-html-with-acled.png"))
    finally:
        context.close()
    assert refused == []
