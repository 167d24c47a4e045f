"""Exports of incident tables: CSV safe to open in a spreadsheet, GeoJSON and GeoPackage.

Every export credits the datasets whose incidents it holds
(:func:`dataset_attributions`, the one place that says what each source
requires; ``docs/importing.md``, "Exporting"): GeoJSON as a top-level
``"attribution"`` member, GeoPackage as the layer's description and
metadata; CSV has no place for it that every parser skips, so the command
line writes it beside the file and the dashboard offers it beside the
download. The map exports (:mod:`layers.export`) draw the same
credits. :func:`export_file_name` names every export after its dates and
filters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shlex
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
import pyogrio

from borderwatch import __version__, config
from borderwatch.borders import Border
from borderwatch.filters import IncidentQuery
from borderwatch.schema import INCIDENT_COLUMNS
from borderwatch.store import BUNDLED, IncidentStore

#: ACLED's citation, as its attribution policy asks for it (with a link to its website).
ACLED_CITATION: Final[str] = "Armed Conflict Location & Event Data Project (ACLED); https://acleddata.com"
#: The citation UCDP asks of users of its Georeferenced Event Dataset (the article that introduced it).
UCDP_GED_CITATION: Final[str] = (
    "UCDP Georeferenced Event Dataset (GED), Uppsala Conflict Data Program, https://ucdp.uu.se; "
    "Sundberg, Ralph and Erik Melander (2013), Introducing the UCDP Georeferenced Event Dataset, "
    "Journal of Peace Research 50(4): 523–532"
)
#: The citation START asks of users of the Global Terrorism Database.
GTD_CITATION: Final[str] = (
    "National Consortium for the Study of Terrorism and Responses to Terrorism (START), University of "
    "Maryland, Global Terrorism Database (GTD) [data file], https://www.start.umd.edu/gtd"
)
#: Who compiled the bundled incidents (see ``data/README.md``).
BUNDLED_CREDIT: Final[str] = (
    "BorderWatch table compiled from public reporting (news agencies, ministries, encyclopedias)"
)
#: Website of each source that has one, as its citation writes it.
SOURCE_URLS: Final[dict[str, str]] = {
    "acled": "https://acleddata.com", "ucdp": "https://ucdp.uu.se", "gtd": "https://www.start.umd.edu/gtd",
}
#: Suffix of the file that carries a CSV export's attribution, beside it.
ATTRIBUTION_SUFFIX: Final[str] = ".attribution.txt"
#: Layer name of GeoPackage exports.
GEOPACKAGE_LAYER: Final[str] = "incidents"
#: Metadata key of the attribution in a GeoPackage export (GDAL layer and dataset metadata).
ATTRIBUTION_KEY: Final[str] = "ATTRIBUTION"
#: First word of every export's file name.
FILE_NAME_PREFIX: Final[str] = "borderwatch"
#: Longest file name stem; a longer one is cut and ends in a hash of the whole.
MAX_FILE_STEM: Final[int] = 100
#: Longest piece a value (a type, a country) adds to a file name.
MAX_NAME_PIECE: Final[int] = 24
#: A filter of up to this many values is named value by value, beyond it by the count.
MAX_NAMED_VALUES: Final[int] = 2

# OWASP's CSV-injection advice: a cell starting with one of these may be run
# as a formula by spreadsheet software.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula.

    Parameters
    ----------
    value : object
        A cell.

    Returns
    -------
    object
        Text starting with ``= + - @``, tab or CR gets a leading ``'``; numbers,
        and text that is a plain number such as ``-3.5``, are returned as they are.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_TRIGGERS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def _export_table(incidents: pd.DataFrame) -> pd.DataFrame:
    columns = [column for column in INCIDENT_COLUMNS if column in incidents.columns]
    extra = [
        column for column in incidents.columns
        if column not in columns and column != incidents.geometry.name
    ] if isinstance(incidents, gpd.GeoDataFrame) else []
    table = pd.DataFrame(incidents[columns + extra]).copy()
    for column in ("event_date", "end_date"):
        if column in table:
            table[column] = table[column].dt.strftime("%Y-%m-%d")
    return table


def to_csv_bytes(incidents: pd.DataFrame) -> bytes:
    """Write incidents as UTF-8 CSV in the schema's column order.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents (a GeoDataFrame's geometry is left out; latitude and
        longitude carry the position).

    Returns
    -------
    bytes
        CSV with formula-like text cells neutralised.
    """
    table = _export_table(incidents)
    text_columns = table.select_dtypes(include=["object", "string"]).columns
    table[text_columns] = table[text_columns].map(neutralise_cell)
    return table.to_csv(index=False).encode("utf-8")


def _export_frame(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    table = _export_table(incidents)
    frame = gpd.GeoDataFrame(table, geometry=incidents.geometry.values, crs=incidents.crs)
    return frame.to_crs(config.GEOGRAPHIC_CRS)


def to_geojson_bytes(incidents: gpd.GeoDataFrame, *, attribution: str | None = None) -> bytes:
    """Write incidents as a GeoJSON FeatureCollection in EPSG:4326.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points.
    attribution : str, optional
        Text kept as the collection's top-level ``"attribution"`` member (a
        foreign member, RFC 7946 section 6.1: readers that do not know it ignore it).

    Returns
    -------
    bytes
        UTF-8 GeoJSON; dates as ``yyyy-mm-dd``, unknown counts as null.
    """
    text = _export_frame(incidents).to_json(na="null", drop_id=True)
    if attribution is not None:
        # Spliced in rather than parsed and dumped again: an export may hold
        # a million features, and to_json always writes one object.
        text = '{"attribution": ' + json.dumps(attribution, ensure_ascii=False) + ", " + text[1:]
    return text.encode("utf-8")


def write_geopackage(incidents: gpd.GeoDataFrame, path: Path, *, attribution: str | None = None) -> None:
    """Write incidents as a GeoPackage of points, layer :data:`GEOPACKAGE_LAYER`, EPSG:4326.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points.
    path : pathlib.Path
        File to write; replaced if it exists.
    attribution : str, optional
        Kept as the layer's description (``gpkg_contents.description``, shown
        by QGIS) and as :data:`ATTRIBUTION_KEY` in the layer's and the file's
        GDAL metadata (``gpkg_metadata``).

    Notes
    -----
    Dates are text ``yyyy-mm-dd`` (empty end dates are null), as in the
    CSV and GeoJSON exports: GDAL would write pandas datetimes as
    date-times, which reads back with a time of day nobody recorded.
    """
    path = Path(path)
    path.unlink(missing_ok=True)  # the GPKG driver would add a layer to an existing file
    metadata = {ATTRIBUTION_KEY: attribution} if attribution is not None else None
    pyogrio.write_dataframe(
        _export_frame(incidents),
        path,
        layer=GEOPACKAGE_LAYER,
        driver="GPKG",
        geometry_type="Point",  # also for an empty export, where it cannot be inferred
        layer_options={"DESCRIPTION": attribution} if attribution is not None else None,
        layer_metadata=metadata,
        dataset_metadata=metadata,
    )


def to_geopackage_bytes(incidents: gpd.GeoDataFrame, *, attribution: str | None = None) -> bytes:
    """Return the GeoPackage :func:`write_geopackage` writes, as bytes (for a download button).

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points.
    attribution : str, optional
        See :func:`write_geopackage`.

    Returns
    -------
    bytes
    """
    # SQLite (hence GDAL's GPKG driver) writes to a file, never to a stream.
    with tempfile.TemporaryDirectory(prefix="borderwatch-export-") as folder:
        path = Path(folder) / "incidents.gpkg"
        write_geopackage(incidents, path, attribution=attribution)
        return path.read_bytes()


def _other_border(border: Border | None) -> Border | None:
    """The border, unless it is the default one, which exports name nowhere (so they stay as they were)."""
    return None if border is None or border.key == config.DEFAULT_BORDER else border


def describe_filters(query: IncidentQuery, *, border: Border | None = None) -> str:
    """Say in one line which filters made an export.

    Parameters
    ----------
    query : IncidentQuery
        Dates, event types, countries, datasets, actors (``None`` is "any"),
        whether probable duplicates were left out, the distance limit.
    border : Border, optional
        The border the measures were taken against; the default border
        (:data:`borderwatch.config.DEFAULT_BORDER`) is not named.

    Returns
    -------
    str
        E.g. ``"dates 2016-01-01 to any; event types: Battles; countries: any;
        datasets: any; actors: any; probable duplicates kept"``, plus
        ``"; within 30 km of the border"`` with a distance limit, and
        ``"; measured against the Algeria–Morocco border (DZA-MAR)"`` for
        another border than the default.
    """

    def listing(values: tuple[str, ...] | None) -> str:
        if values is None:
            return "any"
        return ", ".join(values) if values else "none"

    selection = query.selection
    start = selection.start.isoformat() if selection.start else "any"
    end = selection.end.isoformat() if selection.end else "any"
    return (
        f"dates {start} to {end}; event types: {listing(selection.event_types)}; "
        f"countries: {listing(selection.countries)}; datasets: {listing(query.datasets)}; "
        f"actors: {listing(query.actors)}; probable duplicates {'left out' if query.hide_duplicates else 'kept'}"
        + (f"; within {query.max_border_km:g} km of the border" if query.max_border_km is not None else "")
        + (f"; measured against the {other.name} border ({other.key})" if (other := _other_border(border)) else "")
    )


def export_command(
    query: IncidentQuery,
    output: str,
    *,
    python: str = "python",
    data_dir: str | None = None,
    border: Border | None = None,
) -> str:
    """The command line that exports the same incidents (for sets too big for the browser).

    Parameters
    ----------
    query : IncidentQuery
        The filters, as the store's reads take them.
    output : str
        File to write.
    python : str
        The interpreter that has BorderWatch installed.
    data_dir : str, optional
        The store's folder (``--data-dir``); without it the command line's default.
    border : Border, optional
        The border to measure against (``--border``), if not the default.

    Returns
    -------
    str
        ``python -m borderwatch export ...`` with every value shell-quoted.
    """
    # --option=value: a value that starts with "-" stays a value.
    words = [python, "-m", "borderwatch"]
    if data_dir is not None:
        words.append(f"--data-dir={data_dir}")
    words.append("export")
    selection = query.selection
    if selection.start:
        words.append(f"--from={selection.start.isoformat()}")
    if selection.end:
        words.append(f"--to={selection.end.isoformat()}")
    for option, values in (("--type", selection.event_types), ("--country", selection.countries),
                           ("--dataset", query.datasets), ("--actor", query.actors)):
        words += [f"{option}={value}" for value in values or ()]
    if query.hide_duplicates:
        words.append("--hide-duplicates")
    if query.max_border_km is not None:
        words.append(f"--within-km={query.max_border_km:g}")
    if other := _other_border(border):
        words.append(f"--border={other.key}")
    words.append(f"--output={output}")
    return " ".join(shlex.quote(word) for word in words)


# --- attribution -----------------------------------------------------------------

# Control characters (C0, DEL, C1) and line or paragraph separators: a stored
# name is shown on one line of a credit, never split or garbled by them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(value: object) -> str:
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def _day(value: pd.Timestamp | dt.date | str) -> str:
    return pd.Timestamp(value).date().isoformat()


@dataclass(frozen=True)
class Attribution:
    """The credit one dataset of an export requires.

    Attributes
    ----------
    dataset : str
        The dataset's name, as stored (on one line).
    format : str
        Its format (``acled``, ``ucdp``, ``gtd``, a GIS format, ``bundled``), or
        ``""`` when the store's dataset list does not name it.
    incidents : int
        How many of the export's incidents are the dataset's.
    credit : str
        What the source asks to be credited with: its citation, with a link
        and the access date for ACLED, UCDP and GTD; the dataset's name for
        a GIS file; the bundled table's own credit.
    url : str or None
        The source's website, written the same way inside ``credit`` (for a link).
    file_name : str
        The file the dataset was imported from, ``""`` if unknown.
    """

    dataset: str
    format: str
    incidents: int
    credit: str
    url: str | None = None
    file_name: str = ""


def _credit(name: str, format: str, imported_at: pd.Timestamp | dt.date | str | None) -> str:
    accessed = f"; accessed {_day(imported_at)}" if imported_at is not None else ""
    if format == "acled":
        return ACLED_CITATION + accessed
    if format == "ucdp":
        return UCDP_GED_CITATION + accessed
    if format == "gtd":
        return GTD_CITATION + accessed
    if format == BUNDLED:
        return BUNDLED_CREDIT
    return name  # a GIS file, or a dataset the list does not hold: its name as the user stored it


def dataset_attributions(present: Mapping[str, int], datasets: pd.DataFrame | None) -> tuple[Attribution, ...]:
    """Return the attributions of the datasets present in a selection.

    Every export (tables, maps, the command line) credits its data with
    this, so a source's requirement is written once.

    Parameters
    ----------
    present : mapping of str to int
        Dataset name -> incidents of the selection from it (see
        :func:`incidents_per_dataset` and :func:`store_incidents_per_dataset`);
        datasets with none are left out.
    datasets : pandas.DataFrame, optional
        The store's ``datasets()`` (``name``, ``format``, ``file_name``,
        ``imported_at``): gives each dataset's format and access date, taken
        as the day (UTC) its file was last imported. Without it, or for a
        name it lacks, only the bundled dataset is known by its name; others
        are credited by their name.

    Returns
    -------
    tuple of Attribution
        One per dataset present: imported sources first, then the bundled
        table; by name within each.
    """
    known = {} if datasets is None else {str(row["name"]): row for row in datasets.to_dict("records")}
    credits = []
    for name, count in present.items():
        if not count:
            continue
        row = known.get(name)
        format = str(row["format"]) if row is not None else (BUNDLED if name == BUNDLED else "")
        line_name = _one_line(name)
        credits.append(Attribution(
            dataset=line_name, format=format, incidents=int(count),
            credit=_credit(line_name, format, row["imported_at"] if row is not None else None),
            url=SOURCE_URLS.get(format),
            file_name=_one_line(row["file_name"]) if row is not None and format != BUNDLED else "",
        ))
    return tuple(sorted(credits,
                        key=lambda credit: (credit.format == BUNDLED, credit.dataset.casefold(), credit.dataset)))


def incidents_per_dataset(incidents: pd.DataFrame) -> dict[str, int]:
    """Count an export's incidents by dataset.

    Parameters
    ----------
    incidents : pandas.DataFrame
        With a ``dataset`` column.

    Returns
    -------
    dict of str to int
    """
    return {str(name): int(count) for name, count in incidents["dataset"].value_counts(sort=False).items()}


def store_incidents_per_dataset(
    store: IncidentStore, query: IncidentQuery, bbox: tuple[float, float, float, float] | None = None,
) -> dict[str, int]:
    """Count the incidents a query selects in the store, by dataset, without reading them.

    Parameters
    ----------
    store : IncidentStore
    query : IncidentQuery
    bbox : tuple of float, optional
        ``(west, south, east, north)`` in degrees; clamped to the world.
        Counted from the store's summary cells, which are kept when they
        touch the box: a dataset with incidents just outside it may be
        counted, never one inside it missed.

    Returns
    -------
    dict of str to int
        Every dataset the query may select, with its count (0 for none).
    """
    if bbox is not None:
        west, south, east, north = bbox
        bbox = (max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0))
    names = [str(name) for name in store.datasets()["name"]]
    counts = {}
    for name in names:
        if query.datasets is not None and name not in query.datasets:
            continue
        total = store.aggregate(replace(query, datasets=(name,)), bbox=bbox)
        counts[name] = int(total["incidents"].iloc[0])
    return counts


def export_attribution(
    credits: Sequence[Attribution], *, filters: str, exported: dt.date | None = None,
) -> str | None:
    """Return the attribution text a file export carries, or None when it holds no incidents.

    ACLED's terms ask that its data, used directly or modified, be
    acknowledged with the full citation and a link to its website, with
    the access date, and that changes to the data be stated; UCDP and START
    ask for their citations; so every source is listed, then the changes,
    the filters and the export day.

    Parameters
    ----------
    credits : sequence of Attribution
        From :func:`dataset_attributions`.
    filters : str
        The filters that chose the incidents, e.g. from :func:`describe_filters`.
    exported : datetime.date, optional
        Day of the export; today (UTC) by default.

    Returns
    -------
    str or None
        Lines of text.
    """
    if not credits:
        return None
    exported = exported or dt.datetime.now(dt.UTC).date()
    total = sum(credit.incidents for credit in credits)
    lines = [f"Sources of the {total:,} incident{'s' if total != 1 else ''} in this export "
             "(cite them when you use or share these data):"]
    for credit in credits:
        origin = f"dataset {credit.dataset}" + (f", file {credit.file_name}" if credit.file_name else "")
        lines.append(f"- {credit.credit}. {credit.incidents:,} incident{'s' if credit.incidents != 1 else ''} "
                     f"({origin}).")
    lines += [
        "Changes: records mapped onto BorderWatch's incident schema (docs/schema.md) and filtered.",
        f"Filters: {filters}.",
        f"Exported {exported.isoformat()} with BorderWatch {__version__}.",
    ]
    return "\n".join(lines)


# --- file names --------------------------------------------------------------------


def _slug(value: object) -> str:
    """Lower-case ASCII letters and digits, words joined by ``-``; a hash when nothing is left."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:MAX_NAME_PIECE].strip("-")
    # A name in another script (e.g. Arabic) keeps a short, stable token of its own.
    return slug or "v" + hashlib.sha256(str(value).encode("utf-8", "surrogatepass")).hexdigest()[:6]


