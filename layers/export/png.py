"""The map of a view as a PNG, drawn offline with matplotlib in the map's styles.

:func:`map_png` draws what the dashboard shows (sea, land, border, barriers,
places, crossings and posts on the day shown, sequences, incidents or counted
cells) with the styles the map's layers use (:mod:`layers.style`), in Web
Mercator as Leaflet does (:mod:`layers.export.mercator`).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
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
from matplotlib.patches import PathPatch
from matplotlib.patheffects import withStroke
from matplotlib.text import Text
from pyproj import Geod

from borderwatch import config
from borderwatch.escape import as_text
from borderwatch.export import Attribution
from borderwatch.infrastructure import ShownFeature, is_line
from layers.countries import country_style
from layers.export.credits import BOUNDARIES_CREDIT, CREDIT_WIDTH_SHARE, PNG_ATTRIBUTION_KEY, attribution_text
from layers.export.legend import legend_handles
from layers.export.marks import PT_PER_PX, css_colour, line_dashes, marker_area, point_mark
from layers.export.mercator import (
    WEB_MERCATOR,
    Box,
    clip_box,
    fitted_extent,
    inside,
    line_parts,
    lonlat_to_mercator,
    mercator_shapes,
    polygon_path,
    transformer,
)
from layers.incidents import encode_cells
from layers.sequences import ARROW_SIZE_PX, arrow_placement
from layers.style import (
    BORDER_LINE,
    CALLER_LINE_OPACITY,
    CALLER_LINE_WEIGHT_PX,
    CELL_COLOUR,
    CELL_FONT_PX,
    CELL_RIM_PX,
    COVERAGE_FILL_OPACITY,
    COVERAGE_RIM_OPACITY,
    COVERAGE_RIM_PX,
    CROSSED_OUT_STATUSES,
    CROSSING_CLOSED_MARK,
    FEATURED_PLACE_DOT,
    PLACE_DOT,
    SEA_COLOUR,
    SEQUENCE_END,
    SEQUENCE_LINE,
    SITE_FILL_OPACITY,
    SITE_RIM,
    SITE_RIM_PX,
    DotStyle,
    LineStyle,
    barrier_line,
    event_type_colour,
    radius_for_deaths,
)

#: Size of the PNG: about a laptop screen's map at 1.5 times its resolution.
PNG_WIDTH_PX: Final[int] = 1600
PNG_HEIGHT_PX: Final[int] = 1100
PNG_DPI: Final[int] = 150

# The map's arrowhead fills this share of its box (layers/web/features.js draws it in 10 of 12 units).
_ARROW_SHARE = 10.0 / 12.0
# Labels closer than this (px) to one already placed are left out.
_LABEL_GAP_PX = 2.0
# Length of the scale bar, about, as a share of the image's width; its gap above the credits (share of the height).
_SCALE_BAR_SHARE = 0.18
_SCALE_BAR_GAP = 0.015
# Title and credit line: size, and the share of the image's width the title may take.
_TITLE_FONT_PT = 13.0
_TITLE_WIDTH_SHARE = 0.7
_CREDIT_FONT_PT = 6.5
# Mean width of a glyph in ems (DejaVu Sans; bold is a little wider), to wrap text by characters.
_GLYPH_EM = 0.62


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
    border : geopandas.GeoDataFrame, optional
        The border's line.
    infrastructure : sequence of borderwatch.infrastructure.ShownFeature, optional
        A border's barriers, crossings, posts and sensors with their status
        on the map's date (see :func:`borderwatch.infrastructure.shown_features`),
        drawn as on the map (:func:`layers.style.barrier_line`,
        :func:`layers.export.marks.point_mark`, a white × when closed or
        inactive); points are labelled with their names.
    places : pandas.DataFrame, optional
        Towns and landmarks: ``id, name, latitude, longitude``. Names of
        places in the picture are labelled.
    featured_place_id : str, optional
        The place drawn larger with a bold label.
    points : pandas.DataFrame, optional
        Incidents: ``latitude, longitude, event_type, deaths_best``.
    cells : pandas.DataFrame, optional
        Counted cells, when the map shows them instead of points:
        ``latitude, longitude, incidents, deaths``.
    sequences : geopandas.GeoDataFrame, optional
        Cross-border sequences: one line each, from the first incident to
        the later one, drawn as on the map (dashed, with a dot at the later
        end and an arrowhead halfway, pointing to it).
    lines : geopandas.GeoDataFrame, optional
        Other lines (e.g. gaps of a surveillance plan): ``colour`` and, for
        the legend, ``label`` (optional).
    circles : pandas.DataFrame, optional
        Discs (e.g. sensor ranges), drawn as a plan's coverage on the map:
        ``latitude, longitude, radius_km, colour`` and, for the legend,
        ``label`` (optional).
    """

    countries: gpd.GeoDataFrame | None = None
    border: gpd.GeoDataFrame | None = None
    infrastructure: Sequence[ShownFeature] | None = None
    places: pd.DataFrame | None = None
    featured_place_id: str | None = config.FEATURED_PLACE_ID
    points: pd.DataFrame | None = None
    cells: pd.DataFrame | None = None
    sequences: gpd.GeoDataFrame | None = None
    lines: gpd.GeoDataFrame | None = None
    circles: pd.DataFrame | None = None


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


