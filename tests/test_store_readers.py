"""The dashboard's reads do not wait for an import in progress."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from borderwatch.filters import IncidentQuery
from borderwatch.importers.base import ParsedChunk
from tests.factories import TESTER
from tests.store_worker import synthetic_chunks, synthetic_template


def test_reads_answer_while_an_import_holds_the_writer(engine):
    store = engine.open()
    started, release = threading.Event(), threading.Event()

    def slow_chunks() -> Iterator[ParsedChunk]:
        for number, chunk in enumerate(synthetic_chunks(synthetic_template(50), 2)):
            if number == 1:
                started.set()
                release.wait(10)  # the import is mid-transaction, holding the writer
            yield chunk

    importer = threading.Thread(
        target=store.import_chunks, args=(slow_chunks(),),
        kwargs={"dataset": "slow", "format": "acled", "file_name": "slow.csv", "file_hash": "x",
                "actor": TESTER},
    )
    importer.start()
    try:
        assert started.wait(10)
        before = time.perf_counter()
        # The committed state: the bundled incidents only, not half an import.
        assert store.count() == 30
        assert len(store.query(IncidentQuery())) == 30
        assert list(store.datasets()["name"]) == ["bundled"]
        assert time.perf_counter() - before < 2.0
    finally:
        release.set()
        importer.join(20)
    assert store.count() == 130
    store.close()
