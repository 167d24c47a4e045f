"""Browser assets of the map, served by the app itself, never from a CDN.

Leaflet, jQuery and Leaflet.markercluster come from the XStatic packages that ``requirements.txt``
installs, Leaflet.heat from the copy that ships inside folium (whose HeatMap
would fetch it from a CDN), BorderWatch's own scripts from ``layers/web``. The
app serves them straight from those folders (:func:`vendor_files`, see
``ui/assetroutes.py``), so neither the repository nor the checkout holds
third-party code; only a saved map needs them copied into one folder
(:func:`install_vendor_assets`). jQuery is needed because folium's popup code
calls ``$``: without it the ``st_folium`` frame stays empty.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import folium
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster

from borderwatch.errors import OfflineAssetError

#: BorderWatch's own browser code and styles, in this package's folder ``web``.
WEB_ASSETS_DIR = Path(__file__).resolve().parent / "web"

#: Folder of the packages' files under the assets URL (and in a folder of copies).
VENDOR_FOLDER = "vendor"


@dataclass(frozen=True)
class VendorPackage:
    """One installed package (XStatic or folium) and the files of it the map loads."""

    name: str
    base_dir: Path
    version: str
    scripts: tuple[str, ...]
    styles: tuple[str, ...]
    folders: tuple[str, ...] = ()


def _content_version(folder: Path, names: tuple[str, ...]) -> str:
    """A digest of the files, as the version of code that has no release number."""
    digest = hashlib.sha256()
    for name in names:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:12]


_OWN_SCRIPTS = ("map.js", "labels.js", "sites.js", "precision.js", "focus.js", "features.js")
_OWN_STYLES = ("borderwatch.css",)

VENDOR_PACKAGES: tuple[VendorPackage, ...] = (
    VendorPackage(
        name="leaflet",
        base_dir=Path(xstatic.pkg.leaflet.BASE_DIR),
        version=xstatic.pkg.leaflet.VERSION,
        scripts=("leaflet.js",),
        styles=("leaflet.css",),
        # leaflet.css points at images/ for the layer-control icon.
        folders=("images",),
    ),
    VendorPackage(
        name="jquery",
        base_dir=Path(xstatic.pkg.jquery.BASE_DIR),
        version=xstatic.pkg.jquery.VERSION,
        scripts=("jquery.min.js",),
        styles=(),
    ),
    VendorPackage(
        name="leaflet_markercluster",
        base_dir=Path(xstatic.pkg.leaflet_markercluster.BASE_DIR),
        version=xstatic.pkg.leaflet_markercluster.VERSION,
        scripts=("leaflet.markercluster.js",),
        # Only the animations: BorderWatch draws its own cluster icons.
        styles=("MarkerCluster.css",),
    ),
    VendorPackage(
        name="leaflet_heat",
        base_dir=Path(folium.__file__).parent / "templates",
        version=folium.__version__,
        scripts=("leaflet_heat.min.js",),
        styles=(),
    ),
    # BorderWatch's own browser code (layers/web), served and inlined like the packages.
    VendorPackage(
        name="borderwatch",
        base_dir=WEB_ASSETS_DIR,
        version=_content_version(WEB_ASSETS_DIR, _OWN_SCRIPTS + _OWN_STYLES),
        scripts=_OWN_SCRIPTS,
        styles=_OWN_STYLES,
    ),
)


def _package_files(package: VendorPackage) -> list[Path]:
    files = [package.base_dir / name for name in package.scripts + package.styles]
    for folder in package.folders:
        files += sorted(path for path in (package.base_dir / folder).rglob("*") if path.is_file())
    return files


def vendor_files() -> dict[str, Path]:
    """Return every file the map loads, by its path under the vendor folder.

    Returns
    -------
    dict of str to Path
        ``"leaflet/leaflet.js"`` (package, then the file's path in it, ``/``
        separators) to the file in the installed package; nothing else is served.

    Raises
    ------
    OfflineAssetError
        Naming every file missing from an installed package.
    """
    files: dict[str, Path] = {}
    missing: list[str] = []
    for package in VENDOR_PACKAGES:
        for source in _package_files(package):
            if not source.is_file():
                missing.append(f"{source} ({package.name})")
            files[f"{package.name}/{source.relative_to(package.base_dir).as_posix()}"] = source
    if missing:
        raise OfflineAssetError(
            f"missing from the installed packages: {'; '.join(missing)}; reinstall them (see requirements.txt)"
        )
    return files


def install_vendor_assets(folder: Path) -> Path:
    """Copy the map's scripts and styles from the installed packages into one folder.

    A saved map inlines them from there (see :mod:`layers.export.html`).
    Copies only what changed, so it is cheap to call again.

    Parameters
    ----------
    folder : Path
        The folder that stands for the assets URL, e.g. one in ``config.cache_dir()``.

    Returns
    -------
    Path
        The vendor folder inside ``folder``.

    Raises
    ------
    OfflineAssetError
        Naming every file missing from an installed package.
    """
    vendor_dir = folder / VENDOR_FOLDER
    for relative, source in vendor_files().items():
        target = vendor_dir / relative
        if target.is_file() and filecmp.cmp(source, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return vendor_dir


def asset_urls(base_url: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return folium-style ``(name, url)`` lists of the map's scripts and styles.

    Parameters
    ----------
    base_url : str
        URL path under which the app serves the assets, e.g. ``"/_assets"``.

    Returns
    -------
    tuple of list
        ``(scripts, styles)``, scripts in load order (Leaflet first).
    """
    root = f"{base_url.rstrip('/')}/{VENDOR_FOLDER}"
    # The version in the query makes a browser fetch a file again when it changes.
    scripts = [
        (f"{package.name}_{name}", f"{root}/{package.name}/{name}?v={package.version}")
        for package in VENDOR_PACKAGES
        for name in package.scripts
    ]
    styles = [
        (f"{package.name}_{name}", f"{root}/{package.name}/{name}?v={package.version}")
        for package in VENDOR_PACKAGES
        for name in package.styles
    ]
    return scripts, styles


#: Folder of the data the map fetches (the basemap), under the assets URL and in the cache folder.
DATA_FOLDER = "data"


def publish_json(folder: Path, name: str, value: object) -> str:
    """Write data the map fetches into the folder the app serves it from, named by its content.

    The name carries a digest of the content, so a browser never keeps a
    stale copy and an unchanged file is not written again.

    Parameters
    ----------
    folder : Path
        The folder whose :data:`DATA_FOLDER` the app serves, e.g. ``config.cache_dir()``.
    name : str
        Stem of the file name, e.g. ``"basemap"``.
    value : object
        JSON-serialisable data.

    Returns
    -------
    str
        The file's path relative to ``folder`` (and to the assets URL), with ``/`` separators.
    """
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    relative = f"{DATA_FOLDER}/{name}-{digest}.geojson"
    target = folder / relative
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a browser never fetches half a file.
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    return relative