def _text(axes: Axes, x: float, y: float, value: str, **style: Any) -> Text:
    return axes.text(x, y, value, parse_math=False, usetex=False, **style)


def _draw_countries(axes: Axes, countries: gpd.GeoDataFrame, clip: Box) -> None:
    codes = countries["iso3"] if "iso3" in countries else pd.Series(None, index=countries.index)
    patches, faces, edges, widths = [], [], [], []
    for shape, iso3 in zip(mercator_shapes(countries, clip), codes, strict=True):
        path = polygon_path(shape)
        if path is None:
            continue
        style = country_style({"properties": {"iso3": iso3}})
        patches.append(PathPatch(path))
        faces.append(to_rgba(style["fillColor"], style["fillOpacity"]))
        edges.append(to_rgba(style["color"]))
        widths.append(style["weight"] * PT_PER_PX)
    axes.add_collection(PatchCollection(patches, facecolors=faces, edgecolors=edges, linewidths=widths, zorder=1,
                                        gid="countries"))


def _draw_line_layer(
    axes: Axes,
    frame: gpd.GeoDataFrame,
    clip: Box,
    style: LineStyle,
    zorder: float,
    gid: str,
) -> None:
    segments = [segment for shape in mercator_shapes(frame, clip) for segment in line_parts(shape)]
    axes.add_collection(LineCollection(
        segments, colors=[to_rgba(style.colour, style.opacity)], linewidths=style.weight_px * PT_PER_PX,
        linestyles=[line_dashes(style)],
        # Round caps would grow each dash by the line's width and close the gaps.
        capstyle="butt" if style.dash else "round", zorder=zorder, gid=gid,
    ))


def _draw_discs(axes: Axes, circles: pd.DataFrame, extent: Box) -> None:
    centres = gpd.GeoSeries(
        gpd.points_from_xy(circles["longitude"].astype(float), circles["latitude"].astype(float)),
        crs=config.GEOGRAPHIC_CRS,
    )
    # Buffered in the metric CRS: a radius in km is a distance on the ground.
    radii_m = circles["radius_km"].astype(float).to_numpy() * 1_000.0
    discs = centres.to_crs(config.METRIC_CRS).buffer(radii_m, quad_segs=32).to_crs(WEB_MERCATOR)
    patches, faces, edges = [], [], []
    for disc, colour in zip(discs, circles["colour"].astype(str), strict=True):
        path = polygon_path(disc)
        if path is None or not shapely.intersects(disc, shapely.box(*extent)):
            continue
        patches.append(PathPatch(path))
        faces.append(to_rgba(colour, COVERAGE_FILL_OPACITY))
        edges.append(to_rgba(colour, COVERAGE_RIM_OPACITY))
    axes.add_collection(PatchCollection(
        patches, facecolors=faces, edgecolors=edges, linewidths=COVERAGE_RIM_PX * PT_PER_PX, zorder=2, gid="circles"
    ))


def _draw_extra_lines(axes: Axes, lines: gpd.GeoDataFrame, clip: Box) -> None:
    segments, colours = [], []
    for shape, colour in zip(mercator_shapes(lines, clip), lines["colour"].astype(str), strict=True):
        for segment in line_parts(shape):
            segments.append(segment)
            colours.append(to_rgba(colour, CALLER_LINE_OPACITY))
    axes.add_collection(LineCollection(
        segments, colors=colours, linewidths=CALLER_LINE_WEIGHT_PX * PT_PER_PX, capstyle="round", zorder=5, gid="lines"
    ))


