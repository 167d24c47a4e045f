"""Build ``data/infrastructure/LBY-TUN.geojson``: the Tunisia–Libya barrier and crossings as an infrastructure file.

Run by hand, from the repository root::

    python -m scripts.build_infrastructure

The app draws the barrier from ``data/barrier.geojson``, the crossings from
``data/places.csv`` and the status of both by date from ``data/timeline.csv``.
This script writes the same facts in the infrastructure format
(``data/README.md``, "Infrastructure files") that any border's files take,
so the bundled case is a preset of that format: nothing here is new, every
value is copied from those three files, and each feature says so in its
``provenance``. ``tests/test_infrastructure_preset.py`` rebuilds the file and
checks it against the app's own loaders.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from borderwatch import config, reference, timeline
from borderwatch.errors import ReferenceDataError
from borderwatch.infrastructure import COMPLETE, UNDER_CONSTRUCTION
from scripts.paths import REPO_ROOT

#: The border the preset belongs to, keyed as in ``data/borders.geojson``.
BORDER_KEY: Final[str] = "LBY-TUN"

#: The checkout's data folder, read and written (not the installed package's, which may be another checkout).
DATA_DIR: Final[Path] = REPO_ROOT / "data"

#: Columns every feature of the preset carries, in this order (empty where a row has nothing to say).
COLUMNS: Final[tuple[str, ...]] = (
    "id", "name", "kind", "built_from", "built_to", "status", "status_from", "status_to", "sources", "notes",
)

#: Kind of the barrier: a sand berm with a water-filled trench beside it, drawn as one line.
BARRIER_KIND: Final[str] = "berm"

#: Properties of ``barrier.geojson`` the preset keeps as they are (the popup's lengths and caveats).
BARRIER_KEPT: Final[tuple[str, ...]] = (
    "measured_length_km", "reported_length_km", "reported_length_miles", "planned_length_km",
    "other_reported_lengths", "announced", "completion_announced", "offset_km", "approximate", "derivation",
)


def _feature(cells: dict[str, object], geometry: dict[str, object]) -> dict[str, object]:
    properties = {column: cells.get(column, "") for column in COLUMNS}
    properties |= {key: value for key, value in cells.items() if key not in COLUMNS}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _day(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def barrier_features(barrier_path: Path, table: pd.DataFrame) -> list[dict[str, object]]:
    """The barrier as one feature: its line and lengths from ``barrier.geojson``, its dates from the timeline.

    The timeline's "under construction" period gives ``built_from`` and
    ``built_to``; "complete" must start on ``built_to`` (that is what the
    format's rule makes of it); any "planned" period stays a status period.
    """
    barrier = reference.load_barrier(barrier_path)
    # Plain Python values: GeoPandas hands numbers and flags over as NumPy scalars, which JSON cannot write.
    properties = {key: value.item() if isinstance(value, np.generic) else value
                  for key, value in barrier.drop(columns="geometry").iloc[0].to_dict().items()}
    rows = table[table["feature_id"] == "barrier"].to_dict("records")
    building = [row for row in rows if row["status"] == UNDER_CONSTRUCTION]
    complete = [row for row in rows if row["status"] == COMPLETE]
    if len(building) > 1 or len(complete) > 1:
        raise ReferenceDataError("timeline: the barrier has several construction or completion periods")
    built_from = building[0]["start"] if building else None
    built_to = building[0]["end"] if building else (complete[0]["start"] if complete else None)
    if complete and complete[0]["start"] != built_to:
        raise ReferenceDataError("timeline: the barrier's completion does not start when its construction ends")
    dated = [row for row in rows if row["status"] in (UNDER_CONSTRUCTION, COMPLETE)]
    cells: dict[str, object] = {
        "id": "barrier", "name": properties["name"], "kind": BARRIER_KIND,
        "built_from": _day(built_from), "built_to": _day(built_to),
        "sources": properties["sources"],
        "notes": " ".join(row["note"] for row in dated),
        **{key: properties[key] for key in BARRIER_KEPT},
        "dates_sources": " ; ".join(dict.fromkeys(row["source"] for row in dated)),
        "provenance": "scripts/build_infrastructure.py: line, lengths and sources from data/barrier.geojson; "
                      "built_from and built_to from data/timeline.csv",
    }
    geometry = barrier.geometry.iloc[0].__geo_interface__
    periods = [row for row in rows if row["status"] not in (UNDER_CONSTRUCTION, COMPLETE)]
    return [_feature(cells, geometry)] + [_feature(cells | _period_cells(row), geometry) for row in periods]


def _period_cells(row: dict[str, object]) -> dict[str, object]:
    return {"status": row["status"], "status_from": _day(row["start"]), "status_to": _day(row["end"]),
            "sources": row["source"], "notes": row["note"]}


def crossing_features(places_path: Path, table: pd.DataFrame) -> list[dict[str, object]]:
    """Each crossing of ``places.csv``: one row for the crossing, then one per period the timeline gives it."""
    places = reference.load_places(places_path)
    features = []
    for place in places[places["kind"] == "crossing"].to_dict("records"):
        cells: dict[str, object] = {
            "id": place["id"], "name": place["name"], "kind": "crossing",
            "sources": place["source"], "notes": place["note"], "country": place["country"], "iso3": place["iso3"],
            "provenance": "scripts/build_infrastructure.py: position, name and sources from data/places.csv; "
                          "status periods from data/timeline.csv",
        }
        geometry = {"type": "Point", "coordinates": [float(place["longitude"]), float(place["latitude"])]}
        features.append(_feature(cells, geometry))
        periods = table[table["feature_id"] == place["id"]].sort_values("start").to_dict("records")
        features += [_feature(cells | _period_cells(row), geometry) for row in periods]
    return features


def write_features(features: Sequence[dict[str, object]], path: Path) -> None:
    """Write GeoJSON (RFC 7946, EPSG:4326), one feature per line so that diffs stay readable."""
    lines = [json.dumps(feature, ensure_ascii=False, separators=(",", ":")) for feature in features]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '{"type":"FeatureCollection","name":"' + BORDER_KEY + '","features":[\n' + ",\n".join(lines) + "\n]}\n",
        encoding="utf-8",
    )


def build(out_path: Path, data_dir: Path = DATA_DIR) -> None:
    """Write the preset from the bundled barrier, places and timeline of ``data_dir``."""
    table = timeline.load_timeline(data_dir / config.TIMELINE_PATH.name)
    features = barrier_features(data_dir / config.BARRIER_PATH.name, table)
    features += crossing_features(data_dir / config.PLACES_PATH.name, table)
    write_features(features, out_path)
    ids = dict.fromkeys(str(feature["properties"]["id"]) for feature in features)  # type: ignore[index]
    print(f"{len(features)} rows, {len(ids)} features ({', '.join(ids)}) -> {out_path}")


def main() -> None:
    """Parse the command line and run the build."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR / config.INFRASTRUCTURE_DIR.name / f"{BORDER_KEY}.geojson",
                        help="file to write (default: data/infrastructure/LBY-TUN.geojson)")
    args = parser.parse_args()
    build(args.out)


if __name__ == "__main__":
    main()
