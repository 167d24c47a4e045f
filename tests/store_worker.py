"""Parsed chunks built in code for the store tests, and an import run as its own process.

Run as ``python -m tests.store_worker DB DATASET CHUNKS CHUNK_SIZE [DELAY_S]``
(from the repository root): imports ``CHUNKS`` synthetic chunks into
``DATASET``, printing ``progress N`` after each chunk and the report as JSON
at the end. The kill and concurrency tests start it.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from borderwatch.importers.base import ParsedChunk, Rejection
from borderwatch.reference import validate_incident_table
from borderwatch.schema import INCIDENT_COLUMNS
from borderwatch.store import open_store
from tests.factories import TESTER, incident_row


def typed_incidents(
    rows: Sequence[dict[str, str]],
    *,
    timestamps: Sequence[int | None] | None = None,
    source_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Validate text rows as an importer would and add the importer's extra columns."""
    typed = validate_incident_table(pd.DataFrame(list(rows), columns=list(INCIDENT_COLUMNS)), "test")
    typed["source_id"] = list(source_ids) if source_ids is not None else typed["id"]
    typed["source_timestamp"] = pd.array(
        list(timestamps) if timestamps is not None else [None] * len(typed), dtype="Int64"
    )
    typed["original"] = [json.dumps(row, sort_keys=True) for row in rows]
    typed["row"] = range(2, len(typed) + 2)
    return typed


def chunk(
    *rows: dict[str, str],
    timestamps: Sequence[int | None] | None = None,
    rejections: Sequence[Rejection] = (),
) -> ParsedChunk:
    """One parsed chunk of the given text rows (ids double as source ids)."""
    incidents = typed_incidents(rows, timestamps=timestamps)
    return ParsedChunk(incidents=incidents, rejections=list(rejections), rows_read=len(rows) + len(rejections))


def synthetic_template(size: int) -> pd.DataFrame:
    """``size`` valid typed rows, spread over days and places, to be renumbered per chunk."""
    rows = [
        incident_row(
            id=f"row-{index}",
            event_date=f"20{10 + index % 10:02d}-{1 + index % 12:02d}-{1 + index % 28:02d}",
            latitude=f"{30 + (index % 997) * 0.007:.4f}",
            longitude=f"{9 + (index % 991) * 0.005:.4f}",
            deaths_low=index % 5,
            deaths_best=index % 5,
            deaths_high=index % 5 + 1,
            description=f"Synthetic incident number {index}.",
        )
        for index in range(size)
    ]
    return typed_incidents(rows, timestamps=[1_600_000_000] * size)


def synthetic_chunks(template: pd.DataFrame, count: int, prefix: str = "syn") -> Iterator[ParsedChunk]:
    """``count`` chunks shaped like ``template``, each with fresh ids."""
    size = len(template)
    for number in range(count):
        incidents = template.copy()
        ids = [f"{prefix}-{number * size + index}" for index in range(size)]
        incidents["id"] = ids
        incidents["source_id"] = ids
        yield ParsedChunk(incidents=incidents, rows_read=size)


def main(argv: list[str]) -> None:
    database, dataset, chunks, chunk_size = argv[0], argv[1], int(argv[2]), int(argv[3])
    delay = float(argv[4]) if len(argv) > 4 else 0.0
    template = synthetic_template(chunk_size)

    def paced() -> Iterator[ParsedChunk]:
        for item in synthetic_chunks(template, chunks):
            time.sleep(delay)
            yield item

    def progress(rows: int) -> None:
        print(f"progress {rows}", flush=True)

    with open_store(Path(database)) as store:
        report = store.import_chunks(
            paced(), dataset=dataset, format="acled", file_name="synthetic.csv",
            file_hash="0" * 64, progress=progress,
            actor=TESTER,
        )
    print(json.dumps(report.to_dict()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