def _draw_sequences(axes: Axes, sequences: gpd.GeoDataFrame, clip: Box, extent: Box) -> None:
    """Draw sequence lines as on the map: a dot where each arrives (its last point), an arrowhead halfway."""
    _draw_line_layer(axes, sequences, clip, SEQUENCE_LINE, zorder=5, gid="sequences")
    lines = [shape.coords for shape in sequences.geometry if shape is not None and not shape.is_empty]
    if not lines:
        return
    x, y = lonlat_to_mercator(pd.Series([line[-1][0] for line in lines]), pd.Series([line[-1][1] for line in lines]))
    _scatter_dots(axes, x, y, inside(x, y, extent), SEQUENCE_END, zorder=5.5, gid="sequence-ends")
    for line in lines:
        start, end = (line[0][0], line[0][1]), (line[-1][0], line[-1][1])
        if start == end:
            continue
        (lon, lat), angle = arrow_placement(start, end)
        mid_x, mid_y = lonlat_to_mercator(pd.Series([lon]), pd.Series([lat]))
        if inside(mid_x, mid_y, extent).all():
            # A triangle marker points up; the map's angle is clockwise from east.
            axes.scatter(mid_x, mid_y, s=(_ARROW_SHARE * ARROW_SIZE_PX * PT_PER_PX) ** 2,
                         marker=(3, 0, -90.0 - angle), facecolors=[SEQUENCE_LINE.colour], edgecolors="#FFFFFF",
                         linewidths=PT_PER_PX, zorder=5.6, gid="sequence-arrows")


def _scatter_dots(
    axes: Axes, x: np.ndarray, y: np.ndarray, shown: np.ndarray, dot: DotStyle, zorder: float, gid: str
) -> None:
    axes.scatter(
        x[shown], y[shown], s=marker_area(dot.radius_px),
        facecolors=[to_rgba(dot.fill, dot.fill_opacity)], edgecolors=[to_rgba(dot.rim)],
        linewidths=dot.rim_px * PT_PER_PX, zorder=zorder, gid=gid,
    )


def _label(axes: Axes, name: str, x: float, y: float, radius_px: float, featured: bool = False) -> Text:
    return axes.annotate(
        as_text(name), (x, y), xytext=((radius_px + 3.0) * PT_PER_PX, 0.0), textcoords="offset points",
        ha="left", va="center", fontsize=(10.0 if featured else 7.5), fontweight=("bold" if featured else "normal"),
        color="#1A1A1A", zorder=8, path_effects=[withStroke(linewidth=2.5, foreground="white")],
        parse_math=False, usetex=False, annotation_clip=True,
    )


def _draw_places(axes: Axes, places: pd.DataFrame, featured_id: str | None, extent: Box) -> list[tuple[int, Text]]:
    """Draw towns and landmarks; return the labels of those in the picture, each with its rank (featured first)."""
    x, y = lonlat_to_mercator(places["longitude"], places["latitude"])
    near = inside(x, y, extent)
    in_picture = inside(x, y, extent, margin=0.0)
    featured = (places["id"].astype(str) == featured_id).to_numpy() & (featured_id is not None)
    labels: list[tuple[int, Text]] = []
    for mask, dot, zorder, rank in ((~featured, PLACE_DOT, 6.0, 2), (featured, FEATURED_PLACE_DOT, 6.6, 0)):
        if not (mask & near).any():
            continue
        _scatter_dots(axes, x, y, mask & near, dot, zorder, "places")
        labels += [(rank, _label(axes, places["name"].iloc[index], x[index], y[index], dot.radius_px, rank == 0))
                   for index in np.flatnonzero(mask & in_picture)]
    return labels


