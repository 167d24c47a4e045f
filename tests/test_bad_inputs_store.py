"""Bad input never changes the store: each file or row refused with its message, nothing lost.

Every case runs the command line against a store that already holds the
bundled incidents and an earlier ACLED import, and compares everything the
store holds before and after.
"""

from __future__ import annotations

import json

import pytest

from tests.test_cli import ERROR_PREFIX, data, run, snapshot  # noqa: F401 - data is a fixture
from tests.test_importers import BAD_ACLED_ROWS, BAD_FILES, acled_file, write_bad_file


@pytest.fixture
def stocked(capsys, data, tmp_path):
    """A store with data in it: the bundled incidents and one ACLED import."""
    earlier = acled_file(tmp_path, {"event_id_cnty": "TUN500"}, {"event_id_cnty": "TUN501"}, name="earlier.csv")
    code, _, _ = run(capsys, "import", str(earlier))
    assert code == 0
    return data


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_refused_file_leaves_the_store_as_it_was(capsys, stocked, tmp_path, name, content, message):
    path = write_bad_file(tmp_path / name, content)
    before = snapshot(stocked)
    code, out, err = run(capsys, "import", str(path))
    assert code == 2
    assert out == ""
    assert err == f"{ERROR_PREFIX}{message}\n"
    assert snapshot(stocked) == before


@pytest.mark.parametrize(("values", "expected"), BAD_ACLED_ROWS, ids=[str(case[0]) for case in BAD_ACLED_ROWS])
def test_a_bad_row_is_reported_and_strict_mode_stores_nothing(capsys, stocked, tmp_path, values, expected):
    path = acled_file(tmp_path, {"event_id_cnty": "TUN0"}, values, name="bad-row.csv")
    before = snapshot(stocked)
    code, out, err = run(capsys, "import", str(path), "--strict", "--json")
    assert code == 2
    assert err.startswith(ERROR_PREFIX + "strict import refused: 1 row rejected")
    report = json.loads(out)
    assert [(r["row"], r["column"], r["reason"]) for r in report["rejections"]] == [
        (3, column, reason) for column, reason in expected
    ]
    assert snapshot(stocked) == before
