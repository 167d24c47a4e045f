"""Leaflet, jQuery and Leaflet.heat come from installed packages, served from there (copied only for a saved map)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import folium
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from borderwatch.errors import OfflineAssetError
from layers import assets
from layers.assets import VENDOR_PACKAGES, _content_version, asset_urls, install_vendor_assets, publish_json
from ui.assetroutes import asset_routes, assets_url


def test_install_copies_scripts_styles_and_images(tmp_path):
    vendor = install_vendor_assets(tmp_path)
    assert (vendor / "leaflet" / "leaflet.js").stat().st_size > 100_000
    assert (vendor / "leaflet" / "leaflet.css").is_file()
    assert (vendor / "leaflet" / "images" / "layers.png").is_file()
    assert (vendor / "jquery" / "jquery.min.js").read_text(encoding="utf-8").startswith("/*! jQuery v3")


def test_install_is_idempotent_and_repairs_a_changed_copy(tmp_path):
    vendor = install_vendor_assets(tmp_path)
    copy = vendor / "leaflet" / "leaflet.js"
    copy.write_text("broken", encoding="utf-8")
    install_vendor_assets(tmp_path)
    assert copy.read_bytes() == (VENDOR_PACKAGES[0].base_dir / "leaflet.js").read_bytes()


def _paths(urls: list[tuple[str, str]]) -> list[str]:
    return [urlsplit(url).path for _, url in urls]


def test_urls_follow_the_base_path_and_load_leaflet_first():
    scripts, styles = asset_urls("/borderwatch/_assets/")
    root = "/borderwatch/_assets/vendor"
    assert _paths(scripts) == [
        f"{root}/leaflet/leaflet.js",
        f"{root}/jquery/jquery.min.js",
        f"{root}/leaflet_markercluster/leaflet.markercluster.js",
        f"{root}/leaflet_heat/leaflet_heat.min.js",
        *(f"{root}/borderwatch/{name}" for name in ("map.js", "labels.js", "sites.js", "precision.js", "focus.js",
                                                               "features.js")),
    ]
    assert _paths(styles) == [
        f"{root}/leaflet/leaflet.css",
        f"{root}/leaflet_markercluster/MarkerCluster.css",
        f"{root}/borderwatch/borderwatch.css",
    ]


def test_each_url_names_the_version_of_its_file_so_a_browser_never_keeps_a_stale_copy(tmp_path):
    scripts, _ = asset_urls("/_assets")
    versions = {name: parse_qs(urlsplit(url).query)["v"][0] for name, url in scripts}
    assert versions["leaflet_leaflet.js"] == VENDOR_PACKAGES[0].version
    own = versions["borderwatch_sites.js"]
    (package,) = [package for package in VENDOR_PACKAGES if package.name == "borderwatch"]
    changed = tmp_path / "web"
    shutil.copytree(package.base_dir, changed)
    (changed / "sites.js").write_text("/* changed */", encoding="utf-8")
    assert _content_version(changed, package.scripts + package.styles) != own


def test_leaflet_heat_is_copied_from_inside_folium_with_its_version(tmp_path):
    vendor = install_vendor_assets(tmp_path)
    shipped = Path(folium.__file__).parent / "templates" / "leaflet_heat.min.js"
    copy = vendor / "leaflet_heat" / "leaflet_heat.min.js"
    assert copy.read_bytes() == shipped.read_bytes()
    assert "L.heatLayer" in copy.read_text(encoding="utf-8")
    (heat,) = [package for package in VENDOR_PACKAGES if package.name == "leaflet_heat"]
    assert heat.version == folium.__version__


def test_leaflet_heat_loads_after_leaflet_from_the_assets_url():
    scripts, _ = asset_urls("/_assets")
    names = [name for name, _ in scripts]
    assert "/_assets/vendor/leaflet_heat/leaflet_heat.min.js" in _paths(scripts)
    assert names.index("leaflet_heat_leaflet_heat.min.js") > names.index("leaflet_leaflet.js")


# --- served by the launcher's routes -------------------------------------------


def _client(cache_dir: Path, base_url_path: str = "") -> TestClient:
    return TestClient(Starlette(routes=asset_routes(base_url_path, cache_dir)))


def test_the_assets_url_follows_the_base_path():
    assert assets_url("") == "/_assets"
    assert assets_url("/borderwatch/") == "/borderwatch/_assets"


def test_every_url_the_map_loads_is_served_from_the_installed_package(tmp_path):
    client = _client(tmp_path, "borderwatch")
    scripts, styles = asset_urls(assets_url("borderwatch"))
    for _, url in scripts + styles:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["x-content-type-options"] == "nosniff"
    leaflet = client.get(scripts[0][1])
    assert leaflet.content == (VENDOR_PACKAGES[0].base_dir / "leaflet.js").read_bytes()
    assert "javascript" in leaflet.headers["content-type"]
    assert client.get(styles[0][1]).headers["content-type"].startswith("text/css")
    # leaflet.css draws the layer control with url(images/layers.png), relative to itself.
    assert client.get("/borderwatch/_assets/vendor/leaflet/images/layers.png").headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    "path",
    [
        "/_assets/vendor/leaflet/leaflet-src.js",  # in the package, but not a file the map loads
        "/_assets/vendor/nothing/here.js",
        "/_assets/vendor/leaflet/leaflet.js.map",
        "/_assets/data/basemap-0123.geojson",
        "/_assets/data/.hidden.geojson",
        "/_assets/data/notes.txt",
    ],
)
def test_nothing_else_is_served(tmp_path, path):
    (tmp_path / "data").mkdir()
    for name in (".hidden.geojson", "notes.txt"):
        (tmp_path / "data" / name).write_text("{}", encoding="utf-8")
    response = _client(tmp_path).get(path)
    assert response.status_code == 404
    assert response.headers["x-content-type-options"] == "nosniff"


def test_published_data_is_served_from_the_cache_folder(tmp_path):
    relative = publish_json(tmp_path, "basemap", {"type": "FeatureCollection", "features": []})
    assert (tmp_path / relative).is_file()
    response = _client(tmp_path).get(f"/_assets/{relative}")
    assert response.status_code == 200
    assert response.json() == {"type": "FeatureCollection", "features": []}
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_every_missing_package_file_is_named_at_once(tmp_path, monkeypatch):
    broken = tuple(
        assets.VendorPackage(name=name, base_dir=tmp_path / name, version="0", scripts=(f"{name}.js",), styles=())
        for name in ("first", "second")
    )
    monkeypatch.setattr(assets, "VENDOR_PACKAGES", broken)
    with pytest.raises(OfflineAssetError) as raised:
        asset_routes("", tmp_path)
    assert "first.js" in str(raised.value) and "second.js" in str(raised.value)
