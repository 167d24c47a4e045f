"""The command line's ``infrastructure`` command: import, list and remove a border's infrastructure layers.

An infrastructure file (``data/README.md``, "Infrastructure files") is
checked row by row, and each feature against the border it is imported
for (:func:`~borderwatch.importers.infrastructure.near_border`). As with
``import`` of incidents, the features that pass are stored and every
rejected row is listed ("feature N, column C: reason"); ``--strict``
refuses the whole file when any row is rejected, and a file of which no
feature passes is refused (exit status 2, nothing stored). Like the other
commands that change the store, it runs as the store's local user: against
PostGIS the privileges of the database role in the URL decide.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import pandas as pd
from shapely.geometry.base import BaseGeometry

from borderwatch import config
from borderwatch.borders import find_border
from borderwatch.errors import FileRejectedError, counted, quoted
from borderwatch.importers.infrastructure import InfrastructureParse, load_preset, near_border, read_infrastructure
from borderwatch.infrastructure import PRESET_LAYER, is_line, preset_path
from borderwatch.listings import aligned, records
from borderwatch.store import Actor, IncidentStore, InfrastructureReport, file_sha256
from borderwatch.store.infrastructure import LAYER_COLUMNS

#: The command's line in ``borderwatch --help``.
INFRASTRUCTURE_SUMMARY: Final[str] = "import, list and remove a border's fences, walls, crossings, posts and sensors"
#: What ``infrastructure --help`` says of it.
INFRASTRUCTURE_DESCRIPTION: Final[str] = (
    "A border's infrastructure, kept in the store by layer: one layer per imported\n"
    "file (GeoJSON, GeoPackage, KML, zipped shapefile or GeoParquet; columns in\n"
    "data/README.md, \"Infrastructure files\"), named after the file unless --layer\n"
    "names it. Importing a layer of the same name again replaces it whole. Every\n"
    f"row is checked, and every feature must lie within {config.INFRASTRUCTURE_MAX_BORDER_KM:g} km of the border;\n"
    "the features that pass are stored and each rejected row is listed as\n"
    "\"feature N, column C: reason\". The map draws a border's bundled preset (if it\n"
    "has one) with its stored layers; a stored feature with a preset feature's id\n"
    "replaces it. Every import and removal is recorded in the audit trail."
)
#: Its examples, with ``{prog}`` for the program's name.
INFRASTRUCTURE_EPILOG: Final[str] = (
    "examples:\n  {prog} infrastructure import fences.geojson --border TUN-LBY\n"
    "  {prog} infrastructure import survey.zip --border DZA-TUN --layer survey-2024 --strict\n"
    "  {prog} infrastructure list --border LBY-TUN\n"
    "  {prog} infrastructure remove --border LBY-TUN --layer survey-2024\n"
    "exit codes: 0 done (rejected rows included), 2 refused: nothing stored."
)
#: How ``list`` names who made a bundled preset.
BUNDLED_BY: Final[str] = "bundled"


def add_infrastructure_arguments(parser: argparse.ArgumentParser, store_options: argparse.ArgumentParser) -> None:
    """Give the ``infrastructure`` command its sub-commands ``import``, ``list`` and ``remove``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``infrastructure`` command's parser.
    store_options : argparse.ArgumentParser
        The options that name the store (``--data-dir``, ``--database-url``), accepted after each sub-command too.
    """
    commands = parser.add_subparsers(title="commands", metavar="INFRASTRUCTURE_COMMAND", dest="infrastructure_command",
                                     required=True)
    border_help = "the land border: two ISO 3166-1 alpha-3 codes in either order, e.g. TUN-LBY"
    importing = commands.add_parser("import", help="import a file as one layer of a border's infrastructure",
                                    parents=[store_options])
    importing.add_argument("path", metavar="FILE", help="GeoJSON, GeoPackage, KML or zipped shapefile")
    importing.add_argument("--border", metavar="CODE-CODE", required=True, help=border_help)
    importing.add_argument("--layer", metavar="NAME",
                           help="the layer to store into, replacing one of that name (default: the file's name "
                                "without its extension)")
    importing.add_argument("--strict", action="store_true", help="refuse the whole file if any row is rejected")
    importing.add_argument("--json", action="store_true",
                           help="print the report as one JSON object: file, border, layer, rows_read, accepted, "
                                "rejected, features, added, updated, unchanged, removed, rejections "
                                "[{row, column, reason}]")
    listing = commands.add_parser("list", help="list the stored layers, and the bundled presets",
                                  parents=[store_options])
    listing.add_argument("--border", metavar="CODE-CODE", help=f"only this border's ({border_help})")
    listing.add_argument("--json", action="store_true",
                         help="print a JSON list of objects: border, layer, source (bundled or stored), features, "
                              "lines, points, file_name, file_hash, imported_at, imported_by")
    removing = commands.add_parser("remove", help="remove one stored layer", parents=[store_options])
    removing.add_argument("--border", metavar="CODE-CODE", required=True, help=border_help)
    removing.add_argument("--layer", metavar="NAME", required=True, help="the layer's name, as `list` lists it")


def run_infrastructure(args: argparse.Namespace, open_store: Callable[[], IncidentStore], actor: Actor) -> int:
    """Run the ``infrastructure`` sub-command of ``args`` as ``actor``, print what it did; return the exit status 0.

    Parameters
    ----------
    args : argparse.Namespace
    open_store : callable
        Opens the store the options name; called once the border and the file are checked.
    actor : Actor

    Raises
    ------
    BorderLookupError
        ``--border`` names no land border (before anything is read or written).
    FileRejectedError
        The file is refused whole, or ``--strict`` met a rejected row, or no feature passed: nothing stored.
    UnknownLayerError, DatasetNameError, DatasetConflictError
        As the store raises them.
    """
    if args.infrastructure_command == "list":
        key = None if args.border is None else find_border(args.border).key
        with open_store() as store:
            stored = store.infrastructure_layers(key)
        _print_layers(layer_listing(stored, key), as_json=args.json)
        return 0
    border = find_border(args.border)
    if args.infrastructure_command == "import":
        return _import(args, border.key, border.geometry, open_store, actor)
    with open_store() as store:
        removed = store.remove_infrastructure(border.key, args.layer, actor=actor)
    print(f"removed layer {quoted(args.layer.strip())} of {border.key}: {counted(removed, 'feature')}")
    return 0


def _import(args: argparse.Namespace, key: str, line: BaseGeometry, open_store: Callable[[], IncidentStore],
            actor: Actor) -> int:
    """Read, check and store the file of ``args`` as a layer of border ``key`` (whose line is ``line``)."""
    path = Path(args.path)
    if not path.is_file():
        raise FileRejectedError(f"{path}: file not found")
    layer = args.layer if args.layer is not None else path.stem
    parsed = near_border(read_infrastructure(path), line)
    if not parsed.features or (args.strict and parsed.rejections):
        _print_report(path.name, parsed, None, as_json=args.json)
        why = "--strict: the file has rejected rows" if parsed.features else "no feature passed the checks"
        raise FileRejectedError(f"{path.name}: {why} ({counted(len(_rejected_rows(parsed)), 'row')} rejected); "
                                "nothing was stored")
    with open_store() as store:
        report = store.import_infrastructure(key, parsed.features, layer=layer, file_name=path.name,
                                             file_hash=file_sha256(path), actor=actor)
    _print_report(path.name, parsed, report, as_json=args.json)
    return 0


def _rejected_rows(parsed: InfrastructureParse) -> set[int]:
    return {item.row for item in parsed.rejections}


def _print_report(file_name: str, parsed: InfrastructureParse, report: InfrastructureReport | None, *,
                  as_json: bool) -> None:
    """Print what was read, stored and rejected (``report`` None: nothing was stored)."""
    accepted = len(parsed.features)
    rejected = len(_rejected_rows(parsed))
    if as_json:
        stored = report.to_dict() if report is not None else {}
        print(json.dumps({"file": file_name, **stored, "rows_read": parsed.rows_read, "accepted": accepted,
                          "rejected": rejected,
                          "rejections": [{"row": item.row, "column": item.column, "reason": item.reason}
                                         for item in parsed.rejections]}, ensure_ascii=False))
        return
    lines = [f"{file_name}: infrastructure " + (
        f"layer {quoted(report.layer)} of {report.border}" if report is not None else "(nothing stored)"),
        f"rows read {parsed.rows_read:,}: {counted(accepted, 'feature')} accepted — "
        f"{counted(rejected, 'row')} rejected"]
    if report is not None:
        lines.append(f"added {report.added:,}, updated {report.updated:,}, unchanged {report.unchanged:,}, "
                     f"removed {report.removed:,}")
    if parsed.note:
        lines.append(f"note: {parsed.note}")
    if parsed.rejections:
        lines.append("rejections:")
        lines += [f"  feature {item.row}, column {item.column}: {item.reason}" for item in parsed.rejections]
    print("\n".join(lines))


def layer_listing(stored: pd.DataFrame, border: str | None) -> list[dict[str, Any]]:
    """The stored layers and the bundled presets of ``border`` (all borders when None), by border and layer.

    Parameters
    ----------
    stored : pandas.DataFrame
        The store's ``infrastructure_layers()``.
    border : str or None
        A border's key.

    Returns
    -------
    list of dict
        :data:`~borderwatch.store.infrastructure.LAYER_COLUMNS` and ``source``
        (``bundled`` or ``stored``); a preset has no import time, and
        :data:`BUNDLED_BY` as its maker.
    """
    listed = [{**row, "source": "stored"} for row in records(stored, "imported_at")]
    paths = [preset_path(border)] if border is not None else sorted(config.INFRASTRUCTURE_DIR.glob("*.geojson"))
    for path in paths:
        if not path.is_file():
            continue
        features = load_preset(path.stem)
        lines = sum(is_line(feature) for feature in features)
        listed.append({"border": path.stem, "layer": PRESET_LAYER, "features": len(features), "lines": lines,
                       "points": len(features) - lines, "file_name": path.name, "file_hash": file_sha256(path),
                       "imported_at": None, "imported_by": BUNDLED_BY, "source": "bundled"})
    order = ("border", "layer", "source", *LAYER_COLUMNS[2:])
    return [{column: row[column] for column in order}
            for row in sorted(listed, key=lambda row: (row["border"], row["source"] != "bundled", row["layer"]))]


def _print_layers(listed: list[dict[str, Any]], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(listed, ensure_ascii=False))
        return
    if not listed:
        print("no infrastructure is stored or bundled for that border")
        return
    header = ("border", "layer", "source", "file", "sha256", "imported (UTC)", "by", "features", "lines", "points")
    rows = [(row["border"], " ".join(str(row["layer"]).split()), row["source"], " ".join(str(row["file_name"]).split()),
             str(row["file_hash"])[:12],
             "" if row["imported_at"] is None else pd.Timestamp(row["imported_at"]).strftime("%Y-%m-%d %H:%M"),
             " ".join(str(row["imported_by"]).split()),
             *(f"{int(row[column]):,}" for column in ("features", "lines", "points"))) for row in listed]
    print(aligned(header, rows, 7))