def _draw_infrastructure(axes: Axes, shown: Sequence[ShownFeature], clip: Box, extent: Box) -> list[tuple[int, Text]]:
    """Draw barriers (by kind and status) and points (crossings, posts, sensors); return the points' labels, rank 1.

    A closed or inactive point carries a white × as on the map.
    """
    lines = [item for item in shown if is_line(item.feature)]
    for kind, status in dict.fromkeys((item.feature.kind, item.status) for item in lines):
        frame = gpd.GeoDataFrame(geometry=[item.feature.geometry for item in lines
                                           if (item.feature.kind, item.status) == (kind, status)],
                                 crs=config.GEOGRAPHIC_CRS)
        _draw_line_layer(axes, frame, clip, barrier_line(kind, status), zorder=4, gid="barrier")
    labels: list[tuple[int, Text]] = []
    for item in (item for item in shown if not is_line(item.feature)):
        point = item.feature.geometry
        x, y = lonlat_to_mercator(pd.Series([point.x]), pd.Series([point.y]))
        if not inside(x, y, extent).all():
            continue
        dot, marker = point_mark(item.feature.kind, item.status)
        axes.scatter(x, y, s=marker_area(dot.radius_px), marker=marker, facecolors=[to_rgba(dot.fill)],
                     edgecolors=[to_rgba(dot.rim)], linewidths=dot.rim_px * PT_PER_PX, zorder=6.5, gid="crossings")
        if item.status in CROSSED_OUT_STATUSES:
            _text(axes, x[0], y[0], CROSSING_CLOSED_MARK, ha="center", va="center_baseline", color="#FFFFFF",
                  fontsize=13.0 * PT_PER_PX, fontweight="bold", zorder=6.55, clip_on=True)
        if inside(x, y, extent, margin=0.0).all() and item.feature.name:
            labels.append((1, _label(axes, item.feature.name, x[0], y[0], dot.radius_px)))
    return labels


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


def _draw_points(axes: Axes, points: pd.DataFrame, extent: Box) -> list[str]:
    """Draw incident circles, largest first so small ones stay visible; return the types shown."""
    x, y = lonlat_to_mercator(points["longitude"], points["latitude"])
    radius = np.array([radius_for_deaths(None if pd.isna(d) else float(d))
                       for d in pd.to_numeric(points["deaths_best"], errors="coerce")], dtype=float)
    types = points["event_type"].map(as_text).to_numpy(dtype=object)
    shown = inside(x, y, extent) & np.isfinite(x) & np.isfinite(y)
    order = [index for index in np.argsort(-radius, kind="stable") if shown[index]]
    if not order:
        return []
    axes.scatter(
        x[order], y[order], s=marker_area(radius[order]),
        facecolors=[to_rgba(event_type_colour(types[index]), SITE_FILL_OPACITY) for index in order],
        edgecolors=SITE_RIM, linewidths=SITE_RIM_PX * PT_PER_PX, zorder=7, gid="sites",
    )
    return sorted(set(types[order]))


def _draw_cells(axes: Axes, cells: pd.DataFrame, extent: Box) -> bool:
    """Draw counted cells as dark numbered circles; return whether any is in the picture."""
    if cells.empty:
        return False
    encoded = encode_cells(cells)
    x, y = lonlat_to_mercator(pd.Series(encoded["lon"]), pd.Series(encoded["lat"]))
    shown = np.flatnonzero(inside(x, y, extent))
    if not len(shown):
        return False
    sizes = np.asarray(encoded["size"], dtype=float)
    axes.scatter(
        x[shown], y[shown], s=(sizes[shown] * PT_PER_PX) ** 2, facecolors=[css_colour(CELL_COLOUR)],
        edgecolors="#FFFFFF", linewidths=CELL_RIM_PX * PT_PER_PX, zorder=7, gid="cells",
    )
    for index in shown:
        _text(axes, x[index], y[index], f"{encoded['count'][index]:,}", ha="center", va="center",
              color="#FFFFFF", fontsize=CELL_FONT_PX * PT_PER_PX, fontweight="bold", zorder=7.5, clip_on=True)
    return True


