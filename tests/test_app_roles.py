"""Roles without sign-in, through AppTest: the local analyst may do all, anonymous visitors only read."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from ui.access import serving_mode

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
TIMEOUT = 60


@pytest.fixture
def served_on(tmp_path, monkeypatch):
    """Open the Import data page as if the server listened on ``address``."""
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path / "store"))

    def open_import_page(address: str, allow_anonymous: bool) -> AppTest:
        if allow_anonymous:
            monkeypatch.setenv("BORDERWATCH_ALLOW_ANONYMOUS", "1")
        else:
            monkeypatch.delenv("BORDERWATCH_ALLOW_ANONYMOUS", raising=False)
        serving_mode.clear()
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        previous = st_config.get_option("server.address")
        st_config.set_option("server.address", address)
        try:
            at.run()
            at.switch_page("app_pages/import_data.py").run()
        finally:
            st_config.set_option("server.address", previous)
            serving_mode.clear()
        return at

    return open_import_page


def test_local_user_can_upload_and_remove(served_on):
    at = served_on("localhost", allow_anonymous=False)
    assert not at.exception
    assert len(at.get("file_uploader")) == 1
    assert [b.label for b in at.button] == ["Remove"]


def test_anonymous_visitor_sees_datasets_but_cannot_upload_or_remove(served_on):
    at = served_on("0.0.0.0", allow_anonymous=True)
    assert not at.exception
    assert at.get("file_uploader") == []
    assert [b.label for b in at.button] == []
    assert "importing needs an analyst" in at.info[0].value
    assert len(at.dataframe) == 1


def test_network_address_without_sign_in_shows_why_the_dashboard_refuses(served_on):
    at = served_on("0.0.0.0", allow_anonymous=False)
    assert not at.exception
    assert "no sign-in is configured" in at.error[0].value
    assert at.get("file_uploader") == []
