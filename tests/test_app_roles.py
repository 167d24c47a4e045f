"""Roles without sign-in, through AppTest: the local user may do all, anonymous visitors only read."""

from __future__ import annotations


def test_local_user_can_upload_remove_and_grant_roles(import_page):
    at = import_page("localhost", allow_anonymous=False)
    assert not at.exception
    assert [uploader.label for uploader in at.get("file_uploader")] == [
        "File to import (up to 200 MB)",
        "Infrastructure file (GeoJSON, GeoPackage, KML, zipped Shapefile, GeoParquet)",
    ]
    assert [b.label for b in at.button] == ["Remove", "Grant"]


def test_anonymous_visitor_sees_datasets_but_cannot_upload_or_remove(import_page):
    at = import_page("0.0.0.0", allow_anonymous=True)
    assert not at.exception
    assert at.get("file_uploader") == []
    assert [b.label for b in at.button] == []
    assert "importing needs an analyst" in at.info[0].value
    # The datasets, and the border's barriers and crossings: read only.
    assert [("Incidents now" in frame.value.columns, "Barriers (lines)" in frame.value.columns)
            for frame in at.dataframe] == [(True, False), (False, True)]


def test_network_address_without_sign_in_shows_why_the_dashboard_refuses(import_page):
    at = import_page("0.0.0.0", allow_anonymous=False)
    assert not at.exception
    assert "no sign-in is configured" in at.error[0].value
    assert at.get("file_uploader") == []
