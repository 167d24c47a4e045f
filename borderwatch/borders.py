"""Every land border of the world, from the bundled ``data/borders.geojson``.

A border is the line two countries share in Natural Earth 1:10m, built by
``scripts/build_borders.py`` (see ``data/README.md``). It is keyed by its
two countries' codes in alphabetical order, ``"LBY-TUN"``: ISO 3166-1
alpha-3 codes, except for the few entities that have none (Kosovo ``XKX``,
N. Cyprus ``CYN``, Somaliland ``SOL`` ...; the README lists them). Lookups
take the codes in either order and any case: ``"TUN-LBY"``, ``"lby tun"``.

Each border's parts (several for separate stretches or enclaves) run with
``code_a``'s country on their left, longest part first, the conventions
:mod:`borderwatch.geodesy` measures positions and sides by.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, MultiLineString

from borderwatch import config
from borderwatch.errors import BorderWatchError, ReferenceDataError

#: Properties every feature of the borders file carries.
BORDER_PROPERTIES: Final[tuple[str, ...]] = (
    "code_a",
    "code_b",
    "name_a",
    "name_b",
    "length_km",
    "parts",
    "source",
    "licence",
)
#: Columns of :func:`border_table`, in order.
TABLE_COLUMNS: Final[tuple[str, ...]] = ("border", "code_a", "code_b", "name_a", "name_b", "length_km", "parts")

_CODE = re.compile(r"[A-Z]{3}")
_SEPARATORS = re.compile(r"[\s\-–—_/,;:|.]+")


class BorderLookupError(BorderWatchError, LookupError):
    """A border asked for by codes that name no land border in the bundled file.

    The message says which code is unknown or that the two countries share
    no land border, and offers close matches.
    """


@dataclass(frozen=True)
class Border:
    """One land border and its provenance."""

    code_a: str
    code_b: str
    name_a: str
    name_b: str
    #: Geodesic length (WGS 84) of all parts.
    length_km: float
    parts: int
    source: str
    licence: str
    #: Lon/lat (EPSG:4326); a MultiLineString when ``parts`` > 1.
    geometry: LineString | MultiLineString

    @property
    def key(self) -> str:
        """``"LBY-TUN"``: the two codes in alphabetical order."""
        return f"{self.code_a}-{self.code_b}"

    @property
    def name(self) -> str:
        """``"Libya–Tunisia"``."""
        return f"{self.name_a}–{self.name_b}"

    def country_name(self, code: str) -> str:
        """Name of one of the border's two countries, by code (any case)."""
        names = {self.code_a: self.name_a, self.code_b: self.name_b}
        try:
            return names[code.strip().upper()]
        except KeyError:
            raise BorderLookupError(f"{code!r} is not a country of the {self.name} border ({self.key})") from None


def _feature_problems(row: int, feature: pd.Series) -> list[str]:
    problems = [
        f"feature {row}, {column}: {feature[column]!r} is not three capital letters"
        for column in ("code_a", "code_b")
        if not isinstance(feature[column], str) or not _CODE.fullmatch(feature[column])
    ]
    if not problems and feature["code_a"] >= feature["code_b"]:
        problems.append(f"feature {row}: codes {feature['code_a']}, {feature['code_b']} are not in alphabetical order")
    problems += [
        f"feature {row}, {column}: empty"
        for column in ("name_a", "name_b", "source", "licence")
        if not isinstance(feature[column], str) or not feature[column].strip()
    ]
    geometry = feature.geometry
    if not isinstance(geometry, (LineString, MultiLineString)) or geometry.is_empty:
        kind = "no geometry" if geometry is None else f"a {geometry.geom_type}"
        problems.append(f"feature {row}, geometry: {kind}, not a (Multi)LineString")
    elif feature["parts"] != (len(geometry.geoms) if isinstance(geometry, MultiLineString) else 1):
        problems.append(f"feature {row}, parts: {feature['parts']} does not match the geometry's parts")
    if not pd.notna(feature["length_km"]) or feature["length_km"] <= 0:
        problems.append(f"feature {row}, length_km: {feature['length_km']!r} is not a positive length")
    return problems


@lru_cache(maxsize=4)
def load_borders(path: Path = config.BORDERS_PATH) -> tuple[Border, ...]:
    """Read and check the borders file; cached per path.

    Parameters
    ----------
    path : Path
        GeoJSON of (Multi)LineStrings with :data:`BORDER_PROPERTIES`.

    Returns
    -------
    tuple of Border
        Sorted by key.

    Raises
    ------
    ReferenceDataError
        If the file is missing, unreadable or breaks the schema, listing
        every problem found (feature numbers count from 1).
    """
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found")
    frame = gpd.read_file(path)
    missing = sorted(set(BORDER_PROPERTIES) - set(frame.columns))
    if missing:
        raise ReferenceDataError(f"{path}: missing properties {missing}")
    if frame.crs is None or not frame.crs.equals(config.GEOGRAPHIC_CRS):
        raise ReferenceDataError(f"{path}: expected CRS {config.GEOGRAPHIC_CRS}, found {frame.crs}")
    problems = [problem for row, feature in frame.iterrows() for problem in _feature_problems(row + 1, feature)]
    keys = frame["code_a"].astype(str) + "-" + frame["code_b"].astype(str)
    problems += [f"border {key} appears {count} times" for key, count in keys.value_counts().items() if count > 1]
    if frame.empty:
        problems.append("no border")
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        raise ReferenceDataError(f"{path}: {len(problems)} problem(s):\n{listing}")
    borders = (
        Border(
            code_a=row.code_a,
            code_b=row.code_b,
            name_a=row.name_a,
            name_b=row.name_b,
            length_km=float(row.length_km),
            parts=int(row.parts),
            source=row.source,
            licence=row.licence,
            geometry=row.geometry,
        )
        for row in frame.itertuples(index=False)
    )
    return tuple(sorted(borders, key=lambda border: border.key))


