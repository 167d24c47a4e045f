"""Damaged stores, unusable data folders and hostile dataset names (issue 11, items 7 and 8)."""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch.bordermeasures import measure_border
from borderwatch.cli import main
from borderwatch.errors import DatasetNameError, StoreDamagedError, StoreUnavailableError
from borderwatch.filters import IncidentQuery
from borderwatch.store import DATABASE_FILE, open_store
from tests.factories import TESTER
from tests.hostile import acled_rows, damage, frame_of

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
ERROR = "borderwatch: error: "
BUNDLED = 30


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def damaged(tmp_path, capsys) -> Path:
    """A store of the bundled incidents and 3,000 imported ones, with 64 KB overwritten in its middle."""
    data = tmp_path / "data"
    rows = [{"event_id_cnty": f"TUN{index}", "notes": f"Row {index}. " + "x" * 400} for index in range(3_000)]
    assert main(["--data-dir", str(data), "import", str(acled_rows(tmp_path, *rows))]) == 0
    capsys.readouterr()
    damage(data / DATABASE_FILE)
    return data


def test_nothing_is_imported_into_a_damaged_store(damaged, tmp_path, capsys):
    before = (damaged / DATABASE_FILE).read_bytes()
    path = acled_rows(tmp_path, {"event_id_cnty": "NEW1"}, name="new.csv")
    code, out, err = _cli(capsys, "--data-dir", str(damaged), "import", str(path), "--dataset", "new")
    assert (code, out) == (2, "")
    assert err.startswith(f"{ERROR}{damaged / DATABASE_FILE}: the store file is damaged (")
    assert "Restore it from a backup; or save what can still be read with" in err
    assert (damaged / DATABASE_FILE).read_bytes() == before


def test_a_damaged_store_is_reported_not_counted(damaged, capsys):
    code, out, err = _cli(capsys, "--data-dir", str(damaged), "datasets")
    assert (code, out) == (2, "")
    assert "the store file is damaged" in err


def test_what_a_damaged_store_still_holds_can_be_exported(damaged, tmp_path, capsys):
    output = tmp_path / "rescued.csv"
    code, out, err = _cli(capsys, "--data-dir", str(damaged), "export", "--dataset", "bundled", "-o", str(output))
    assert code == 0 and out.startswith(f"wrote {BUNDLED} incidents to")
    assert err.startswith("warning: ") and "the store file is damaged" in err
    assert len(frame_of(output)) == BUNDLED


def test_a_write_checks_the_store_first(damaged):
    # Opened to read what can be read, the store still refuses every write.
    with open_store(damaged / DATABASE_FILE, allow_damaged=True) as store:
        with pytest.raises(StoreDamagedError, match="the store file is damaged"):
            store.remove_dataset("bundled", actor=TESTER)
        with pytest.raises(StoreDamagedError):
            store.reseed_bundled(actor=TESTER)


def test_every_page_says_the_store_is_damaged_and_what_to_do(damaged, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(damaged))
    at = AppTest.from_file(APP, default_timeout=60).run()
    for page in ("map", "import_data"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, at.exception
        assert "the store file is damaged" in at.code[0].value and "Restore it from a backup" in at.code[0].value


def test_a_folder_that_cannot_be_made_is_named(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    folder = blocker / "store"
    code, out, err = _cli(capsys, "--data-dir", str(folder), "datasets")
    assert (code, out) == (2, "")
    assert err.startswith(f"{ERROR}{folder}: the folder of the store is missing and cannot be made")


def test_the_app_names_a_folder_that_cannot_be_made(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(blocker / "store"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.code[0].value.startswith(f"{blocker / 'store'}: the folder of the store is missing and cannot be made")


def _unprivileged(function: Callable[[], object]) -> object:
    """Run ``function`` as a user without root's right to write anywhere (in a child, when root)."""
    if os.geteuid() != 0:
        return function()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child process
        try:
            os.setegid(65534)
            os.seteuid(65534)
            result = ("returned", function())
        except BaseException as error:  # noqa: BLE001 - every outcome goes back to the parent
            result = ("raised", type(error).__name__, str(error))
        os.write(write, pickle.dumps(result))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as stream:
        result = pickle.loads(stream.read())
    os.waitpid(child, 0)
    return result


def test_a_read_only_folder_is_named():
    folder = Path(tempfile.mkdtemp(prefix="borderwatch-readonly-"))
    try:
        open_store(folder / DATABASE_FILE).close()
        for path in folder.iterdir():
            path.chmod(0o444)
        folder.chmod(0o555)

        def open_it() -> object:
            try:
                open_store(folder / DATABASE_FILE).close()
            except StoreUnavailableError as error:
                return ("raised", "StoreUnavailableError", str(error))
            return "opened"

        outcome = _unprivileged(open_it)
        if outcome[0] == "returned":
            outcome = outcome[1]
        assert outcome[:2] == ("raised", "StoreUnavailableError")
        assert outcome[2].startswith(f"{folder}: the folder of the store is read-only")
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


@pytest.mark.parametrize(("name", "problem"), [
    ("two\nlines", "holds a line break or another control character"),
    ("x" * 100_000, "is 100,000 characters long (at most 60)"),
    ("evil\u202egnp.exe", "holds a bidirectional-override character"),
])
def test_the_cli_refuses_a_dataset_name_no_page_could_show(tmp_path, capsys, name, problem):
    path = acled_rows(tmp_path, {"event_id_cnty": "TUN1"})
    code, out, err = _cli(capsys, "--data-dir", str(tmp_path / "data"), "import", str(path), "--dataset", name)
    assert (code, out) == (2, "")
    assert err.startswith(f"{ERROR}the dataset name ") and problem in err and len(err) < 400
    with open_store(tmp_path / "data" / DATABASE_FILE) as store:
        assert list(store.datasets()["name"]) == ["bundled"]
        assert len(store.query(IncidentQuery())) == BUNDLED


def test_the_store_refuses_a_dataset_name_whatever_calls_it(tmp_path):
    with open_store(tmp_path / DATABASE_FILE) as store, pytest.raises(DatasetNameError):
        store.import_chunks([], dataset="a\r\nb", format="acled", file_name="x.csv", file_hash="0" * 64, actor=TESTER)


def test_a_damaged_store_is_exported_against_another_border_without_being_written(damaged, tmp_path, capsys):
    before = (damaged / DATABASE_FILE).read_bytes()
    output = tmp_path / "rescued.csv"
    code, out, err = _cli(capsys, "--data-dir", str(damaged), "export", "--dataset", "bundled", "--border",
                          "DZA-TUN", "-o", str(output))
    assert code == 0 and out.startswith(f"wrote {BUNDLED} incidents to")
    assert "the Algeria–Tunisia measures are taken for this export only" in err
    rows = frame_of(output)
    expected = measure_border(rows["latitude"], rows["longitude"], "DZA-TUN")
    exported_km = rows["distance_border_km"].astype(float).to_numpy()
    assert exported_km == pytest.approx(expected["distance_border_km"].to_numpy())
    assert (damaged / DATABASE_FILE).read_bytes() == before
