"""The same drawing renders the same script, so the map is not rebuilt by a rerun that changed nothing.

st_folium compares the script of all feature groups with the last one it
drew and, when it differs, removes and rebuilds every layer: open popups
close and fanned-out clusters fold. These tests render every layer the map
page can send twice, from fresh objects, and compare.
"""

from __future__ import annotations

import datetime as dt

import folium
import pytest
from streamlit_folium import _get_feature_group_string

from borderwatch import config, reference
from borderwatch.importers.infrastructure import load_preset
from layers.basemap import offline_map, tiles_layer
from layers.border import border_layer
from layers.focus import focus_layer
from layers.heatmap import heatmap_layer
from layers.incidents import cells_layer, incidents_layer
from layers.infrastructure import barriers_layer, points_layer
from layers.places import places_layer
from layers.precision import precision_layer
from layers.segments import segments_layer
from layers.sequences import sequences_layer
from layers.stable import freeze_names

_DAY = dt.date(2016, 3, 10)


@pytest.fixture(scope="module")
def data() -> dict:
    from tests.test_layers_corridor import _pairs, _segments, _summary

    segments = _segments()
    return {
        "incidents": reference.load_incidents(), "places": reference.load_places(),
        "border": reference.load_border(), "infrastructure": load_preset(config.DEFAULT_BORDER),
        "segments": segments, "summary": _summary(segments), "pairs": _pairs(),
    }


def _every_layer(data: dict) -> list[folium.FeatureGroup]:
    """Fresh objects for every layer the map page can send, as a rerun builds them."""
    incidents = data["incidents"]
    cells = incidents.groupby(["latitude", "longitude"], as_index=False).size().rename(columns={"size": "incidents"})
    cells = cells.assign(cell_x=range(len(cells)), cell_y=0, deaths=1)
    return [
        tiles_layer(),
        segments_layer(data["segments"], data["summary"]),
        barriers_layer(data["infrastructure"], _DAY),
        border_layer(data["border"]),
        heatmap_layer(incidents.loc[:, ["latitude", "longitude"]].assign(weight=1.0)),
        precision_layer(incidents),
        places_layer(data["places"], config.FEATURED_PLACE_ID),
        points_layer(data["infrastructure"], _DAY, _DAY - dt.timedelta(days=7)),
        sequences_layer(data["pairs"]),
        incidents_layer(incidents),
        cells_layer(cells),
        focus_layer({"token": "t", "lat": 33.1, "lon": 11.2, "zoom": 10.0, "incident": "x", "move": True}),
    ]


def _script(groups: list[folium.FeatureGroup]) -> str:
    fmap = offline_map([], [])
    return "".join(_get_feature_group_string(group, fmap, index) for index, group in enumerate(groups))


def test_every_layer_renders_the_same_script_on_every_rerun(data):
    first, second = _every_layer(data), _every_layer(data)
    freeze_names(first)
    freeze_names(second)
    assert _script(first) == _script(second)


def test_without_stable_names_a_popup_alone_would_change_the_script(data):
    # The cause this guards against: folium names a popup's content with a random id.
    assert _script([border_layer(data["border"])]) != _script([border_layer(data["border"])])
    first, second = [border_layer(data["border"])], [border_layer(data["border"])]
    freeze_names(first)
    freeze_names(second)
    assert _script(first) == _script(second)


def test_a_change_in_what_is_drawn_still_changes_the_script(data):
    groups = _every_layer(data)
    fewer = _every_layer({**data, "incidents": data["incidents"].iloc[1:]})
    freeze_names(groups)
    freeze_names(fewer)
    assert _script(groups) != _script(fewer)


def test_stable_names_never_match_text_from_data(data):
    # st_folium rewrites every "_<id>" it finds: an id must not be a short word data could hold.
    groups = [incidents_layer(data["incidents"])]
    freeze_names(groups)
    names = [group.get_name() for group in groups]
    assert all(len(name.rsplit("_", 1)[1]) >= 32 for name in names)
