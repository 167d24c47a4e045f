"""A border's barriers and crossings on the Import data page: listed, checked, stored as a layer, removed."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from borderwatch.bordermeasures import measure_border
from borderwatch.cli import main
from tests.test_bordermeasures import fence_beside
from tests.test_layers import HOSTILE as MARKUP

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path / "store"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["border"] = "MAR-DZA"
    at.run()
    at.switch_page("app_pages/import_data.py").run()
    assert not at.exception, at.exception
    return at


def fence_file(folder: Path, name: str = "fences.geojson", far: bool = False) -> Path:
    """A fence along Algeria–Morocco, a crossing on it with a hostile name, and (``far``) a post in Spain."""
    fence = fence_beside("DZA-MAR", 2.0)
    rows = [
        {"feature_id": "fence-1", "name": "Moroccan fence", "kind": "fence", "built_from": "2014-06-01",
         "built_to": "2015-03-01", "sources": "Test file", "geometry": fence},
        {"feature_id": "x-1", "name": MARKUP, "kind": "border crossing", "built_from": "", "built_to": "",
         "sources": "Test file", "geometry": fence.interpolate(0.2, normalized=True)},
    ]
    if far:
        rows.append({"feature_id": "far", "name": "Madrid", "kind": "post", "built_from": "", "built_to": "",
                     "sources": "Test file", "geometry": shapely.Point(-3.70, 40.42)})
    path = folder / name
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(path, driver="GeoJSON")
    return path


def _upload(at: AppTest, path: Path) -> AppTest:
    # The incidents' uploader comes first on the page.
    at.file_uploader[1].set_value((path.name, path.read_bytes(), "application/geo+json"))
    return at.run()


def _layers(at: AppTest):
    return next(frame.value for frame in at.dataframe if "Barriers (lines)" in frame.value.columns)


def test_tunisia_libya_lists_its_bundled_barrier_and_crossings():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/import_data.py").run()
    assert at.header[1].value == "Barriers and crossings: Tunisia–Libya border"
    layers = _layers(at)
    assert layers.loc[0, "Layer"] == "preset (bundled)"
    assert (layers.loc[0, "Features"], layers.loc[0, "Barriers (lines)"], layers.loc[0, "Points"]) == (3, 1, 2)


def test_a_file_is_checked_against_the_border_then_stored_as_a_layer_of_it(app, tmp_path):
    assert any("No barriers or crossings are recorded for Algeria" in info.value for info in app.info)
    _upload(app, fence_file(tmp_path, far=True))
    assert not app.exception, app.exception
    assert app.subheader[0].value == "Accepted 2 features — rejected 1 feature row"
    reasons = next(frame.value for frame in app.dataframe if "First features" in frame.value.columns)
    assert reasons.loc[0, "Column"] == "geometry" and reasons.loc[0, "First features"] == "3"
    assert "from the border" in reasons.loc[0, "Example"]
    preview = next(frame.value for frame in app.dataframe if "Status periods" in frame.value.columns)
    assert preview["Name"].tolist() == ["Moroccan fence", MARKUP]  # kept as data, shown as text
    app.button(key="infrastructure-store").click().run()
    assert not app.exception, app.exception
    assert app.success[0].value == (
        "Stored layer “fences” of the Algeria–Morocco border: 2 added, 0 updated, 0 unchanged, 0 removed.")
    layers = _layers(app)
    assert layers["Layer"].tolist() == ["fences"]
    assert (layers.loc[0, "Features"], layers.loc[0, "Barriers (lines)"], layers.loc[0, "Points"]) == (2, 1, 1)
    assert layers.loc[0, "File"] == "fences.geojson"


def test_storing_a_layer_again_replaces_it_and_removal_is_confirmed(app, tmp_path):
    _upload(app, fence_file(tmp_path))
    app.button(key="infrastructure-store").click().run()
    smaller = gpd.read_file(fence_file(tmp_path)).head(1)
    path = tmp_path / "fences.geojson"
    smaller.to_file(path, driver="GeoJSON")
    _upload(app, path)
    app.button(key="infrastructure-store").click().run()
    assert "0 added, 0 updated, 1 unchanged, 1 removed." in app.success[0].value
    assert _layers(app).loc[0, "Features"] == 1
    app.selectbox(key="infrastructure-doomed").set_value("fences").run()
    assert app.button(key="infrastructure-remove").disabled
    app.checkbox(key="infrastructure-confirm").check().run()
    app.button(key="infrastructure-remove").click().run()
    assert "Removed layer “fences” and its 1 feature." in app.success[0].value
    assert any("No barriers or crossings are recorded for Algeria" in info.value for info in app.info)


def test_an_imported_fence_remeasures_the_incidents_and_adds_the_share_between_barrier_and_border(app, tmp_path):
    app.switch_page("app_pages/incidents.py").run()
    assert app.dataframe(key="incident_table").value["Km to barrier"].isna().all()
    app.switch_page("app_pages/analytics.py").run()
    assert "Between barrier and border" not in [metric.label for metric in app.metric]
    app.switch_page("app_pages/import_data.py").run()
    _upload(app, fence_file(tmp_path))
    app.button(key="infrastructure-store").click().run()
    app.switch_page("app_pages/incidents.py").run()
    assert not app.exception, app.exception
    rows = app.dataframe(key="incident_table").value
    # Every incident measured again, against the fence: hundreds of km away, farther than from the border.
    assert rows["Km to barrier"].notna().all() and (rows["Km to barrier"] > 300).all()
    app.switch_page("app_pages/analytics.py").run()
    assert "Between barrier and border" in [metric.label for metric in app.metric]


def test_the_planner_judges_incidents_near_a_barrier_that_runs_far_inside_the_border(tmp_path, monkeypatch):
    # A fence 30 km inside Tunisia along its border with Algeria (to the right of the line as it runs): the
    # three Kasserine incidents lie about 38 km from the border and 11 km from the fence.
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path / "store"))
    inside = fence_beside("DZA-TUN", -30.0, 0.0, 1.0)
    path = tmp_path / "fence.geojson"
    gpd.GeoDataFrame([{"feature_id": "west-fence", "name": "Fence", "kind": "fence", "sources": "Test",
                       "geometry": inside}], crs="EPSG:4326").to_file(path, driver="GeoJSON")
    assert main(["infrastructure", "import", str(path), "--border", "DZA-TUN"]) == 0
    coords = shapely.get_coordinates(inside)
    near = measure_border(*_bundled_latlon(), "DZA-TUN", barriers=[inside])
    expected = int((near["distance_barrier_km"] <= 15.0).sum())
    assert expected >= 3 and len(coords) > 2
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["border"] = "DZA-TUN"
    at.run()
    at.switch_page("app_pages/planner.py").run()
    at.radio(key="plan_line").set_value("barrier").run()
    at.number_input(key="plan_within").set_value(15.0).run()
    at.toggle(key="plan_centroids").set_value(True).run()
    assert not at.exception, at.exception
    judged = next(metric.value for metric in at.metric if metric.label == "Incidents covered")
    assert judged.endswith(f" of {expected}")


def _bundled_latlon():
    from borderwatch import config
    incidents = pd.read_csv(config.DATA_DIR / "incidents.csv")
    return incidents["latitude"], incidents["longitude"]


def test_another_file_offers_its_own_layer_name(app, tmp_path):
    _upload(app, fence_file(tmp_path, name="alpha.geojson"))
    assert [field.value for field in app.text_input if field.label == "Layer name"] == ["alpha"]
    _upload(app, fence_file(tmp_path, name="beta.geojson", far=True))
    assert [field.value for field in app.text_input if field.label == "Layer name"] == ["beta"]
