"""Map export: a standalone HTML file that works with the network off, and a PNG of the same view."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import io
import json
import math
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import folium
import geopandas as gpd
import matplotlib
import matplotlib.mathtext
import numpy as np
import pandas as pd
import pytest
from branca.element import Element
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from shapely.geometry import LineString

from borderwatch import config, reference
from borderwatch.bordertowns import PLACES_CREDIT
from borderwatch.errors import OfflineAssetError
from borderwatch.export import Attribution, dataset_attributions, store_incidents_per_dataset
from borderwatch.filters import IncidentQuery
from borderwatch.importers.infrastructure import load_preset
from borderwatch.infrastructure import shown_features
from layers.assets import asset_urls, install_vendor_assets
from layers.basemap import base_map, tiles_layer
from layers.border import border_layer
from layers.countries import land_with_surroundings
from layers.export.credits import (
    BOUNDARIES_CREDIT,
    DEFAULT_TITLE,
    PNG_ATTRIBUTION_KEY,
    attribution_html,
    attribution_text,
)
from layers.export.html import standalone_html
from layers.export.mercator import fitted_extent
from layers.export.png import MapLayers, map_png
from layers.heatmap import heatmap_layer
from layers.incidents import incidents_layer
from layers.infrastructure import barriers_layer, points_layer
from layers.places import places_layer
from layers.style import (
    BARRIER_COLOUR,
    BORDER_COLOUR,
    COVERAGE_FILL_OPACITY,
    EVENT_TYPE_COLOURS,
    FOCUS_LAND_COLOURS,
    SEA_COLOUR,
)
from tests.conftest import REPO_ROOT
from tests.factories import incident_frame, incident_row
from tests.test_export import ACLED_CREDIT_START, GIS_CREDIT, imported  # noqa: F401 - a fixture

STATIC_URL = "/_assets"
HOSTILE_JS = (
    'window.bwHostile = "</script><script>window.pwned = 1;</script>";\n'
    'window.bwComment = "<!--<script>";\n'
)
HOSTILE_LOCATION = "</script><script>window.pwned = 2;</script>{{7*7}}${alert(3)}"
HOSTILE_TEXTS = ("$\\frac{1}{0}$", "$\\nosuchmacro{$", "<b>", "{{7*7}}", "a $ b $$ c \\", "%(x)s {0}")
# Around the border: lon 9–12.5 E, lat 29.8–33.6 N.
BORDER_VIEW = (9.0, 29.8, 12.5, 33.6)
EARTH_RADIUS_M = 6_378_137.0  # the sphere of Web Mercator (EPSG:3857)


# --- helpers -----------------------------------------------------------------

_DAY = datetime.date(2016, 3, 1)


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """EPSG:3857 by its formula: x = R·λ, y = R·ln tan(π/4 + φ/2)."""
    return (EARTH_RADIUS_M * math.radians(lon),
            EARTH_RADIUS_M * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def pixel(lon: float, lat: float, view: tuple[float, float, float, float], width: int, height: int) -> tuple[int, int]:
    """Column and row of a place in the PNG, computed by hand.

    The whole view is shown at one scale (metres per pixel, the larger of
    its two spans' ratios), centred; rows count down from the top.
    """
    x0, y0 = mercator(view[0], view[1])
    x1, y1 = mercator(view[2], view[3])
    scale = max((x1 - x0) / width, (y1 - y0) / height)
    left, top = (x0 + x1) / 2 - scale * width / 2, (y0 + y1) / 2 + scale * height / 2
    x, y = mercator(lon, lat)
    return int((x - left) / scale), int((top - y) / scale)


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def blend(colour: str, opacity: float, under: str) -> np.ndarray:
    return opacity * rgb(colour) + (1 - opacity) * rgb(under)


def near_colour(image: np.ndarray, column: int, row: int, colour: np.ndarray, reach: int, tolerance: float) -> bool:
    """Whether a pixel within ``reach`` px of (column, row) is within ``tolerance`` of ``colour``."""
    window = image[max(row - reach, 0):row + reach + 1, max(column - reach, 0):column + reach + 1, :3].astype(float)
    return bool((np.linalg.norm(window - colour, axis=2) <= tolerance).any())


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each script element."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


# --- fixtures -----------------------------------------------------------------


@pytest.fixture(scope="module")
def static_dir(tmp_path_factory) -> Path:
    """The app's static folder, as ``install_vendor_assets`` fills it, plus a hostile vendor script."""
    folder = tmp_path_factory.mktemp("static")
    install_vendor_assets(folder)
    (folder / "test").mkdir()
    (folder / "test" / "hostile.js").write_text(HOSTILE_JS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bundled() -> dict[str, gpd.GeoDataFrame]:
    return {
        "land": land_with_surroundings(reference.load_countries(), reference.load_world_countries()),
        "border": reference.load_border(),
        "infrastructure": load_preset(config.DEFAULT_BORDER),
        "places": reference.load_places(),
        "incidents": reference.load_incidents(),
    }


@pytest.fixture(scope="module")
def points(bundled) -> pd.DataFrame:
    """The 30 bundled incidents and one whose place name tries to end the script."""
    hostile = incident_frame(incident_row(id="hostile-1", location=HOSTILE_LOCATION, latitude=32.5, longitude=10.2))
    return pd.concat([bundled["incidents"], hostile], ignore_index=True)


def app_map(bundled, points, **options) -> folium.Map:
    """The map as the page builds it for export: basemap inline, every layer added to it normally."""
    scripts, styles = asset_urls(STATIC_URL)
    fmap = base_map(bundled["land"], scripts, styles, event_types=sorted(set(points["event_type"])), **options)
    for group in (
        border_layer(bundled["border"]),
        barriers_layer(bundled["infrastructure"], _DAY),
        heatmap_layer(points.loc[:, ["latitude", "longitude"]].assign(weight=1.0)),
        places_layer(bundled["places"], "ben-guerdane"),
        points_layer(bundled["infrastructure"], _DAY),
        incidents_layer(points),
    ):
        group.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


@pytest.fixture(scope="module")
def exported(bundled, points, static_dir) -> str:
    fmap = app_map(bundled, points)
    fmap.default_js.append(("hostile", f"{STATIC_URL}/test/hostile.js"))
    return standalone_html(fmap, static_dir, STATIC_URL, title="Export <b>{{7*7}}</b>")


# --- standalone HTML ----------------------------------------------------------


def test_every_script_and_stylesheet_is_inlined_and_nothing_points_to_another_host(exported):
    tags = Tags(exported)
    assert [attrs["src"] for name, attrs in tags.tags if name == "script" and "src" in attrs] == []
    assert [attrs for name, attrs in tags.tags if name == "link" and "stylesheet" in (attrs.get("rel") or "")] == []
    for name, attrs in tags.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not value.startswith(("http:", "https:", "//")), (name, key, value)
            assert not value.startswith(STATIC_URL), (name, key, value)
    assert "Leaflet 1.9.3" in exported and "L.map(" in exported
    assert "markerClusterGroup" in exported and "jQuery v3" in exported and "L.heatLayer" in exported
    assert "sourceMappingURL" not in exported


def test_the_layer_control_icon_is_embedded_as_a_data_uri(exported, static_dir):
    # leaflet.css draws the layer control with url(images/layers.png): that file, base64-encoded.
    icon = (static_dir / "vendor" / "leaflet" / "images" / "layers.png").read_bytes()
    assert f'url("data:image/png;base64,{base64.b64encode(icon).decode()}")' in exported
    assert "url(images/" not in exported


def test_the_incidents_and_the_reference_layers_are_in_the_file(exported, points):
    assert all(f'"{incident_id}"' in exported for incident_id in points["id"])
    assert "Tunisia–Libya border" in exported and "Trench and berm (barrier)" in exported
    assert "Ras Ajdir border crossing" in exported
    assert '<meta name="generator" content="BorderWatch">' in exported
    assert "<title>Export &lt;b&gt;&#123;&#123;7*7&#125;&#125;&lt;/b&gt;</title>" in exported
    assert "Natural Earth (public domain)" in exported
    # Text from data stays escaped in the inlined page.
    assert "<script>window.pwned = 2" not in exported


def test_inlined_code_cannot_end_its_script_element(exported):
    tags = Tags(exported)
    hostile = [text for text in tags.scripts if "bwHostile" in text]
    assert len(hostile) == 1
    assert "<\\/script><script>window.pwned = 1;<\\/script>" in hostile[0]
    assert "<\\!--<script>" in hostile[0]
    # The map's own script still comes after it, as a script.
    assert any("L.map(" in text for text in tags.scripts[tags.scripts.index(hostile[0]) + 1:])


def test_exporting_leaves_the_map_as_it_was(bundled, points, static_dir):
    fmap = app_map(bundled, points)
    scripts, styles = list(fmap.default_js), list(fmap.default_css)
    children = list(fmap._children)
    standalone_html(fmap, static_dir, STATIC_URL)
    assert (fmap.default_js, fmap.default_css, list(fmap._children)) == (scripts, styles, children)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("script", "https://cdn.example.org/leaflet.js"),
        ("stylesheet", "//cdn.example.org/leaflet.css"),
        ("image", "http://tiles.example.org/logo.png"),
        ("tiles", "tile.openstreetmap.org"),
        ("fetched basemap", f"{STATIC_URL}/data/basemap-0123.geojson"),
        ("outside static", "/elsewhere/x.js"),
        ("escape static", f"{STATIC_URL}/../secret.js"),
        ("missing file", f"{STATIC_URL}/vendor/nothing/here.js"),
    ],
)
def test_what_the_file_cannot_carry_is_refused_by_name(bundled, points, static_dir, change, named):
    options = {"countries_url": named} if change == "fetched basemap" else {}
    fmap = app_map(bundled, points, **options)
    if change == "tiles":
        tiles_layer().add_to(fmap)
    if change in ("script", "outside static", "escape static", "missing file"):
        fmap.default_js.append(("extra", named))
    elif change == "stylesheet":
        fmap.default_css.append(("extra", named))
    elif change == "image":
        fmap.get_root().html.add_child(Element(f'<img src="{named}" alt="logo">'))
    with pytest.raises(OfflineAssetError, match="cannot be saved") as raised:
        standalone_html(fmap, static_dir, STATIC_URL)
    assert named in str(raised.value)


