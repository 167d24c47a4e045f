"""The current map as files a user keeps: a standalone HTML page and a PNG image.

:func:`standalone_html` turns the dashboard's folium map into one HTML file
that works with no network and no server: the scripts and styles the app
serves from its static folder are written into the page, and the images
their styles use become ``data:`` URIs. :func:`map_png` draws the same view
with matplotlib (Agg, no tiles, no network) for reports and slides.
"""

from __future__ import annotations

import base64
import html
import io
import math
import mimetypes
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit

import folium
import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.patheffects import withStroke
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from borderwatch import config
from borderwatch.errors import OfflineAssetError
from borderwatch.escape import as_text, escape_html, script_json
from borderwatch.export import Attribution
from borderwatch.mapgrid import MAX_LATITUDE
from layers.barrier import LAYER_NAME as BARRIER_LAYER_NAME
from layers.barrier import barrier_style
from layers.border import LAYER_NAME as BORDER_LAYER_NAME
from layers.border import border_style
from layers.countries import country_style
from layers.incidents import encode_cells
from layers.infrastructure import BARRIER_STATUS_STYLES, under_construction_style
from layers.places import crossing_style, place_style
from layers.style import CELL_COLOUR, SEA_COLOUR, event_type_colour, radius_for_deaths

#: Title of the saved page and image when the caller gives none.
DEFAULT_TITLE: Final[str] = "BorderWatch: Tunisia–Libya border, 2015–2016"
#: Credit of the boundaries and land every exported map draws.
BOUNDARIES_CREDIT: Final[str] = "Boundaries: Natural Earth (public domain)"
#: PNG text chunk that carries the credit drawn on the image.
PNG_ATTRIBUTION_KEY: Final[str] = "Attribution"

#: Size of the PNG: about a laptop screen's map at 1.5 times its resolution.
PNG_WIDTH_PX: Final[int] = 1600
PNG_HEIGHT_PX: Final[int] = 1100
PNG_DPI: Final[int] = 150

#: The projection of the PNG: Leaflet's, so the image looks like the map on screen.
WEB_MERCATOR: Final[str] = "EPSG:3857"

# Leaflet sizes are CSS pixels (1/96 in); matplotlib's are points (1/72 in).
# Drawn in points, every mark keeps its on-screen size at the PNG's dpi.
_PT_PER_PX = 72.0 / 96.0

# How incident circles and extra lines are drawn on the map (layers/incidents.py).
_INCIDENT_EDGE_PX = 1.5
_INCIDENT_FILL_OPACITY = 0.85
_CELL_EDGE_PX = 2.0
_CELL_FONT_PX = 12.0
_LINE_WEIGHT_PX = 2.5
_LINE_OPACITY = 0.9
_DISC_FILL_OPACITY = 0.18
_DISC_EDGE_PX = 1.5

# Geometry beyond the image by this share of its size is kept, so outlines and
# lines that leave the picture are not cut at its edge.
_CLIP_MARGIN = 0.1
# Labels closer than this (px) to one already placed are left out.
_LABEL_GAP_PX = 2.0
# Length of the scale bar, about, as a share of the image's width; its gap above the credits (share of the height).
_SCALE_BAR_SHARE = 0.18
_SCALE_BAR_GAP = 0.015
# Title and credit line: size, and the share of the image's width they may take.
_TITLE_FONT_PT = 13.0
_TITLE_WIDTH_SHARE = 0.7
_CREDIT_FONT_PT = 6.5
_CREDIT_WIDTH_SHARE = 0.62
# Mean width of a glyph in ems (DejaVu Sans; bold is a little wider), to wrap text by characters.
_GLYPH_EM = 0.62

# ---------------------------------------------------------------------------
# Standalone HTML
# ---------------------------------------------------------------------------

# folium layers that load from a URL when the page runs, and the attribute
# holding it: a standalone file cannot.
_FETCHING_LAYERS: tuple[tuple[type, str], ...] = (
    (folium.raster_layers.TileLayer, "tiles"),
    (folium.raster_layers.WmsTileLayer, "url"),
    (folium.raster_layers.ImageOverlay, "url"),
    (folium.raster_layers.VideoOverlay, "video_url"),
    (folium.GeoJson, "embed_link"),
)

# References that need no file and no network.
_EMBEDDED_SCHEMES = ("data", "blob", "about")
# Hyperlinks are followed only when clicked; everything else loads with the page.
_LINK_TAGS = ("a", "area")

_CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<url>.*?)(?P=quote)\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"@import\b", re.IGNORECASE)
# A source map names a file the page does not carry; browsers fetch it for their tools only.
_SOURCE_MAP = re.compile(r"^[ \t]*(?://[#@][ \t]*sourceMappingURL=[^\n]*|/\*[#@][ \t]*sourceMappingURL=.*?\*/)[ \t]*$",
                         re.MULTILINE)
# Inside a script or style element, "</script" (or "</style") ends it, and
# "<!--" followed by "<script" changes how the browser finds its end; with the
# backslash both read the same in JavaScript strings and regular expressions.
_RAW_TEXT_CLOSE = re.compile(r"</(?=(?:script|style))", re.IGNORECASE)
_COMMENT_OPEN = "<!--"


@dataclass(frozen=True)
class _Tag:
    name: str
    attrs: tuple[tuple[str, str | None], ...]
    start: int
    end: int

    def attr(self, name: str) -> str | None:
        return next((value for key, value in self.attrs if key == name), None)


