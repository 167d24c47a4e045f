"""The store under real processes: a killed import, and two imports at once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from borderwatch.store import open_store
from tests.engines import sqlite_dump as dump
from tests.factories import TESTER

REPO_ROOT = Path(__file__).resolve().parent.parent


def start_worker(database: Path, dataset: str, chunks: int, chunk_size: int, delay: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store_worker", str(database), dataset, str(chunks), str(chunk_size), str(delay)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )


def finish(worker: subprocess.Popen) -> dict:
    stdout, stderr = worker.communicate(timeout=120)
    assert worker.returncode == 0, stderr
    return json.loads(stdout.strip().splitlines()[-1])


def test_a_killed_import_leaves_the_store_exactly_as_before(tmp_path):
    database = tmp_path / "store.sqlite"
    with open_store(database) as store:
        store.import_chunks([], dataset="earlier", format="acled", file_name="e.csv", file_hash="e" * 64, actor=TESTER)
    before = dump(database)
    worker = start_worker(database, "doomed", chunks=200, chunk_size=100, delay=0.02)
    # Wait until a good part is written inside the open transaction, then kill.
    for line in worker.stdout:
        if line.startswith("progress") and int(line.split()[1]) >= 2_000:
            break
    else:
        raise AssertionError(f"worker ended early: {worker.stderr.read()}")
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    assert dump(database) == before
    with open_store(database) as store:
        assert list(store.datasets()["name"]) == ["bundled", "earlier"]
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The store takes writes again: the killed writer's lock is gone.
        store.import_chunks([], dataset="after", format="acled", file_name="a.csv", file_hash="a" * 64, actor=TESTER)


def test_two_concurrent_imports_both_land_consistently(tmp_path):
    database = tmp_path / "store.sqlite"
    open_store(database).close()
    # Two datasets, plus the same data twice into a third: one adds, the other finds it there.
    workers = [
        start_worker(database, "a", chunks=10, chunk_size=200, delay=0.1),
        start_worker(database, "b", chunks=10, chunk_size=200, delay=0.1),
        start_worker(database, "c", chunks=5, chunk_size=200, delay=0.0),
        start_worker(database, "c", chunks=5, chunk_size=200, delay=0.0),
    ]
    reports = [finish(worker) for worker in workers]
    assert [report["added"] for report in reports[:2]] == [2_000, 2_000]
    assert sorted((report["added"], report["unchanged"]) for report in reports[2:]) == [(0, 1_000), (1_000, 0)]
    with open_store(database) as store:
        datasets = store.datasets().set_index("name")
        assert datasets.loc[["a", "b", "c"], "incidents"].tolist() == [2_000, 2_000, 1_000]
        assert store.count() == 30 + 5_000
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
