"""Leaflet, jQuery and Leaflet.heat come from installed packages, copied to the static folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import folium

from borderwatch.assets import VENDOR_PACKAGES, _content_version, asset_urls, install_vendor_assets


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
    scripts, styles = asset_urls("/borderwatch/app/static/")
    root = "/borderwatch/app/static/vendor"
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
    scripts, _ = asset_urls("/app/static")
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


def test_leaflet_heat_loads_after_leaflet_from_the_static_folder():
    scripts, _ = asset_urls("/app/static")
    names = [name for name, _ in scripts]
    assert "/app/static/vendor/leaflet_heat/leaflet_heat.min.js" in _paths(scripts)
    assert names.index("leaflet_heat_leaflet_heat.min.js") > names.index("leaflet_leaflet.js")
