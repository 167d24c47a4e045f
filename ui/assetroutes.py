"""The map's assets as routes of the web entry (``app.py``), served where they lie.

The packages' files come straight from their installed folders (only those
:func:`layers.assets.vendor_files` lists), the basemap from the cache folder
that :func:`layers.assets.publish_json` writes it to: nothing is copied, and
nothing is written into the checkout.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from layers.assets import DATA_FOLDER, VENDOR_FOLDER, vendor_files

#: First segment of every asset URL under the server's base path. The underscore
#: keeps it apart from the pages' URLs, as Streamlit's own ``_stcore``.
ASSETS_PATH: Final[str] = "_assets"

#: A browser must take each file for what its type says (a data file is never run as a script).
_HEADERS: Final[dict[str, str]] = {"X-Content-Type-Options": "nosniff"}

#: Names :func:`layers.assets.publish_json` gives its files: no folder, nothing hidden.
_DATA_NAME = re.compile(r"[A-Za-z0-9_-]+\.geojson")


def assets_url(base_url_path: str) -> str:
    """Return the URL path of the assets under the server's base path.

    Parameters
    ----------
    base_url_path : str
        Streamlit's ``server.baseUrlPath`` (``""`` or e.g. ``"borderwatch"``).

    Returns
    -------
    str
        ``"/_assets"`` or ``"/borderwatch/_assets"``.
    """
    return "/" + "/".join(part for part in (base_url_path.strip("/"), ASSETS_PATH) if part)


def _not_found() -> Response:
    return PlainTextResponse("Not found", status_code=404, headers=_HEADERS)


def asset_routes(base_url_path: str, cache_dir: Path) -> list[Route]:
    """Return the routes that serve the map's scripts, styles and data.

    Parameters
    ----------
    base_url_path : str
        Streamlit's ``server.baseUrlPath``: the routes lie under :func:`assets_url`.
    cache_dir : Path
        The folder :func:`layers.assets.publish_json` writes the map's data into.

    Returns
    -------
    list of Route
        ``GET <assets>/vendor/<package>/<file>`` and ``GET <assets>/data/<name>.geojson``;
        any other file is 404.

    Raises
    ------
    OfflineAssetError
        Naming every file missing from an installed package, so the server does not start without them.
    """
    files = vendor_files()
    data_dir = cache_dir / DATA_FOLDER

    async def vendor_file(request: Request) -> Response:
        found = files.get(request.path_params["path"])
        return _not_found() if found is None else FileResponse(found, headers=_HEADERS)

    async def data_file(request: Request) -> Response:
        name = request.path_params["name"]
        found = data_dir / name
        if not _DATA_NAME.fullmatch(name) or not found.is_file():
            return _not_found()
        return FileResponse(found, media_type="application/geo+json", headers=_HEADERS)

    prefix = assets_url(base_url_path)
    return [
        Route(f"{prefix}/{VENDOR_FOLDER}/{{path:path}}", vendor_file, methods=["GET"]),
        Route(f"{prefix}/{DATA_FOLDER}/{{name}}", data_file, methods=["GET"]),
    ]