def _nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres not above ``metres``."""
    power = 10.0 ** math.floor(math.log10(metres))
    return max(step * power for step in (1.0, 2.0, 5.0) if step * power <= metres)


def _draw_scale_bar(axes: Axes, extent: Box, base: float) -> Text:
    """Draw a scale bar at the right, its bar at ``base`` (share of the height from the bottom); return its label."""
    x_min, y_min, x_max, y_max = extent
    centre_x, centre_y = (x_min + x_max) / 2, (y_min + y_max) / 2
    span = (x_max - x_min) * _SCALE_BAR_SHARE
    lons, lats = transformer(WEB_MERCATOR, config.GEOGRAPHIC_CRS).transform(
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


def map_figure(
    view: Box,
    layers: MapLayers,
    width_px: int = PNG_WIDTH_PX,
    height_px: int = PNG_HEIGHT_PX,
    dpi: int = PNG_DPI,
    title: str = "",
    sources: Sequence[Attribution] = (),
    references: Sequence[str] = (BOUNDARIES_CREDIT,),
) -> Figure:
    """Draw the map of a view as a matplotlib figure with its own Agg canvas, offline.

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
    references : sequence of str
        The credits of the reference data it draws (see :func:`attribution_text`).

    Returns
    -------
    matplotlib.figure.Figure
        ``width_px`` × ``height_px`` at ``dpi``, in Web Mercator like the map
        on screen and in its styles (:mod:`layers.style`): sea, land,
        border, barriers, places with names, crossings, posts and sensors
        with their status, sequences, incidents (coloured by type, sized by
        deaths) or counted cells, other lines and
        discs, a legend, a scale bar and the credit line. Each layer's
        artists carry its name as their ``gid`` (``"border"``, ``"barrier"``,
        ``"sequences"``, ``"crossings"``, ``"sites"``, ...).

    Raises
    ------
    ValueError
        If the view is not finite or empty, or a size is not positive.
    """
    if dpi <= 0:
        raise ValueError(f"dpi {dpi}: must be positive")
    extent = fitted_extent(view, width_px, height_px)
    clip = clip_box(extent)
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
        _draw_line_layer(axes, layers.border, clip, BORDER_LINE, zorder=3, gid="border")
    ranked_labels = (_draw_infrastructure(axes, layers.infrastructure, clip, extent)
                     if layers.infrastructure is not None else [])
    if layers.sequences is not None and not layers.sequences.empty:
        _draw_sequences(axes, layers.sequences, clip, extent)
    if layers.lines is not None and not layers.lines.empty:
        _draw_extra_lines(axes, layers.lines, clip)
    if layers.places is not None:
        ranked_labels += _draw_places(axes, layers.places, layers.featured_place_id, extent)
    # Featured place first, then crossings, then the rest: those are kept when labels collide.
    labels = [label for _, label in sorted(ranked_labels, key=_label_rank)]
    event_types = _draw_points(axes, layers.points, extent) if layers.points is not None else []
    cells_shown = _draw_cells(axes, layers.cells, extent) if layers.cells is not None else False

    overlays: list[Artist] = []
    handles = legend_handles(layers, event_types, cells_shown)
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
    credit = attribution_text(sources, references)
    credit_box = _text(
        axes, 0.995, 0.005, _wrapped(credit, width_px * CREDIT_WIDTH_SHARE, _CREDIT_FONT_PT, dpi),
        transform=axes.transAxes, ha="right", va="bottom", fontsize=_CREDIT_FONT_PT, color="#333333", zorder=11,
        bbox={"facecolor": "#FFFFFF", "alpha": 0.8, "edgecolor": "none", "boxstyle": "square,pad=0.25"},
    )
    overlays.append(credit_box)
    renderer = canvas.get_renderer()
    # The scale bar sits just above the credits, however many lines they take.
    credit_top = axes.transAxes.inverted().transform(credit_box.get_window_extent(renderer=renderer).corners())[:, 1]
    overlays.append(_draw_scale_bar(axes, extent, base=float(credit_top.max()) + _SCALE_BAR_GAP))
    _drop_overlapping_labels(labels, overlays, renderer)
    return figure


def map_png(
    view: Box,
    layers: MapLayers,
    width_px: int = PNG_WIDTH_PX,
    height_px: int = PNG_HEIGHT_PX,
    dpi: int = PNG_DPI,
    title: str = "",
    sources: Sequence[Attribution] = (),
    references: Sequence[str] = (BOUNDARIES_CREDIT,),
) -> bytes:
    """Draw the map of a view as a PNG, offline.

    Parameters
    ----------
    view, layers, width_px, height_px, dpi, title, sources, references
        As for :func:`map_figure`.

    Returns
    -------
    bytes
        The picture of :func:`map_figure` as PNG data; the credit line's
        text is also kept in the text chunk :data:`PNG_ATTRIBUTION_KEY`
        (and the title in ``Title``).

    Raises
    ------
    ValueError
        If the view is not finite or empty, or a size is not positive.
    """
    figure = map_figure(view, layers, width_px, height_px, dpi, title, sources, references)
    buffer = io.BytesIO()
    metadata = {"Software": "BorderWatch", "Title": title,
                PNG_ATTRIBUTION_KEY: attribution_text(sources, references)}
    FigureCanvasAgg(figure).print_png(buffer, metadata=metadata)
    return buffer.getvalue()
