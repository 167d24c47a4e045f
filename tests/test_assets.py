"""Leaflet and jQuery come from installed packages, copied to the static folder."""

from __future__ import annotations

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
    ]
    assert [url for _, url in styles] == [
        "/borderwatch/app/static/vendor/leaflet/leaflet.css",
        "/borderwatch/app/static/vendor/leaflet_markercluster/MarkerCluster.css",
        "/borderwatch/app/static/vendor/leaflet_markercluster/MarkerCluster.Default.css",
    ]