def test_every_problem_is_named_at_once(bundled, points, static_dir):
    fmap = app_map(bundled, points)
    fmap.default_js.append(("a", "https://a.example.org/a.js"))
    fmap.default_css.append(("b", "https://b.example.org/b.css"))
    with pytest.raises(OfflineAssetError) as raised:
        standalone_html(fmap, static_dir, STATIC_URL)
    assert "a.example.org/a.js" in str(raised.value) and "b.example.org/b.css" in str(raised.value)


def test_assets_not_installed_are_named(bundled, points, tmp_path):
    with pytest.raises(OfflineAssetError, match=r"leaflet\.js"):
        standalone_html(app_map(bundled, points), tmp_path, STATIC_URL)


@pytest.mark.browser
def test_the_saved_file_draws_the_map_in_chromium_with_the_network_blocked(
    browser, artifacts, exported, points, tmp_path
):
    path = tmp_path / "map.html"
    path.write_text(exported, encoding="utf-8")
    requested: list[str] = []
    blocked: list[str] = []

    def only_files(route):
        url = route.request.url
        if urlsplit(url).scheme in ("file", "data"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.route("**/*", only_files)
    page = context.new_page()
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.locator(f'.leaflet-container path[stroke="{BORDER_COLOUR}"]').first.wait_for(timeout=30_000)
        page.locator(".bw-incident, .bw-cluster").first.wait_for(timeout=30_000)
        assert page.locator(f'path[stroke="{BARRIER_COLOUR}"]').count() >= 1
        assert page.locator(f'path[fill="{FOCUS_LAND_COLOURS["TUN"]}"]').count() >= 1  # the inline basemap
        assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
        # The map's own style beats leaflet.css's grey: the sea is the app's blue.
        sea = page.eval_on_selector(".leaflet-container", "(e) => getComputedStyle(e).backgroundColor")
        assert sea == "rgb({}, {}, {})".format(*rgb(SEA_COLOUR).astype(int))
        clustered = sum(int(text) for text in page.locator(".bw-cluster span").all_inner_texts())
        assert page.locator(".bw-incident").count() + clustered == len(points)
        icon = page.eval_on_selector(
            ".leaflet-control-layers-toggle", "(e) => getComputedStyle(e).backgroundImage"
        )
        assert icon.startswith('url("data:image/png;base64,')
        assert page.evaluate("() => [window.bwHostile, window.bwComment, typeof window.pwned]") == [
            "</script><script>window.pwned = 1;</script>", "<!--<script>", "undefined",
        ]
        assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
        assert page.title() == "Export <b>{{7*7}}</b>"
        page.screenshot(path=str(artifacts / "exported-map.png"))
        assert errors == []
        foreign = [url for url in requested if urlsplit(url).scheme not in ("file", "data", "blob", "about")]
        assert foreign == [] and blocked == [], f"requests left the file: {foreign + blocked}"
        # The guard sees what it must: a request to another host is caught and blocked.
        outcome = page.evaluate("() => fetch('https://example.org/probe').then(() => 'sent', () => 'blocked')")
        assert outcome == "blocked" and "https://example.org/probe" in blocked
    finally:
        context.close()


# --- PNG -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def all_layers(bundled, points) -> MapLayers:
    return MapLayers(
        countries=bundled["land"], border=bundled["border"],
        infrastructure=shown_features(bundled["infrastructure"], _DAY),
        places=bundled["places"][bundled["places"]["kind"] != "crossing"], points=points,
    )


def test_png_has_the_size_asked_for_and_draws_the_border_where_it_is(bundled, all_layers):
    png = map_png(BORDER_VIEW, all_layers, title=DEFAULT_TITLE)
    assert png.startswith(b"\x89PNG")
    image = decode(png)
    assert image.shape == (1100, 1600, 3)
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50
    # South of 31.8 N the border runs alone (the barrier stops at Dehiba) between
    # Tunisia and Libya: dark red at 0.9 opacity over the lighter land.
    expected = blend(BORDER_COLOUR, 0.9, FOCUS_LAND_COLOURS["TUN"])
    vertices = [(lon, lat) for lon, lat in bundled["border"].geometry.iloc[0].coords if lat < 31.8]
    assert len(vertices) > 20
    hits = [near_colour(image, *pixel(lon, lat, BORDER_VIEW, 1600, 1100), expected, reach=4, tolerance=25)
            for lon, lat in vertices]
    assert sum(hits) >= 0.9 * len(hits)
    # Nowhere near the border (Tunisia west of Gabes, lat 33.5–34 N, lon 9–9.5 E): none of its colour.
    left, top = pixel(9.0, 33.6, BORDER_VIEW, 1600, 1100)
    right, bottom = pixel(9.5, 33.3, BORDER_VIEW, 1600, 1100)
    patch = image[max(top, 0):bottom, left:right].astype(float)
    assert not (np.linalg.norm(patch - expected, axis=2) <= 25).any()


def test_a_point_is_coloured_by_type_and_sized_by_deaths():
    points = pd.DataFrame({
        "latitude": [34.0, 34.0], "longitude": [12.0, 13.0],
        "event_type": ["Battles", "Violence against civilians"], "deaths_best": [50.0, np.nan],
    })
    view = (11.0, 33.0, 14.0, 35.0)
    image = decode(map_png(view, MapLayers(points=points), width_px=800, height_px=600, dpi=96))
    battles = blend(EVENT_TYPE_COLOURS["Battles"], 0.85, SEA_COLOUR)
    civilians = blend(EVENT_TYPE_COLOURS["Violence against civilians"], 0.85, SEA_COLOUR)
    # At 96 dpi a CSS pixel is an image pixel. 50 deaths: radius 5 + 2.2·√50 = 20.6 px;
    # unknown deaths: 5 px. So 14 px from the centre is inside the first circle only.
    column, row = pixel(12.0, 34.0, view, 800, 600)
    assert near_colour(image, column, row, battles, reach=0, tolerance=12)
    assert near_colour(image, column + 14, row, battles, reach=0, tolerance=12)
    column, row = pixel(13.0, 34.0, view, 800, 600)
    assert near_colour(image, column, row, civilians, reach=0, tolerance=12)
    assert near_colour(image, column + 14, row, rgb(SEA_COLOUR), reach=0, tolerance=3)


def test_counted_cells_are_dark_numbered_circles():
    cells = pd.DataFrame({"latitude": [34.0], "longitude": [12.0], "incidents": [1234], "deaths": [56]})
    view = (11.0, 33.0, 13.0, 35.0)
    image = decode(map_png(view, MapLayers(cells=cells), width_px=600, height_px=600, dpi=96))
    column, row = pixel(12.0, 34.0, view, 600, 600)
    # The largest cell is 58 px across (layers.incidents.CELL_MAX_PX); 20 px above its
    # centre is inside it and clear of the number. rgba(38, 50, 72, 0.82) over the sea:
    dark = 0.82 * np.array([38, 50, 72]) + 0.18 * rgb(SEA_COLOUR)
    assert near_colour(image, column, row - 20, dark, reach=0, tolerance=6)
    # The white number is at the centre.
    assert near_colour(image, column, row, np.array([255.0, 255.0, 255.0]), reach=6, tolerance=30)


def test_discs_are_measured_on_the_ground():
    circles = pd.DataFrame({"latitude": [33.0], "longitude": [12.0], "radius_km": [50.0], "colour": ["#00A000"]})
    view = (10.0, 31.5, 14.0, 34.5)
    image = decode(map_png(view, MapLayers(circles=circles), width_px=800, height_px=800, dpi=96))
    # 50 km on the ground is 50 / cos(33°) = 59.6 km of Web Mercator at 33° N.
    x0, _ = mercator(10.0, 31.5)
    x1, _ = mercator(14.0, 34.5)
    _, y0 = mercator(10.0, 31.5)
    _, y1 = mercator(14.0, 34.5)
    metres_per_px = max((x1 - x0) / 800, (y1 - y0) / 800)
    radius_px = 50_000 / math.cos(math.radians(33.0)) / metres_per_px
    column, row = pixel(12.0, 33.0, view, 800, 800)
    # Tinted as a plan's coverage on the map (the one style table).
    tint = blend("#00A000", COVERAGE_FILL_OPACITY, SEA_COLOUR)
    assert near_colour(image, column + int(0.85 * radius_px), row, tint, reach=0, tolerance=6)
    assert near_colour(image, column + int(1.15 * radius_px), row, rgb(SEA_COLOUR), reach=0, tolerance=3)


def test_the_barrier_is_dashed_until_it_is_complete(bundled):
    view = (10.5, 31.8, 11.8, 33.3)
    line = reference.load_barrier().geometry.iloc[0]
    samples = [line.interpolate(share, normalized=True) for share in np.linspace(0.05, 0.95, 200)]
    colour = blend(BARRIER_COLOUR, 0.85, SEA_COLOUR)

    def share_drawn(day: datetime.date) -> float:
        png = map_png(view, MapLayers(infrastructure=shown_features(bundled["infrastructure"], day)),
                      width_px=900, height_px=900, dpi=96)
        image = decode(png)
        hits = [near_colour(image, *pixel(point.x, point.y, view, 900, 900), colour, reach=1, tolerance=25)
                for point in samples]
        return sum(hits) / len(hits)

    assert share_drawn(datetime.date(2016, 2, 6)) > 0.97
    assert share_drawn(datetime.date(2015, 6, 1)) == 0  # not yet announced
    # As on the map (layers.style.BARRIER_LINES): 12 px on, 8 px off,
    # so about 12/20 of the line is drawn, a little more seen from a pixel beside a dash's end.
    assert 0.45 < share_drawn(datetime.date(2015, 9, 1)) < 0.85


def test_hostile_text_is_drawn_as_written(monkeypatch, bundled):
    def no_mathtext(*_args, **_kwargs):
        raise AssertionError("text from data went through mathtext")

    monkeypatch.setattr(matplotlib.mathtext.MathTextParser, "parse", no_mathtext)
    places = pd.DataFrame({
        "id": [f"p{i}" for i in range(len(HOSTILE_TEXTS))], "name": list(HOSTILE_TEXTS),
        "kind": ["town"] * len(HOSTILE_TEXTS), "latitude": np.linspace(30.5, 33.0, len(HOSTILE_TEXTS)),
        "longitude": [10.0] * len(HOSTILE_TEXTS),
    })
    points = pd.DataFrame({"latitude": [32.0], "longitude": [11.0], "event_type": ["$\\frac{1}{0}$"],
                           "deaths_best": [3.0]})
    lines = gpd.GeoDataFrame({"colour": ["#6A3D9A"], "label": ["$x^2$ {{7*7}}"]},
                             geometry=[LineString([(10.0, 31.0), (11.5, 32.5)])], crs="EPSG:4326")
    circles = pd.DataFrame({"latitude": [31.0], "longitude": [11.0], "radius_km": [20.0], "colour": ["#00A000"],
                            "label": ["<b>\\$"]})
    hostile_barrier = dataclasses.replace(load_preset(config.DEFAULT_BORDER)[0], name="$\\undefined$ {{x}}")
    layers = MapLayers(places=places, points=points, lines=lines, circles=circles,
                       infrastructure=shown_features([hostile_barrier], _DAY))
    # TeX is switched on for matplotlib as a whole: the export's text must not use it either.
    with matplotlib.rc_context({"text.usetex": True}):
        png = map_png(BORDER_VIEW, layers, width_px=500, height_px=400, title="$\\frac{1}{0}$ <b>{{7*7}}</b>",
                      sources=(Attribution("x", "geojson", 1, "$$ \\ {{x}}"),))
    assert decode(png).shape == (400, 500, 3)


def test_the_credit_line_names_natural_earth_and_the_incident_sources():
    sources = (Attribution("acled", "acled", 2, "ACLED; https://acleddata.com; accessed 2024-05-02",
                           "https://acleddata.com"),
               Attribution("bundled", "bundled", 30, "BorderWatch table"))
    assert attribution_text(sources).splitlines() == [
        "Boundaries: Natural Earth (public domain).",
        "Incidents: ACLED; https://acleddata.com; accessed 2024-05-02.",
        "Incidents: BorderWatch table.",
    ]
    assert attribution_text(()) == "Boundaries: Natural Earth (public domain)."


def test_a_map_that_names_geonames_towns_credits_geonames_before_the_incidents():
    sources = (Attribution("bundled", "bundled", 30, "BorderWatch table"),)
    references = (BOUNDARIES_CREDIT, PLACES_CREDIT)
    assert attribution_text(sources, references).splitlines() == [
        "Boundaries: Natural Earth (public domain).",
        "Towns: GeoNames (geonames.org), CC BY 4.0.",
        "Incidents: BorderWatch table.",
    ]
    assert "Towns: GeoNames (geonames.org), CC BY 4.0.<br>Incidents: BorderWatch table." in attribution_html(
        sources, references)
    png = map_png(BORDER_VIEW, MapLayers(countries=None), width_px=400, height_px=300, sources=sources,
                  references=references)
    assert "Towns: GeoNames" in Image.open(io.BytesIO(png)).text[PNG_ATTRIBUTION_KEY]


# --- the datasets of a store, credited on both maps ------------------------------------


@pytest.fixture(scope="module")
def store_sources(imported) -> tuple[Attribution, ...]:
    """The credits of every dataset in a store with imported ACLED, UCDP, GTD and GIS rows."""
    store = imported[0]
    return dataset_attributions(store_incidents_per_dataset(store, IncidentQuery()), store.datasets())


def test_the_html_map_credits_each_imported_dataset_on_the_map_and_in_its_metadata(
    bundled, points, static_dir, store_sources
):
    page = standalone_html(app_map(bundled, points), static_dir, STATIC_URL, sources=store_sources)
    tags = Tags(page)
    meta = [attrs["content"] for tag, attrs in tags.tags if tag == "meta" and attrs.get("name") == "dcterms.source"]
    assert meta == ["Boundaries: Natural Earth (public domain)", *(source.credit for source in store_sources)]
    assert meta[1].startswith(ACLED_CREDIT_START) and GIS_CREDIT in meta
    script = next(script for script in tags.scripts if ".attributionControl;" in script)
    credits = json.loads(re.search(r"control\.addAttribution\((.*)\);", script).group(1)).split("<br>")
    assert len(credits) == 1 + len(store_sources)
    # ACLED's website is a link; the GIS dataset's name (with markup in it) is text.
    assert credits[0] == "Boundaries: Natural Earth (public domain)."
    assert credits[1].startswith('Incidents: Armed Conflict Location &amp; Event Data Project (ACLED); '
                                 '<a href="https://acleddata.com" target="_blank" rel="noopener">'
                                 'https://acleddata.com</a>; accessed ')
    assert "Incidents: Field notes &lt;b&gt;Sebha&lt;/b&gt; 2016." in credits


def test_the_png_map_draws_the_credits_and_keeps_them_in_a_text_chunk(bundled, all_layers, store_sources, artifacts):
    png = map_png(BORDER_VIEW, all_layers, title=DEFAULT_TITLE, sources=store_sources)
    (artifacts / "mapexport-credits.png").write_bytes(png)
    text = Image.open(io.BytesIO(png)).text
    assert text[PNG_ATTRIBUTION_KEY] == attribution_text(store_sources)
    assert text["Title"] == DEFAULT_TITLE
    assert ACLED_CREDIT_START in text[PNG_ATTRIBUTION_KEY]
    # Drawn: the credit box at the bottom right grows with the credits; without them it holds one line.
    plain = decode(map_png(BORDER_VIEW, all_layers, title=DEFAULT_TITLE))
    credited = decode(png)
    corner = (slice(900, 1100), slice(700, 1600))
    differs = np.abs(credited[corner].astype(int) - plain[corner].astype(int)).sum(axis=2) > 60
    assert differs.sum() > 5_000


@pytest.mark.parametrize(
    "view", [(12.0, 30.0, 11.0, 33.0), (9.0, 33.0, 12.0, 33.0), (float("nan"), 30.0, 12.0, 33.0),
             (9.0, 86.0, 12.0, 89.0)],
)
def test_an_empty_or_broken_view_is_refused(view):
    with pytest.raises(ValueError, match="map view"):
        map_png(view, MapLayers())


@settings(max_examples=200, deadline=None)
@given(
    west=st.floats(-179.0, 170.0), width_deg=st.floats(0.001, 9.0),
    south=st.floats(-80.0, 75.0), height_deg=st.floats(0.001, 9.0),
    width_px=st.integers(1, 5000), height_px=st.integers(1, 5000),
)
def test_the_picture_shows_all_of_the_view_centred_at_one_scale(
    west, width_deg, south, height_deg, width_px, height_px
):
    view = (west, south, west + width_deg, south + height_deg)
    x_min, y_min, x_max, y_max = fitted_extent(view, width_px, height_px)
    vx0, vy0 = mercator(view[0], view[1])
    vx1, vy1 = mercator(view[2], view[3])
    scale = (x_max - x_min) / width_px
    assert (y_max - y_min) / height_px == pytest.approx(scale, rel=1e-9)  # square pixels
    slack = 1e-7 * max(abs(vx0), abs(vx1), abs(vy0), abs(vy1), 1.0)
    assert x_min <= vx0 + slack and vx1 <= x_max + slack and y_min <= vy0 + slack and vy1 <= y_max + slack
    assert (x_min + x_max) / 2 == pytest.approx((vx0 + vx1) / 2, abs=slack)
    assert (y_min + y_max) / 2 == pytest.approx((vy0 + vy1) / 2, abs=slack)
    # Tight: the view fills the picture along one of its axes.
    assert max((vx1 - vx0) / (x_max - x_min), (vy1 - vy0) / (y_max - y_min)) == pytest.approx(1.0, rel=1e-6)


def test_drawing_leaves_pyplot_alone():
    code = (
        "import sys\n"
        "from layers.export.png import MapLayers, map_png\n"
        "png = map_png((9.0, 30.0, 12.0, 33.0), MapLayers(), width_px=64, height_px=48)\n"
        "print(png[:4] == b'\\x89PNG', 'matplotlib.pyplot' in sys.modules)\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=environment,
                            capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.split() == ["True", "False"]


def test_the_png_legend_names_the_border_drawn():
    from borderwatch.borders import find_border
    from layers.export.legend import legend_handles
    from layers.export.png import MapLayers

    chosen = find_border("MAR-DZA")
    line = gpd.GeoDataFrame({"name": [f"{chosen.name} border"]}, geometry=[chosen.geometry], crs="EPSG:4326")
    labels = [label for _, label in legend_handles(MapLayers(border=line), [], cells_shown=False)]
    assert "Algeria–Morocco border" in labels and "Tunisia–Libya border" not in labels
    bundled = [label for _, label in legend_handles(MapLayers(border=reference.load_border()), [], cells_shown=False)]
    assert "Tunisia–Libya border" in bundled
