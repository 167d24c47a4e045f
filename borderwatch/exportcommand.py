"""The command line's ``export`` command: the incidents that match its filters, as CSV, GeoJSON or GeoPackage.

Each incident carries its measures against the border of ``--border``
(Tunisia–Libya by default): the store's, measured once per border in bulk
(:meth:`~borderwatch.store.IncidentStore.measure_border`) against the
border's line and barriers (its bundled preset and the layers imported for
it), as the dashboard measures them. A damaged store is still exported
(exporting is the way out of one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Final

import pandas as pd

from borderwatch import config
from borderwatch.borderinfrastructure import border_infrastructure
from borderwatch.bordermeasures import measure_signature, prepared_border, with_border_measures
from borderwatch.borders import Border, find_border
from borderwatch.errors import BorderWatchError, StoreDamagedError, UnknownDatasetError, counted, quoted
from borderwatch.export import (
    ATTRIBUTION_SUFFIX,
    dataset_attributions,
    describe_filters,
    export_attribution,
    export_file_name,
    incidents_per_dataset,
    to_csv_bytes,
    to_geojson_bytes,
    write_geopackage,
)
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.infrastructure import barrier_lines
from borderwatch.store import IncidentStore

#: Export formats and the file extensions that imply them when ``--format`` is left out.
EXPORT_FORMATS: Final[dict[str, tuple[str, ...]]] = {
    "csv": (".csv",),
    "geojson": (".geojson", ".json"),
    "gpkg": (".gpkg",),
}
#: What ``export --help`` says of it.
EXPORT_DESCRIPTION: Final[str] = (
    "Write the incidents that match the filters as CSV, GeoJSON or GeoPackage.\n"
    "Filters of one kind are alternatives (--type A --type B: either); filters of\n"
    "different kinds all apply. CSV cells that a spreadsheet would run as a formula\n"
    "are neutralised. An export credits the sources of its incidents (ACLED, UCDP,\n"
    "GTD, imported GIS datasets, the bundled table): in PATH.attribution.txt beside\n"
    "a CSV, in the file for GeoJSON and GeoPackage. Without -o, the file is named\n"
    "after the dates and filters, e.g. borderwatch-2016-03-01_2016-03-31-tunisia.csv.\n"
    "Each incident carries its measures (distance_border_km, border_side,\n"
    "border_position_km, distance_barrier_km, between_barrier_and_border) against\n"
    "the border of --border (default Tunisia-Libya) and its barriers, as the\n"
    "dashboard shows them: another border's are measured once, in bulk, and kept\n"
    "in the store for the next export and the dashboard."
)
#: Its examples, with ``{prog}`` for the program's name.
EXPORT_EPILOG: Final[str] = (
    "examples:\n  {prog} export --format csv -o all.csv\n"
    "  {prog} export --from 2016-03-01 --to 2016-03-31 --country Tunisia --hide-duplicates -o march.gpkg\n"
    "  {prog} export --border MAR-DZA --within-km 50 -o near-dza-mar.geojson"
)


class ExportError(BorderWatchError):
    """An export the command line refuses, with the one-line message the user sees."""


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date yyyy-mm-dd") from None


def _distance_km(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of km") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a distance of 0 km or more")
    return value


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file beside ``path``: a failed export leaves no half file."""
    # The suffix is kept: GDAL's GPKG driver warns about any other extension.
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _measured_query(store: IncidentStore, query: IncidentQuery, border: Border) -> pd.DataFrame:
    """The incidents of ``query`` with their measures against ``border``, measured in the store first if need be.

    A store that cannot keep them (damaged, or a database role that may only read) is never written:
    the exported rows are measured for this export alone, the same way.
    """
    if border.key == config.DEFAULT_BORDER:
        return store.query(query)
    barriers = barrier_lines(border_infrastructure(store, border.key))
    try:
        store.measure_border(border.key, prepared_border(border, barriers).measure,
                             measure_signature(border, barriers))
    except BorderWatchError as error:
        print(f"warning: the {border.name} measures are taken for this export only: {error}", file=sys.stderr)
        rows = store.query(replace(query, border=config.DEFAULT_BORDER, max_border_km=None))
        measured = with_border_measures(rows, border, barriers)
        if query.max_border_km is None:
            return measured
        return measured[measured["distance_border_km"] <= query.max_border_km]
    return store.query(query)


def export_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if args.output is None:
        return "csv"
    suffix = Path(args.output).suffix.lower()
    for name, suffixes in EXPORT_FORMATS.items():
        if suffix in suffixes:
            return name
    raise ExportError(f"{args.output}: give --format ({', '.join(EXPORT_FORMATS)}); the extension does not say")