class _TagScanner(HTMLParser):
    """Start and end tags of a document with their offsets; the text of scripts is not parsed as tags."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        # HTMLParser counts lines at "\n" only, so offsets are computed the same way.
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self.start_tags: list[_Tag] = []
        self.end_tags: list[tuple[str, int]] = []
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        self.start_tags.append(_Tag(tag, tuple(attrs), start, start + len(self.get_starttag_text() or "")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.end_tags.append((tag, self._offset()))

    def end_of(self, tag: _Tag, text: str) -> tuple[int, int]:
        """Offsets of the end tag closing a raw-text element (script, style): its ``<`` and after its ``>``."""
        start = next((offset for name, offset in self.end_tags if name == tag.name and offset >= tag.end), len(text))
        close = text.find(">", start)
        return start, (len(text) if close < 0 else close + 1)


def _is_foreign(url: str) -> bool:
    """Whether loading ``url`` needs the network: it names a host (``https://x``, ``//x``)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return True
    return bool(parts.netloc) or parts.scheme.lower() in ("http", "https", "ws", "wss", "ftp")


def _is_embedded(url: str) -> bool:
    text = url.strip()
    return text.startswith("#") or (":" in text and text.split(":", 1)[0].lower() in _EMBEDDED_SCHEMES)


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _raw_text(content: str) -> str:
    """Content made safe to sit inside a ``<script>`` or ``<style>`` element."""
    return _RAW_TEXT_CLOSE.sub("<\\\\/", content).replace(_COMMENT_OPEN, "<\\!--")


def _start_tag(name: str, attrs: tuple[tuple[str, str | None], ...]) -> str:
    written = "".join(
        f" {key}" if value is None else f' {key}="{html.escape(value, quote=True)}"' for key, value in attrs
    )
    return f"<{name}{written}>"


class _Inliner:
    """Turns references to the app's static folder into content; notes every reference it cannot."""

    def __init__(self, static_dir: Path, static_url: str) -> None:
        self.root = static_dir.resolve()
        self.prefix = static_url.rstrip("/") + "/"
        self.problems: list[str] = []
        #: Inlined stylesheets, in document order, for the top of the head.
        self.stylesheets: list[str] = []

    def is_static(self, url: str) -> bool:
        return url.strip().startswith(self.prefix)

    def file(self, url: str) -> Path | None:
        """The file a URL under the static URL names, or None (and a problem) when there is none."""
        relative = unquote(urlsplit(url.strip()).path[len(urlsplit(self.prefix).path):])
        return self._inside_root(self.root / relative, url)

    def _inside_root(self, candidate: Path, url: str) -> Path | None:
        resolved = candidate.resolve()
        if not resolved.is_relative_to(self.root):
            self.problems.append(f"{url}: points outside the static folder {self.root}")
            return None
        if not resolved.is_file():
            self.problems.append(
                f"{url}: {resolved} is missing; install the map's assets first "
                "(layers.assets.install_vendor_assets)"
            )
            return None
        return resolved

    def refuse(self, url: str, where: str) -> None:
        """Note a reference that cannot be embedded."""
        if _is_foreign(url):
            self.problems.append(f"{url} ({where}): refers to another host; the saved map must work with no network")
        else:
            self.problems.append(f"{url} ({where}): not a file under {self.prefix}, so it cannot be embedded")

    def css(self, text: str, base: Path | None, where: str) -> str:
        """Stylesheet text with every ``url(...)`` as a data URI; ``base`` is the sheet's folder (None: inline)."""
        if _CSS_IMPORT.search(text):
            self.problems.append(f"{where}: stylesheets that @import others cannot be embedded")

        def embed(match: re.Match[str]) -> str:
            url = match.group("url").strip()
            if _is_embedded(url):
                return match.group(0)
            if self.is_static(url):
                found = self.file(url)
            elif base is not None and not _is_foreign(url) and not urlsplit(url).scheme and not url.startswith("/"):
                found = self._inside_root(base / unquote(urlsplit(url).path), url)
            else:
                self.refuse(url, where)
                return match.group(0)
            return match.group(0) if found is None else f'url("{_data_uri(found)}")'

        return _CSS_URL.sub(embed, text)


def _fetching_layer_problems(fmap: folium.Map) -> list[str]:
    """URLs that layers of the map would load when the page runs."""
    problems = []
    pending = [fmap]
    while pending:
        element = pending.pop()
        pending.extend(element._children.values())
        for kind, attribute in _FETCHING_LAYERS:
            url = getattr(element, attribute, None) if isinstance(element, kind) else None
            if isinstance(url, str) and url and not _is_embedded(url):
                problems.append(
                    f"{url}: the layer {type(element).__name__} loads it when the page runs; "
                    "a standalone map needs its data inline"
                )
    return problems


def _script_edit(tag: _Tag, text: str, scanner: _TagScanner, inliner: _Inliner) -> tuple[int, int, str] | None:
    source = tag.attr("src")
    if source is None:
        start, _ = scanner.end_of(tag, text)
        body = text[tag.end:start]
        # Data a layer fetches from the app when the page runs (e.g. a basemap URL): it would be missing.
        for match in re.finditer(rf"""["']({re.escape(inliner.prefix)}[^"']*)""", body):
            inliner.problems.append(
                f"{match.group(1)}: the map fetches this from the app when the page runs; "
                "build it with that data inline (e.g. countries_url=None)"
            )
        return None
    if _is_embedded(source):
        return None
    if not inliner.is_static(source):
        inliner.refuse(source, "script")
        return None
    found = inliner.file(source)
    if found is None:
        return None
    code = _SOURCE_MAP.sub("", found.read_text(encoding="utf-8"))
    _, after = scanner.end_of(tag, text)
    return tag.start, after, f"<script>/* {found.name} */\n{_raw_text(code)}\n</script>"


def _style_edit(tag: _Tag, text: str, scanner: _TagScanner, inliner: _Inliner) -> tuple[int, int, str] | None:
    start, _ = scanner.end_of(tag, text)
    body = text[tag.end:start]
    embedded = inliner.css(body, None, "style element")
    return None if embedded == body else (tag.end, start, _raw_text(embedded))


def _link_edit(tag: _Tag, inliner: _Inliner) -> tuple[int, int, str] | None:
    href = tag.attr("href")
    if href is None or _is_embedded(href):
        return None
    if not inliner.is_static(href):
        inliner.refuse(href, "link")
        return None
    found = inliner.file(href)
    if found is None:
        return None
    if "stylesheet" in (tag.attr("rel") or "").lower().split():
        css = inliner.css(_SOURCE_MAP.sub("", found.read_text(encoding="utf-8")), found.parent, found.name)
        inliner.stylesheets.append(f"<style>/* {found.name} */\n{_raw_text(css)}\n</style>\n")
        return tag.start, tag.end, ""
    attrs = tuple((key, _data_uri(found) if key == "href" else value) for key, value in tag.attrs)
    return tag.start, tag.end, _start_tag(tag.name, attrs)


def _source_edit(tag: _Tag, inliner: _Inliner) -> tuple[int, int, str] | None:
    """An element that loads its ``src`` (img, iframe, audio, ...): the file becomes a data URI."""
    source = tag.attr("src")
    if source is None or _is_embedded(source):
        return None
    if not inliner.is_static(source):
        inliner.refuse(source, f"{tag.name} element")
        return None
    found = inliner.file(source)
    if found is None:
        return None
    attrs = tuple((key, _data_uri(found) if key == "src" else value) for key, value in tag.attrs)
    return tag.start, tag.end, _start_tag(tag.name, attrs)


def attribution_text(sources: Sequence[Attribution] = ()) -> str:
    """Return the credit line of an exported map.

    Parameters
    ----------
    sources : sequence of Attribution
        The datasets whose incidents the map draws, from
        :func:`borderwatch.export.dataset_attributions`; empty when it draws none.

    Returns
    -------
    str
        Lines: ``"Boundaries: Natural Earth (public domain)."``, then
        ``"Incidents: <credit>."`` for each source (a citation holds ``;``
        of its own, so each gets its line).
    """
    return "\n".join(_credit_parts(sources))


def _credit_parts(sources: Sequence[Attribution]) -> list[str]:
    return [f"{BOUNDARIES_CREDIT}.", *(f"Incidents: {source.credit}." for source in sources)]


def _attribution_html(sources: Sequence[Attribution]) -> str:
    """The credits as HTML for the map's attribution control, one a line: text escaped, each website a link."""
    parts = []
    for part, source in zip(_credit_parts(sources), (None, *sources), strict=True):
        text = escape_html(part)
        if source is not None and source.url:
            # The URL is the project's own constant (never data), written the same way in the credit.
            link = f'<a href="{escape_html(source.url)}" target="_blank" rel="noopener">{escape_html(source.url)}</a>'
            text = text.replace(escape_html(source.url), link, 1)
        parts.append(text)
    return "<br>".join(parts)


def standalone_html(
    fmap: folium.Map,
    static_dir: Path,
    static_url: str,
    *,
    title: str = DEFAULT_TITLE,
    sources: Sequence[Attribution] = (),
) -> str:
    """Render a map as one HTML file that needs no server and no network.

    Parameters
    ----------
    fmap : folium.Map
        The map with every layer to keep, its data inline (build the basemap
        with ``countries_url=None``); rendered, not otherwise changed.
    static_dir : Path
        The app's static folder, holding the vendor files the map loads.
    static_url : str
        URL path the app serves ``static_dir`` under, e.g. ``"/app/static"``.
    title : str
        Text of the page's ``<title>`` (escaped).
    sources : sequence of Attribution
        The datasets whose incidents the map draws (see :func:`attribution_text`).

    Returns
    -------
    str
        The page: scripts under ``static_url`` inlined where they were,
        stylesheets inlined at the top of the head (before the map's own
        styles, which override them) with their images as ``data:`` URIs,
        a ``generator`` meta tag; the credit line in the map's attribution
        control (each source's website a link), and each credit in a
        ``dcterms.source`` meta tag.

    Raises
    ------
    OfflineAssetError
        Naming every reference the file could not carry: another host
        (``http:``, ``https:``, ``//``), a file missing from ``static_dir``,
        a reference outside ``static_url``, or a layer that loads data when
        the page runs (online tiles, a fetched basemap).
    """
    problems = _fetching_layer_problems(fmap)
    text = fmap.get_root().render()
    scanner = _TagScanner(text)
    inliner = _Inliner(Path(static_dir), static_url)
    edits: list[tuple[int, int, str]] = []
    for tag in scanner.start_tags:
        if tag.name == "script":
            edit = _script_edit(tag, text, scanner, inliner)
        elif tag.name == "style":
            edit = _style_edit(tag, text, scanner, inliner)
        elif tag.name == "link":
            edit = _link_edit(tag, inliner)
        elif tag.name not in _LINK_TAGS:
            edit = _source_edit(tag, inliner)
            for key in ("href", "poster", "srcset", "data"):
                value = tag.attr(key)
                if value and _is_foreign(value):
                    inliner.refuse(value, f"{tag.name} element")
        else:
            edit = None
        if edit is not None:
            edits.append(edit)
    problems += inliner.problems
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        raise OfflineAssetError(f"the map cannot be saved as a standalone file:\n{listing}")

    head = next((tag.end for tag in scanner.start_tags if tag.name == "head"), 0)
    # Library styles first, so the map's own rules (e.g. the sea's colour) win,
    # as they do in the app, where the map's frame loads the libraries first.
    credits = [BOUNDARIES_CREDIT, *(source.credit for source in sources)]
    # The credits wrap within most of the map's width, clear of the scale bar at the bottom left.
    edits.append((head, head, (
        f"\n<title>{escape_html(title)}</title>\n"
        '<meta name="generator" content="BorderWatch">\n'
        + "".join(f'<meta name="dcterms.source" content="{escape_html(credit)}">\n' for credit in credits)
        + "".join(inliner.stylesheets)
        + f"<style>.leaflet-control-attribution {{ max-width: {_CREDIT_WIDTH_SHARE:.0%}; }}</style>\n"
    )))
    credits_html = script_json(_attribution_html(sources))
    end = max((offset for name, offset in scanner.end_tags if name == "html"), default=len(text))
    edits.append((end, end, (
        "<script>\n(function () {\n"
        f"    var control = {fmap.get_name()}.attributionControl;\n"
        f"    if (control) {{ control.addAttribution({credits_html}); }}\n"
        "})();\n</script>\n"
    )))
    pieces, position = [], 0
    for start, stop, replacement in sorted(edits):
        pieces += [text[position:start], replacement]
        position = stop
    pieces.append(text[position:])
    return "".join(pieces)


# ---------------------------------------------------------------------------
# PNG
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MapLayers:
    """What :func:`map_png` draws; a layer the user hid is left None.

    Frames are in EPSG:4326 (a GeoDataFrame without a CRS is taken as such)
    and are not changed. Compared by identity: frames have no plain equality.

    Attributes
    ----------
    countries : geopandas.GeoDataFrame, optional
        Land polygons; an ``iso3`` column picks the lighter land of the
        countries the dashboard is about, as on the map.
    border, barrier : geopandas.GeoDataFrame, optional
        Lines.
    barrier_status : str, optional
        The barrier's status on the map's date (see
        :func:`borderwatch.timeline.status_on`), drawn in the map's style of
        that status (:data:`layers.infrastructure.BARRIER_STATUS_STYLES`):
        solid when ``"complete"`` or not given, dashed otherwise, and named
        in the legend.
    places : pandas.DataFrame, optional
        ``id, name, kind, latitude, longitude``; ``kind == "crossing"`` is
        drawn as a ring. Names of places in the picture are labelled.
    featured_place_id : str, optional
        The place drawn larger with a bold label.
    points : pandas.DataFrame, optional
        Incidents: ``latitude, longitude, event_type, deaths_best``.
    cells : pandas.DataFrame, optional
        Counted cells, when the map shows them instead of points:
        ``latitude, longitude, incidents, deaths``.
    lines : geopandas.GeoDataFrame, optional
        Extra lines (e.g. cross-border sequences, gaps of a surveillance
        plan): ``colour`` and, for the legend, ``label`` (optional).
    circles : pandas.DataFrame, optional
        Discs (e.g. sensor ranges): ``latitude, longitude, radius_km,
        colour`` and, for the legend, ``label`` (optional).
    """

    countries: gpd.GeoDataFrame | None = None
    border: gpd.GeoDataFrame | None = None
    barrier: gpd.GeoDataFrame | None = None
    barrier_status: str | None = None
    places: pd.DataFrame | None = None
    featured_place_id: str | None = config.FEATURED_PLACE_ID
    points: pd.DataFrame | None = None
    cells: pd.DataFrame | None = None
    lines: gpd.GeoDataFrame | None = None
    circles: pd.DataFrame | None = None


@lru_cache(maxsize=4)
def _transformer(source_crs: str, target_crs: str) -> Transformer:
    # always_xy: (lon, lat) in, (x, y) out, whatever the CRS's axis order.
    return Transformer.from_crs(source_crs, target_crs, always_xy=True)


def _checked_view(view: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    west, south, east, north = (float(value) for value in view)
    if not all(math.isfinite(value) for value in (west, south, east, north)):
        raise ValueError(f"map view {view}: every edge must be a finite number")
    # Leaflet reports edges beyond the Web Mercator world when zoomed far out.
    west, east = max(west, -180.0), min(east, 180.0)
    south, north = max(south, -MAX_LATITUDE), min(north, MAX_LATITUDE)
    if not (west < east and south < north):
        raise ValueError(f"map view {view}: expected (west, south, east, north) with west < east and south < north")
    return west, south, east, north


def fitted_extent(
    view: tuple[float, float, float, float], width_px: int = PNG_WIDTH_PX, height_px: int = PNG_HEIGHT_PX
) -> tuple[float, float, float, float]:
    """Return the Web Mercator extent an image of this size shows of a view.

    The whole view is shown, centred, at one scale on both axes; the
    image's other dimension shows more around it, as Leaflet does.

    Parameters
    ----------
    view : tuple of float
        ``(west, south, east, north)`` in degrees; clamped to the Web Mercator world.
    width_px, height_px : int
        Size of the image.

    Returns
    -------
    tuple of float
        ``(x_min, y_min, x_max, y_max)`` in EPSG:3857 metres.

    Raises
    ------
    ValueError
        If the view is not finite or empty, or a size is below one pixel.
    """
    if width_px < 1 or height_px < 1:
        raise ValueError(f"image size {width_px}×{height_px} px: both must be at least 1")
    west, south, east, north = _checked_view(view)
    xs, ys = _transformer(config.GEOGRAPHIC_CRS, WEB_MERCATOR).transform([west, east], [south, north])
    metres_per_px = max((xs[1] - xs[0]) / width_px, (ys[1] - ys[0]) / height_px)
    centre_x, centre_y = (xs[0] + xs[1]) / 2, (ys[0] + ys[1]) / 2
    half_width, half_height = metres_per_px * width_px / 2, metres_per_px * height_px / 2
    return centre_x - half_width, centre_y - half_height, centre_x + half_width, centre_y + half_height


def _clip_box(extent: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The extent grown by the clip margin, in degrees (west, south, east, north)."""
    x_min, y_min, x_max, y_max = extent
    pad_x, pad_y = (x_max - x_min) * _CLIP_MARGIN, (y_max - y_min) * _CLIP_MARGIN
    lons, lats = _transformer(WEB_MERCATOR, config.GEOGRAPHIC_CRS).transform(
        [x_min - pad_x, x_max + pad_x], [y_min - pad_y, y_max + pad_y]
    )
    return max(lons[0], -180.0), max(lats[0], -MAX_LATITUDE), min(lons[1], 180.0), min(lats[1], MAX_LATITUDE)


def _mercator_shapes(frame: gpd.GeoDataFrame, clip: tuple[float, float, float, float]) -> list[BaseGeometry]:
    """The frame's geometries cut to the clip box and projected; empty where nothing is left."""
    geometry = frame.geometry if frame.crs is not None else frame.geometry.set_crs(config.GEOGRAPHIC_CRS)
    cut = geometry.to_crs(config.GEOGRAPHIC_CRS).clip_by_rect(*clip)
    return list(cut.to_crs(WEB_MERCATOR))


def _parts(shape: BaseGeometry | None, kind: type) -> list[BaseGeometry]:
    if shape is None or shape.is_empty:
        return []
    # Twice: a collection may hold multi-part geometries.
    parts = shapely.get_parts(shapely.get_parts(np.asarray([shape], dtype=object)))
    return [part for part in parts if isinstance(part, kind) and not part.is_empty]


def _polygon_path(shape: BaseGeometry) -> MplPath | None:
    rings = []
    for polygon in _parts(shape, Polygon):
        # Holes wound against the shell, so they stay holes whatever the fill rule.
        polygon = orient(polygon, sign=1.0)
        rings.append(MplPath(np.asarray(polygon.exterior.coords)[:, :2], closed=True))
        rings += [MplPath(np.asarray(ring.coords)[:, :2], closed=True) for ring in polygon.interiors]
    return MplPath.make_compound_path(*rings) if rings else None


def _segments(shape: BaseGeometry) -> list[np.ndarray]:
    return [np.asarray(line.coords)[:, :2] for line in _parts(shape, LineString)]


def _lonlat_to_mercator(longitude: pd.Series, latitude: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    lats = np.clip(pd.to_numeric(latitude, errors="coerce").to_numpy(float), -MAX_LATITUDE, MAX_LATITUDE)
    lons = pd.to_numeric(longitude, errors="coerce").to_numpy(float)
    x, y = _transformer(config.GEOGRAPHIC_CRS, WEB_MERCATOR).transform(lons, lats)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _inside(
    x: np.ndarray, y: np.ndarray, extent: tuple[float, float, float, float], margin: float = _CLIP_MARGIN
) -> np.ndarray:
    x_min, y_min, x_max, y_max = extent
    pad_x, pad_y = (x_max - x_min) * margin, (y_max - y_min) * margin
    return (x >= x_min - pad_x) & (x <= x_max + pad_x) & (y >= y_min - pad_y) & (y <= y_max + pad_y)


def _css_colour(text: str) -> tuple[float, float, float, float]:
    """A CSS colour (``#hex``, a name, or ``rgb()``/``rgba()``) as matplotlib RGBA."""
    match = re.fullmatch(r"\s*rgba?\(([^)]*)\)\s*", text)
    if match is None:
        return to_rgba(text)
    values = [float(part) for part in match.group(1).replace("/", ",").split(",") if part.strip()]
    alpha = values[3] if len(values) > 3 else 1.0
    return values[0] / 255, values[1] / 255, values[2] / 255, alpha


def _dashes(pattern_px: tuple[float, ...], width_pt: float) -> tuple[float, tuple[float, ...]]:
    # matplotlib multiplies dash lengths by the line width unless told otherwise.
    scale = width_pt if matplotlib.rcParams["lines.scale_dashes"] and width_pt > 0 else 1.0
    return 0.0, tuple(length * _PT_PER_PX / scale for length in pattern_px)


def _wrapped(value: str, width_px: float, font_pt: float, dpi: float) -> str:
    """Text broken into lines that fit ``width_px``, estimated by characters.

    Wrapped here because matplotlib's own wrapping measures ``$...$`` as
    mathtext even when the text's ``parse_math`` is off.
    """
    glyph_px = font_pt * dpi / 72.0 * _GLYPH_EM
    width = max(int(width_px / glyph_px), 10)
    return "\n".join(textwrap.fill(line, width=width) for line in value.splitlines())


def _literal_text(artist: Text) -> None:
    """Show text as written: no ``$...$`` mathtext, no TeX (a name like "$x$" stays "$x$")."""
    artist.set_parse_math(False)
    artist.set_usetex(False)


def _text(axes: Axes, x: float, y: float, value: str, **style: object) -> Text:
    return axes.text(x, y, value, parse_math=False, usetex=False, **style)


def _draw_countries(axes: Axes, countries: gpd.GeoDataFrame, clip: tuple[float, float, float, float]) -> None:
    codes = countries["iso3"] if "iso3" in countries else pd.Series(None, index=countries.index)
    patches, faces, edges, widths = [], [], [], []
    for shape, iso3 in zip(_mercator_shapes(countries, clip), codes, strict=True):
        path = _polygon_path(shape)
        if path is None:
            continue
        style = country_style({"properties": {"iso3": iso3}})
        patches.append(PathPatch(path))
        faces.append(to_rgba(style["fillColor"], style["fillOpacity"]))
        edges.append(to_rgba(style["color"]))
        widths.append(style["weight"] * _PT_PER_PX)
    axes.add_collection(PatchCollection(patches, facecolors=faces, edgecolors=edges, linewidths=widths, zorder=1))


def _draw_line_layer(
    axes: Axes,
    frame: gpd.GeoDataFrame,
    clip: tuple[float, float, float, float],
    style: dict,
    dash_px: tuple[float, ...] | None,
    zorder: float,
) -> None:
    segments = [segment for shape in _mercator_shapes(frame, clip) for segment in _segments(shape)]
    width = style["weight"] * _PT_PER_PX
    axes.add_collection(LineCollection(
        segments, colors=[to_rgba(style["color"], style.get("opacity", 1.0))], linewidths=width,
        linestyles=[_dashes(dash_px, width)] if dash_px else "solid",
        # Round caps would grow each dash by the line's width and close the gaps.
        capstyle="butt" if dash_px else "round", zorder=zorder,
    ))


def _dash_pattern(style: dict) -> tuple[float, ...] | None:
    pattern = style.get("dashArray")
    return tuple(float(part) for part in re.split(r"[\s,]+", pattern.strip())) if pattern else None


def _barrier_line_style(status: str | None) -> dict:
    """The map's style of the barrier in a status; an unknown status is drawn as under construction."""
    if status is None:
        return barrier_style({})
    return BARRIER_STATUS_STYLES.get(status.strip().lower(), under_construction_style)({})


def _draw_discs(axes: Axes, circles: pd.DataFrame, extent: tuple[float, float, float, float]) -> None:
    centres = gpd.GeoSeries(
        gpd.points_from_xy(circles["longitude"].astype(float), circles["latitude"].astype(float)),
        crs=config.GEOGRAPHIC_CRS,
    )
    # Buffered in the metric CRS: a radius in km is a distance on the ground.
    radii_m = circles["radius_km"].astype(float).to_numpy() * 1_000.0
    discs = centres.to_crs(config.METRIC_CRS).buffer(radii_m, quad_segs=32).to_crs(WEB_MERCATOR)
    patches, faces, edges = [], [], []
    for disc, colour in zip(discs, circles["colour"].astype(str), strict=True):
        path = _polygon_path(disc)
        if path is None or not shapely.intersects(disc, shapely.box(*extent)):
            continue
        patches.append(PathPatch(path))
        faces.append(to_rgba(colour, _DISC_FILL_OPACITY))
        edges.append(to_rgba(colour))
    axes.add_collection(PatchCollection(
        patches, facecolors=faces, edgecolors=edges, linewidths=_DISC_EDGE_PX * _PT_PER_PX, zorder=2
    ))


def _draw_extra_lines(axes: Axes, lines: gpd.GeoDataFrame, clip: tuple[float, float, float, float]) -> None:
    segments, colours = [], []
    for shape, colour in zip(_mercator_shapes(lines, clip), lines["colour"].astype(str), strict=True):
        for segment in _segments(shape):
            segments.append(segment)
            colours.append(to_rgba(colour, _LINE_OPACITY))
    axes.add_collection(LineCollection(
        segments, colors=colours, linewidths=_LINE_WEIGHT_PX * _PT_PER_PX, capstyle="round", zorder=5
    ))


def _marker_area(radius_px: np.ndarray | float) -> np.ndarray | float:
    """Scatter marker area (pt²) of a circle of this radius in CSS px."""
    return (2.0 * np.asarray(radius_px) * _PT_PER_PX) ** 2


def _draw_places(
    axes: Axes, places: pd.DataFrame, featured_id: str | None, extent: tuple[float, float, float, float]
) -> list[Text]:
    """Draw places; return the labels of those in the picture, most important first.

    Labels go featured place first, then crossings, then the rest, so that
    those are kept when labels collide (see :func:`_drop_overlapping_labels`).
    """
    x, y = _lonlat_to_mercator(places["longitude"], places["latitude"])
    near = _inside(x, y, extent)
    in_picture = _inside(x, y, extent, margin=0.0)
    kinds = places["kind"].astype(str).to_numpy()
    featured = (places["id"].astype(str) == featured_id).to_numpy() & (featured_id is not None)
    labels: list[tuple[int, Text]] = []
    groups = (
        ((kinds != "crossing") & ~featured, place_style({"properties": {"featured": False}}), 6.0, 2),
        (kinds == "crossing", crossing_style({}), 6.5, 1),
        ((kinds != "crossing") & featured, place_style({"properties": {"featured": True}}), 6.6, 0),
    )
    for mask, style, zorder, rank in groups:
        if not (mask & near).any():
            continue
        axes.scatter(
            x[mask & near], y[mask & near], s=_marker_area(style["radius"]),
            facecolors=[to_rgba(style["fillColor"], style["fillOpacity"])], edgecolors=[to_rgba(style["color"])],
            linewidths=style["weight"] * _PT_PER_PX, zorder=zorder,
        )
        for index in np.flatnonzero(mask & in_picture):
            is_featured = bool(featured[index])
            label = axes.annotate(
                as_text(places["name"].iloc[index]), (x[index], y[index]),
                xytext=((style["radius"] + 3.0) * _PT_PER_PX, 0.0), textcoords="offset points",
                ha="left", va="center", fontsize=(10.0 if is_featured else 7.5),
                fontweight=("bold" if is_featured else "normal"), color="#1A1A1A", zorder=8,
                path_effects=[withStroke(linewidth=2.5, foreground="white")],
                parse_math=False, usetex=False, annotation_clip=True,
            )
            labels.append((rank, label))
    return [label for _, label in sorted(labels, key=_label_rank)]


def _label_rank(item: tuple[int, Text]) -> int:
    return item[0]


def _drop_overlapping_labels(labels: list[Text], overlays: list[Artist], renderer: RendererBase) -> None:
    """Remove each label that would cover an earlier one or an overlay (legend, title, credit)."""
    placed = [overlay.get_window_extent(renderer=renderer) for overlay in overlays]
    for label in labels:
        box = label.get_window_extent(renderer=renderer).padded(_LABEL_GAP_PX)
        if any(box.overlaps(other) for other in placed):
            label.remove()
        else:
            placed.append(box)


def _draw_points(axes: Axes, points: pd.DataFrame, extent: tuple[float, float, float, float]) -> list[str]:
    """Draw incident circles, largest first so small ones stay visible; return the types shown."""
    x, y = _lonlat_to_mercator(points["longitude"], points["latitude"])
    radius = np.array([radius_for_deaths(None if pd.isna(d) else float(d))
                       for d in pd.to_numeric(points["deaths_best"], errors="coerce")], dtype=float)
    types = points["event_type"].map(as_text).to_numpy(dtype=object)
    shown = _inside(x, y, extent) & np.isfinite(x) & np.isfinite(y)
    order = [index for index in np.argsort(-radius, kind="stable") if shown[index]]
    if not order:
        return []
    axes.scatter(
        x[order], y[order], s=_marker_area(radius[order]),
        facecolors=[to_rgba(event_type_colour(types[index]), _INCIDENT_FILL_OPACITY) for index in order],
        edgecolors="#FFFFFF", linewidths=_INCIDENT_EDGE_PX * _PT_PER_PX, zorder=7,
    )
    return sorted(set(types[order]))


def _draw_cells(axes: Axes, cells: pd.DataFrame, extent: tuple[float, float, float, float]) -> bool:
    """Draw counted cells as dark numbered circles; return whether any is in the picture."""
    if cells.empty:
        return False
    encoded = encode_cells(cells)
    x, y = _lonlat_to_mercator(pd.Series(encoded["lon"]), pd.Series(encoded["lat"]))
    shown = np.flatnonzero(_inside(x, y, extent))
    if not len(shown):
        return False
    sizes = np.asarray(encoded["size"], dtype=float)
    axes.scatter(
        x[shown], y[shown], s=(sizes[shown] * _PT_PER_PX) ** 2, facecolors=[_css_colour(CELL_COLOUR)],
        edgecolors="#FFFFFF", linewidths=_CELL_EDGE_PX * _PT_PER_PX, zorder=7,
    )
    for index in shown:
        _text(axes, x[index], y[index], f"{encoded['count'][index]:,}", ha="center", va="center",
              color="#FFFFFF", fontsize=_CELL_FONT_PX * _PT_PER_PX, fontweight="bold", zorder=7.5, clip_on=True)
    return True


def _nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres not above ``metres``."""
    power = 10.0 ** math.floor(math.log10(metres))
    return max(step * power for step in (1.0, 2.0, 5.0) if step * power <= metres)


def _draw_scale_bar(axes: Axes, extent: tuple[float, float, float, float], base: float) -> Text:
    """Draw a scale bar at the right, its bar at ``base`` (share of the height from the bottom); return its label."""
    x_min, y_min, x_max, y_max = extent
    centre_x, centre_y = (x_min + x_max) / 2, (y_min + y_max) / 2
    span = (x_max - x_min) * _SCALE_BAR_SHARE
    lons, lats = _transformer(WEB_MERCATOR, config.GEOGRAPHIC_CRS).transform(
        [centre_x - span / 2, centre_x + span / 2], [centre_y, centre_y]
    )
    # Measured on the ellipsoid at the picture's centre: Mercator's scale changes with latitude.
    _, _, ground_m = Geod(ellps="WGS84").inv(lons[0], lats[0], lons[1], lats[1])
    length_m = _nice_length(ground_m)
    share = _SCALE_BAR_SHARE * length_m / ground_m
    right = 0.985
    axes.add_line(Line2D([right - share, right - share, right, right], [base + 0.008, base, base, base + 0.008],
                         transform=axes.transAxes, color="#222222", linewidth=1.5, zorder=10))
    kilometres = length_m / 1_000.0
    label = f"{kilometres:,.0f} km" if kilometres >= 1 else f"{length_m:,.0f} m"
    return _text(axes, right - share / 2, base + 0.012, f"{label} (at the centre latitude)",
                 transform=axes.transAxes, ha="center", va="bottom", fontsize=7, color="#222222", zorder=10,
                 path_effects=[withStroke(linewidth=2.5, foreground="white")])


def _legend_handles(layers: MapLayers, event_types: list[str], cells_shown: bool) -> list[tuple[Artist, str]]:
    """Legend entries (symbol, label) of what the picture shows, in the map legend's order."""
    handles: list[tuple[Artist, str]] = []
    for name in event_types:
        handles.append((Line2D([], [], linestyle="none", marker="o", markersize=8,
                               markerfacecolor=event_type_colour(name), markeredgecolor="#FFFFFF"), name))
    if cells_shown:
        handles.append((Line2D([], [], linestyle="none", marker="o", markersize=11,
                               markerfacecolor=_css_colour(CELL_COLOUR), markeredgecolor="#FFFFFF"),
                        "Number of incidents in an area"))
    if layers.border is not None:
        style = border_style({})
        width = style["weight"] * _PT_PER_PX
        handles.append((Line2D([], [], color=style["color"], linewidth=width,
                               linestyle=_dashes(_dash_pattern(style), width)), BORDER_LAYER_NAME))
    if layers.barrier is not None:
        style = _barrier_line_style(layers.barrier_status)
        width = style["weight"] * _PT_PER_PX
        dash = _dash_pattern(style)
        status = f" ({layers.barrier_status})" if layers.barrier_status else ""
        handles.append((Line2D([], [], color=style["color"], linewidth=width,
                               linestyle=_dashes(dash, width) if dash else "solid"),
                        f"{BARRIER_LAYER_NAME}, approx.{status}"))
    kinds = layers.places["kind"].astype(str) if layers.places is not None else pd.Series(dtype=str)
    if (kinds == "crossing").any():
        crossing = crossing_style({})
        handles.append((Line2D([], [], linestyle="none", marker="o", markersize=7, markerfacecolor="#FFFFFF",
                               markeredgecolor=crossing["color"], markeredgewidth=2), "Border crossing"))
    if (kinds != "crossing").any():
        place = place_style({"properties": {"featured": False}})
        handles.append((Line2D([], [], linestyle="none", marker="o", markersize=4,
                               markerfacecolor=place["fillColor"], markeredgecolor=place["color"]), "Town or landmark"))
    for frame, is_disc in ((layers.lines, False), (layers.circles, True)):
        if frame is None or "label" not in frame or frame.empty:
            continue
        for label, colour in dict.fromkeys(zip(frame["label"].map(as_text), frame["colour"].astype(str))):
            artist = (Patch(facecolor=to_rgba(colour, _DISC_FILL_OPACITY), edgecolor=colour) if is_disc
                      else Line2D([], [], color=colour, linewidth=_LINE_WEIGHT_PX * _PT_PER_PX))
            handles.append((artist, label))
    return handles


def map_png(
    view: tuple[float, float, float, float],
    layers: MapLayers,
    width_px: int = PNG_WIDTH_PX,
    height_px: int = PNG_HEIGHT_PX,
    dpi: int = PNG_DPI,
    title: str = "",
    sources: Sequence[Attribution] = (),
) -> bytes:
    """Draw the map of a view as a PNG, offline.

    Parameters
    ----------
    view : tuple of float
        ``(west, south, east, north)`` in degrees, e.g. ``MapView.bbox``; all
        of it is shown (see :func:`fitted_extent`).
    layers : MapLayers
        What to draw; None layers are skipped.
    width_px, height_px : int
        Size of the image in pixels.
    dpi : int
        Resolution: marks and text keep the size they have on screen at
        96 dpi, so a higher dpi draws them larger.
    title : str
        Shown at the top left; empty for none. Shown as written (no mathtext).
    sources : sequence of Attribution
        The datasets whose incidents the image draws, for the credit line
        (see :func:`attribution_text`).

    Returns
    -------
    bytes
        PNG data, ``width_px`` × ``height_px``, in Web Mercator like the map
        on screen: sea, land, border, barrier, places with names, incidents
        (coloured by type, sized by deaths) or counted cells, extra lines and
        discs, a legend, a scale bar and the credit line, whose text is also
        kept in the text chunk :data:`PNG_ATTRIBUTION_KEY` (and the title in ``Title``).

    Raises
    ------
    ValueError
        If the view is not finite or empty, or a size is not positive.
    """
    if dpi <= 0:
        raise ValueError(f"dpi {dpi}: must be positive")
    extent = fitted_extent(view, width_px, height_px)
    clip = _clip_box(extent)
    # A Figure with its own Agg canvas: pyplot's global figures and backend are never touched.
    figure = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor=SEA_COLOUR)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_axis_off()
    axes.set_autoscale_on(False)
    axes.set_xlim(extent[0], extent[2])
    axes.set_ylim(extent[1], extent[3])

    if layers.countries is not None:
        _draw_countries(axes, layers.countries, clip)
    if layers.circles is not None and not layers.circles.empty:
        _draw_discs(axes, layers.circles, extent)
    if layers.border is not None:
        style = border_style({})
        _draw_line_layer(axes, layers.border, clip, style, _dash_pattern(style), zorder=3)
    if layers.barrier is not None:
        style = _barrier_line_style(layers.barrier_status)
        _draw_line_layer(axes, layers.barrier, clip, style, _dash_pattern(style), zorder=4)
    if layers.lines is not None and not layers.lines.empty:
        _draw_extra_lines(axes, layers.lines, clip)
    labels = _draw_places(axes, layers.places, layers.featured_place_id, extent) if layers.places is not None else []
    event_types = _draw_points(axes, layers.points, extent) if layers.points is not None else []
    cells_shown = _draw_cells(axes, layers.cells, extent) if layers.cells is not None else False

    overlays: list[Artist] = []
    handles = _legend_handles(layers, event_types, cells_shown)
    if handles:
        legend = axes.legend(
            [artist for artist, _ in handles], [label for _, label in handles], loc="lower left",
            fontsize=7.5, framealpha=0.92, title_fontsize=7.5,
            title=("Attack sites: colour = type, size = deaths" if event_types else None),
        )
        legend.set_zorder(10)
        for artist in [*legend.get_texts(), legend.get_title()]:
            _literal_text(artist)
        overlays.append(legend)
    if title:
        overlays.append(_text(
            axes, 0.012, 0.985, _wrapped(title, width_px * _TITLE_WIDTH_SHARE, _TITLE_FONT_PT, dpi),
            transform=axes.transAxes, ha="left", va="top", fontsize=_TITLE_FONT_PT, fontweight="bold",
            color="#111111", zorder=11,
            bbox={"facecolor": "#FFFFFF", "alpha": 0.9, "edgecolor": "none", "boxstyle": "round,pad=0.4"},
        ))
    credit = attribution_text(sources)
    credit_box = _text(
        axes, 0.995, 0.005, _wrapped(credit, width_px * _CREDIT_WIDTH_SHARE, _CREDIT_FONT_PT, dpi),
        transform=axes.transAxes, ha="right", va="bottom", fontsize=_CREDIT_FONT_PT, color="#333333", zorder=11,
        bbox={"facecolor": "#FFFFFF", "alpha": 0.8, "edgecolor": "none", "boxstyle": "square,pad=0.25"},
    )
    overlays.append(credit_box)
    renderer = canvas.get_renderer()
    # The scale bar sits just above the credits, however many lines they take.
    credit_top = axes.transAxes.inverted().transform(credit_box.get_window_extent(renderer=renderer).corners())[:, 1]
    overlays.append(_draw_scale_bar(axes, extent, base=float(credit_top.max()) + _SCALE_BAR_GAP))
    _drop_overlapping_labels(labels, overlays, renderer)

    buffer = io.BytesIO()
    canvas.print_png(buffer, metadata={"Software": "BorderWatch", "Title": title, PNG_ATTRIBUTION_KEY: credit})
    return buffer.getvalue()
