"""Leaflet, jQuery and Leaflet.heat come from installed packages, copied to the static folder."""

from __future__ import annotations

from pathlib import Path

import folium

from borderwatch.assets import VENDOR_PACKAGES, asset_urls, install_vendor_assets


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


def test_urls_follow_the_base_path_and_load_leaflet_first():
    scripts, styles = asset_urls("/borderwatch/app/static/")
    assert scripts[0][1] == "/borderwatch/app/static/vendor/leaflet/leaflet.js"
    assert [url for _, url in scripts[1:]] == [
        "/borderwatch/app/static/vendor/jquery/jquery.min.js",
        "/borderwatch/app/static/vendor/leaflet_markercluster/leaflet.markercluster.js",
        "/borderwatch/app/static/vendor/leaflet_heat/leaflet_heat.min.js",
    ]
    assert [url for _, url in styles] == [
        "/borderwatch/app/static/vendor/leaflet/leaflet.css",
        "/borderwatch/app/static/vendor/leaflet_markercluster/MarkerCluster.css",
        "/borderwatch/app/static/vendor/leaflet_markercluster/MarkerCluster.Default.css",
    ]


def test_leaflet_heat_is_copied_from_inside_folium_with_its_version(tmp_path):
    vendor = install_vendor_assets(tmp_path)
    shipped = Path(folium.__file__).parent / "templates" / "leaflet_heat.min.js"
    copy = vendor / "leaflet_heat" / "leaflet_heat.min.js"
    assert copy.read_bytes() == shipped.read_bytes()
    assert "L.heatLayer" in copy.read_text(encoding="utf-8")
    (heat,) = [package for package in VENDOR_PACKAGES if package.name == "leaflet_heat"]
    assert heat.version == folium.__version__


def test_leaflet_heat_loads_after_leaflet_from_the_static_folder():
    scripts, _ = asset_urls("/app/static")
    names = [name for name, _ in scripts]
    assert ("leaflet_heat_leaflet_heat.min.js", "/app/static/vendor/leaflet_heat/leaflet_heat.min.js") in scripts
    assert names.index("leaflet_heat_leaflet_heat.min.js") > names.index("leaflet_leaflet.js")