def run_export(args: argparse.Namespace, open_store: Callable[[], IncidentStore]) -> int:
    """Write the incidents that match the command's filters; return the exit status (0).

    Parameters
    ----------
    args : argparse.Namespace
        As :func:`add_export_arguments` parses them.
    open_store : callable
        Opens the store (damaged stores included: exporting is the way out of one).
    """
    format = export_format(args)
    if args.start and args.end and args.start > args.end:
        raise ExportError(f"--from {args.start} is after --to {args.end}")
    selection = IncidentFilter(
        start=args.start,
        end=args.end,
        event_types=tuple(args.types) if args.types else None,
        countries=tuple(args.countries) if args.countries else None,
    )
    datasets = tuple(args.datasets) if args.datasets else None
    actors = tuple(args.actors) if args.actors else None
    border = find_border(args.border or config.DEFAULT_BORDER)
    query = IncidentQuery(selection, datasets, actors, args.hide_duplicates, args.within_km, border=border.key)
    output = Path(args.output or export_file_name(query, EXPORT_FORMATS[format][0].lstrip("."), border=border))
    with open_store() as store:
        try:
            store.check_integrity()
        except StoreDamagedError as error:
            # Exporting is the way out of a damaged store: read what can be read.
            print(f"warning: {error}", file=sys.stderr)
        options = store.filter_options()
        unknown = sorted(set(datasets or ()) - set(options["datasets"]))
        if unknown:
            raise UnknownDatasetError(
                f"no dataset named {', '.join(map(repr, unknown))}; the store holds: "
                f"{', '.join(options['datasets']) or 'none'}"
            )
        for values, known, what in ((selection.event_types, options["event_types"], "event type"),
                                    (selection.countries, options["countries"], "country"),
                                    (actors, options["actors"], "actor")):
            for value in sorted(set(values or ()) - set(known)):
                print(f"warning: no stored incident has {what} {quoted(value)}", file=sys.stderr)
        incidents = _measured_query(store, query, border)
        provenance = store.datasets()
    filters = describe_filters(query, border=border)
    attribution = export_attribution(dataset_attributions(incidents_per_dataset(incidents), provenance),
                                     filters=filters)
    sidecar = output.with_name(output.name + ATTRIBUTION_SUFFIX)
    if format == "csv":
        data = to_csv_bytes(incidents)
        write_atomically(output, lambda path: path.write_bytes(data))
        if attribution is not None:
            sidecar.write_text(attribution + "\n", encoding="utf-8")
        else:
            # A sidecar left by an earlier export to this path would credit the wrong data.
            sidecar.unlink(missing_ok=True)
    elif format == "geojson":
        data = to_geojson_bytes(incidents, attribution=attribution)
        write_atomically(output, lambda path: path.write_bytes(data))
    else:
        write_atomically(output, lambda path: write_geopackage(incidents, path, attribution=attribution))
    print(f"wrote {counted(len(incidents), 'incident')} to {output} ({format})")
    if attribution is not None:
        where = sidecar if format == "csv" else "inside the file"
        print(f"attribution (cite it when you use or share these data, as the sources' terms ask): {where}")
    return 0


def add_export_arguments(exporting: argparse.ArgumentParser) -> None:
    """Add the ``export`` command's options to its parser."""
    exporting.add_argument("--format", choices=tuple(EXPORT_FORMATS),
                           help="file format (default: from the extension of PATH, else csv)")
    exporting.add_argument("-o", "--output", metavar="PATH",
                           help="file to write (replaced); default: named after the dates and filters, "
                                "in the current folder")
    exporting.add_argument("--from", dest="start", metavar="DATE", type=_iso_date,
                           help="keep incidents on or after this day (yyyy-mm-dd)")
    exporting.add_argument("--to", dest="end", metavar="DATE", type=_iso_date,
                           help="keep incidents on or before this day (yyyy-mm-dd)")
    exporting.add_argument("--type", dest="types", metavar="TYPE", action="append",
                           help="ACLED event type, e.g. Battles (repeat for several)")
    exporting.add_argument("--country", dest="countries", metavar="NAME", action="append",
                           help="country name, e.g. Tunisia (repeat for several)")
    exporting.add_argument("--dataset", dest="datasets", metavar="NAME", action="append",
                           help="dataset name (repeat for several)")
    exporting.add_argument("--actor", dest="actors", metavar="NAME", action="append",
                           help="actor1 or actor2, as stored (repeat for several)")
    exporting.add_argument("--hide-duplicates", action="store_true",
                           help="leave out probable duplicates of an earlier dataset's incidents")
    exporting.add_argument("--within-km", type=_distance_km, metavar="KM",
                           help="keep incidents at most KM from the border line (of --border)")
    exporting.add_argument("--border", metavar="CODE-CODE",
                           help="measure against this land border: two ISO 3166-1 alpha-3 codes in either "
                                f"order, e.g. DZA-MAR (see the borders command; default {config.DEFAULT_BORDER})")