def _values_piece(values: tuple[str, ...] | None, offered: Sequence[str] | None, noun: str) -> str | None:
    """How a filter of several values reads in a name; None when it keeps everything."""
    if values is None or (offered is not None and set(values) >= set(offered)):
        return None
    if not values:
        return f"no-{noun}"
    distinct = sorted(set(values))
    if len(distinct) > MAX_NAMED_VALUES:
        return f"{len(distinct)}-{noun}"
    return "_".join(_slug(value) for value in distinct)


def export_file_name(query: IncidentQuery, extension: str, *,
                     offered: Mapping[str, Sequence[str]] | None = None, border: Border | None = None) -> str:
    """Name an export after its dates and filters, safely for any file system.

    Parameters
    ----------
    query : IncidentQuery
        What the export holds.
    extension : str
        E.g. ``"csv"``, ``"html"``.
    offered : mapping, optional
        What the filters offer (``event_types``, ``countries``, ``datasets``, as
        :meth:`borderwatch.store.IncidentStore.filter_options` gives them): a
        filter that keeps every value offered is left out of the name.
    border : Border, optional
        The border measured against: named (``dza-mar``) unless it is the default.

    Returns
    -------
    str
        E.g. ``borderwatch-2016-02-29_2016-03-27-battles.csv``: the dates,
        then types, countries, datasets (each value, or their number beyond
        :data:`MAX_NAMED_VALUES`), actors, ``no-duplicates``,
        ``within-30km``, the border. Only ``a-z 0-9 - _ .``; the same query always gives
        the same name, whatever the order of its values; a stem longer than
        :data:`MAX_FILE_STEM` is cut and ends in a hash of the whole.
    """
    offered = offered or {}
    selection = query.selection
    pieces = [FILE_NAME_PREFIX]
    if selection.start and selection.end:
        pieces.append(selection.start.isoformat() if selection.start == selection.end
                      else f"{selection.start.isoformat()}_{selection.end.isoformat()}")
    elif selection.start:
        pieces.append(f"from-{selection.start.isoformat()}")
    elif selection.end:
        pieces.append(f"to-{selection.end.isoformat()}")
    for values, key, noun in ((selection.event_types, "event_types", "types"),
                              (selection.countries, "countries", "countries"),
                              (query.datasets, "datasets", "datasets"),
                              (query.actors, None, "actors")):
        piece = _values_piece(values, offered.get(key) if key else None, noun)
        if piece is not None:
            pieces.append(piece)
    if query.hide_duplicates:
        pieces.append("no-duplicates")
    if query.max_border_km is not None:
        pieces.append(f"within-{query.max_border_km:g}km".replace("+", ""))
    if other := _other_border(border):
        pieces.append(other.key.lower())
    stem = "-".join(pieces)
    if len(stem) > MAX_FILE_STEM:
        digest = hashlib.sha256(stem.encode("ascii")).hexdigest()[:8]
        stem = f"{stem[:MAX_FILE_STEM - len(digest) - 1].rstrip('-_.')}-{digest}"
    suffix = ".".join(_slug(part) for part in extension.split(".") if part)
    return f"{stem}.{suffix}"