def border_table(path: Path = config.BORDERS_PATH) -> pd.DataFrame:
    """Every border as a table (no geometry), for listings and pickers.

    Returns
    -------
    pandas.DataFrame
        :data:`TABLE_COLUMNS`, one row per border, sorted by ``border`` (the key).
    """
    return pd.DataFrame(
        [(b.key, b.code_a, b.code_b, b.name_a, b.name_b, b.length_km, b.parts) for b in load_borders(path)],
        columns=list(TABLE_COLUMNS),
    )


@lru_cache(maxsize=4)
def _by_key(path: Path) -> dict[str, Border]:
    return {border.key: border for border in load_borders(path)}


def _country_names(path: Path) -> dict[str, str]:
    names = {}
    for border in load_borders(path):
        names[border.code_a], names[border.code_b] = border.name_a, border.name_b
    return names


def parse_border_key(text: str) -> tuple[str, str]:
    """Split ``"TUN-LBY"`` (any case; hyphen, dash, slash, comma or space between) into two codes.

    Raises
    ------
    BorderLookupError
        If the text is not two three-letter codes.
    """
    codes = [code for code in _SEPARATORS.split(str(text).strip().upper()) if code]
    if len(codes) != 2 or not all(_CODE.fullmatch(code) for code in codes):
        raise BorderLookupError(
            f"{text!r} is not a border: give the two countries' ISO 3166-1 alpha-3 codes, e.g. TUN-LBY"
        )
    return codes[0], codes[1]


def borders_of(code: str, path: Path = config.BORDERS_PATH) -> tuple[Border, ...]:
    """Every land border of one country (code in any case), sorted by key; empty if it has none."""
    code = code.strip().upper()
    return tuple(border for border in load_borders(path) if code in (border.code_a, border.code_b))


def _listing(borders: tuple[Border, ...]) -> str:
    return ", ".join(f"{border.key} ({border.name})" for border in borders)


def find_border(text: str, path: Path = config.BORDERS_PATH) -> Border:
    """The border named by two codes in either order, e.g. ``"TUN-LBY"`` or ``"lby-tun"``.

    Parameters
    ----------
    text : str
        Two codes; see :func:`parse_border_key`.
    path : Path
        The borders file.

    Returns
    -------
    Border

    Raises
    ------
    BorderLookupError
        If the text is malformed, a code is unknown (close codes and
        countries are offered), or the two countries share no land border
        (each one's borders are listed).
    """
    first, second = parse_border_key(text)
    key = "-".join(sorted((first, second)))
    border = _by_key(path).get(key)
    if border is not None:
        return border
    names = _country_names(path)
    unknown = [code for code in (first, second) if code not in names]
    if unknown:
        hints = []
        for code in unknown:
            close = difflib.get_close_matches(
                code, names, n=config.BORDER_SUGGESTIONS, cutoff=config.BORDER_CODE_CUTOFF
            )
            offered = ", ".join(f"{match} ({names[match]})" for match in close)
            hints.append(f"{code} is no country with a land border" + (f"; close codes: {offered}" if offered else ""))
        known = [code for code in (first, second) if code in names]
        hints += [f"borders of {code}: {_listing(borders_of(code, path))}" for code in known]
        raise BorderLookupError(f"no land border {text!r}: " + "; ".join(hints))
    if first == second:
        raise BorderLookupError(f"no land border {text!r}: both codes name {names[first]}")
    raise BorderLookupError(
        f"{names[first]} ({first}) and {names[second]} ({second}) share no land border in Natural Earth 1:10m; "
        f"borders of {first}: {_listing(borders_of(first, path))}; "
        f"borders of {second}: {_listing(borders_of(second, path))}"
    )


def _normalised(text: str) -> str:
    """Lower case, accents dropped, punctuation as spaces: "Côte d'Ivoire" -> "cote d ivoire"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.casefold()).split())


def search_borders(query: str, path: Path = config.BORDERS_PATH) -> tuple[Border, ...]:
    """Borders whose countries match a search, as a picker filters them.

    Every word of the query must occur in either country's name or code
    (case and accents ignored): ``"tunisia"`` finds Algeria–Tunisia and
    Libya–Tunisia, ``"libya tun"`` only the latter. When nothing matches,
    the borders of the countries whose names are closest to the query are
    returned instead, of the one country whose name is closest to the query
    (``"South Sudan"`` finds those of "S. Sudan").

    Parameters
    ----------
    query : str
        Free text; empty returns every border.
    path : Path
        The borders file.

    Returns
    -------
    tuple of Border
        Sorted by key; empty if nothing matches or comes close.
    """
    words = _normalised(query).split()
    borders = load_borders(path)

    def matches(border: Border) -> bool:
        fields = (border.name_a, border.name_b, border.code_a, border.code_b)
        haystack = " ".join(_normalised(value) for value in fields)
        return all(word in haystack for word in words)

    found = tuple(border for border in borders if matches(border))
    if found or not words:
        return found
    by_name = {_normalised(name): code for code, name in _country_names(path).items()}
    closest = difflib.get_close_matches(" ".join(words), by_name, n=1, cutoff=config.BORDER_NAME_CUTOFF)
    codes = {by_name[name] for name in closest}
    return tuple(border for border in borders if codes & {border.code_a, border.code_b})
