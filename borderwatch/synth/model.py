"""The lookup tables the draws index into, built once per process from ``data/``."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from borderwatch import config, reference
from borderwatch.schema import ACLED_EVENT_TYPES
from borderwatch.synth.tables import (
    _EPOCH,
    _MONTHS,
    _NO_ACTOR,
    _SCALE_ORDER,
    _UNIX_DAY,
    ASSOCIATED,
    COUNTRIES,
    CROWD_TAGS,
    DEATH_CHANCE,
    DEATH_TAIL,
    DEFAULT_DEATH_TAIL,
    DISORDER_BY_SUB_EVENT,
    DISORDER_TYPES,
    DYADS,
    INTER_CODES,
    KM_PER_DEGREE,
    NOTES,
    PLACE_ADMIN1,
    SOURCES,
    SUB_EVENT_MIX,
    SUB_EVENT_MIX_BY_COUNTRY,
    TOPICS,
    TOWNS,
    TYPE_MIX,
)

_ASIDE: Final[re.Pattern[str]] = re.compile(r"\s*\([^)]*\)")
#: Directions tried around a border point for an anchor inside each country.
_ANCHOR_DIRECTIONS: Final[int] = 16
#: Steps (degrees) past the coast tried to bring a town's point onto land.
_INLAND_STEPS: Final[tuple[float, ...]] = (0.002, 0.005, 0.01, 0.02, 0.05)
#: Latitude at which longitudes are scaled for flat distances (the border's middle).
_FLAT_LATITUDE: Final[float] = 33.0


@dataclass(frozen=True)
class _Model:
    """Every table the draws index into, built once per process from ``data/``."""

    polygons: tuple[shapely.Geometry, ...]
    town_name: np.ndarray
    town_admin1: np.ndarray
    town_country: np.ndarray
    town_x: np.ndarray
    town_y: np.ndarray
    town_cdf: np.ndarray
    border_countries: np.ndarray
    anchor_x: np.ndarray
    anchor_y: np.ndarray
    anchor_town: np.ndarray
    anchor_cdf: np.ndarray
    pair_type: np.ndarray
    pair_sub: np.ndarray
    pair_disorder: np.ndarray
    pair_tail: np.ndarray
    pair_political: np.ndarray
    pair_excessive: np.ndarray
    pair_crowd: np.ndarray
    pair_notes: np.ndarray
    profile_cum: np.ndarray
    death_chance: np.ndarray
    actor_names: np.ndarray
    actor_inter: np.ndarray
    period_starts: tuple[np.ndarray, ...]
    dyad_cum: np.ndarray
    dyad_actor1: np.ndarray
    dyad_actor2: np.ndarray
    assoc_cum: np.ndarray
    assoc_value: np.ndarray
    assoc_names: np.ndarray
    source_cum: np.ndarray
    source_index: np.ndarray
    source_text: np.ndarray
    source_scale: np.ndarray
    topic_cdf: np.ndarray
    topics: np.ndarray
    crowd_cdf: np.ndarray
    crowd_tags: np.ndarray
    fatality_text: np.ndarray
    max_fatalities: np.ndarray


@dataclass(frozen=True)
class _Calendar:
    """The days of a date range: their texts, Unix times and each country's draw weights."""

    first_day: int
    iso: np.ndarray
    text: np.ndarray
    year: np.ndarray
    unix: np.ndarray
    cdf: np.ndarray
    timestamp_cap: int


def _cumulative(weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """Cumulative shares of non-negative weights, ending at exactly 1."""
    values = np.asarray(weights, dtype=float)
    if values.size == 0 or values.min() < 0 or values.sum() <= 0:
        raise ValueError(f"weights must be non-negative with a positive sum, got {list(values)}")
    cumulative = np.cumsum(values) / values.sum()
    # Rounding could leave the last share just under 1, and a draw of 0.99999… past the end.
    cumulative[-1] = 1.0
    return cumulative


def _padded(rows: Sequence[np.ndarray], fill: float | int) -> np.ndarray:
    """Stack rows of different lengths into one matrix, padding with ``fill``."""
    width = max(len(row) for row in rows)
    matrix = np.full((len(rows), width), fill, dtype=np.asarray(rows[0]).dtype)
    for index, row in enumerate(rows):
        matrix[index, : len(row)] = row
    return matrix


def _draw(rng: np.random.Generator, cumulative: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """One index per row from the cumulative shares of the row's group (a row of ``cumulative``).

    Rows of ``cumulative`` are padded with 2.0, past any draw, so a padded slot is never chosen.
    """
    draws = rng.random(len(groups))
    return (draws[:, None] >= cumulative[groups]).sum(axis=1)


def _flat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude as kilometres on a plane: enough to rank and weigh distances here."""
    return x * KM_PER_DEGREE * math.cos(math.radians(_FLAT_LATITUDE)), y * KM_PER_DEGREE


def _inland_point(polygon: shapely.Geometry, x: float, y: float) -> tuple[float, float] | None:
    """The point, rounded to 4 decimals, or, if that falls outside the polygon (a coastal town
    on a coarse coastline), the nearest point a little inside; None if none is found."""
    point = (round(x, 4), round(y, 4))
    if shapely.contains_xy(polygon, *point):
        return point
    edge = shapely.shortest_line(shapely.Point(x, y), polygon)
    (_, _), (edge_x, edge_y) = shapely.get_coordinates(edge)
    length = math.hypot(edge_x - x, edge_y - y)
    if length == 0:
        return None
    for step in _INLAND_STEPS:
        point = (round(edge_x + (edge_x - x) / length * step, 4), round(edge_y + (edge_y - y) / length * step, 4))
        if shapely.contains_xy(polygon, *point):
            return point
    return None


def _country_index(iso3: str) -> int:
    return [country.iso3 for country in COUNTRIES].index(iso3)


def _town_table(places: pd.DataFrame) -> pd.DataFrame:
    """Towns of :data:`TOWNS` and of ``data/places.csv`` (whose coordinates win), in the countries drawn."""
    columns = ["geonames_id", "name", "admin1", "iso3", "latitude", "longitude", "population"]
    table = pd.DataFrame(TOWNS, columns=columns)
    table["geonames_id"] = table["geonames_id"].astype(str)
    towns = places[(places["kind"] == "town") & places["iso3"].isin(list(config.SYNTH_COUNTRY_SHARES))]
    extra = []
    for place in towns.to_dict("records"):
        known = table["geonames_id"] == str(place["geonames_id"])
        if place["geonames_id"] and known.any():
            # The gazetteer's coordinates are sourced one by one; GeoNames' are a bulk list.
            table.loc[known, "latitude"] = place["latitude"]
            table.loc[known, "longitude"] = place["longitude"]
            continue
        admin1 = PLACE_ADMIN1.get(place["id"])
        if admin1 is None:
            same = table[table["iso3"] == place["iso3"]]
            offset = (same["latitude"] - place["latitude"]) ** 2 + (same["longitude"] - place["longitude"]) ** 2
            admin1 = same.at[offset.idxmin(), "admin1"]
        extra.append({"geonames_id": str(place["geonames_id"]), "name": _ASIDE.sub("", place["name"]).strip(),
                      "admin1": admin1, "iso3": place["iso3"], "latitude": place["latitude"],
                      "longitude": place["longitude"], "population": config.SYNTH_DEFAULT_POPULATION})
    return pd.concat([table, pd.DataFrame(extra, columns=table.columns)], ignore_index=True)


def _check_constants() -> None:
    """Fail early, naming the entry, if a table names a type, actor or country the schema lacks."""
    for profile, mix in TYPE_MIX.items():
        for event_type in mix:
            if event_type not in ACLED_EVENT_TYPES:
                raise ValueError(f"TYPE_MIX[{profile!r}]: {event_type!r} is not an ACLED event type")
    for key, mix in [*SUB_EVENT_MIX.items(), *SUB_EVENT_MIX_BY_COUNTRY.items()]:
        event_type = key if isinstance(key, str) else key[1]
        unknown = set(mix) - set(ACLED_EVENT_TYPES[event_type])
        if unknown:
            raise ValueError(f"sub-event mix {key!r}: {sorted(unknown)} not of {event_type!r}")
    tokens = {country.iso3: [set(actors) for _, actors in country.periods] for country in COUNTRIES}
    for (iso3, kind), dyads in DYADS.items():
        for actor1, actor2, _ in dyads:
            for actor in filter(None, (actor1, actor2)):
                token = _token(actor)
                if token is None and actor not in INTER_CODES:
                    raise ValueError(f"DYADS[{(iso3, kind)!r}]: actor {actor!r} has no entry in INTER_CODES")
                if token is not None and not all(token in period for period in tokens[iso3]):
                    raise ValueError(f"DYADS[{(iso3, kind)!r}]: {actor} is not defined in every period of {iso3}")
    for country in COUNTRIES:
        for event_type in ACLED_EVENT_TYPES:
            if (country.iso3, event_type) not in DYADS:
                raise ValueError(f"DYADS lacks ({country.iso3!r}, {event_type!r})")


def _token(actor: str) -> str | None:
    """The token of an actor written ``{token}``, else None."""
    return actor[1:-1] if actor.startswith("{") and actor.endswith("}") else None


def _pairs_and_mixes() -> dict[str, Any]:
    """Per (event type, sub-event type) pair: texts, flags, death parameters; per profile: the mix."""
    pairs = [(event_type, sub) for event_type, subs in ACLED_EVENT_TYPES.items() for sub in subs]
    profiles = [country.iso3 for country in COUNTRIES] + ["border-TUN", "border-LBY"]
    cumulative = []
    for profile in profiles:
        iso3 = profile.removeprefix("border-")
        weights = []
        for event_type, sub in pairs:
            subs = SUB_EVENT_MIX_BY_COUNTRY.get((iso3, event_type), SUB_EVENT_MIX[event_type])
            weights.append(TYPE_MIX[profile].get(event_type, 0.0) * subs.get(sub, 0.0) / sum(subs.values()))
        cumulative.append(_cumulative(weights))
    disorder = [DISORDER_BY_SUB_EVENT.get(sub, DISORDER_TYPES[event_type]) for event_type, sub in pairs]
    chance = np.array([DEATH_CHANCE[sub] for _, sub in pairs])
    return {
        "pair_type": np.array([event_type for event_type, _ in pairs], dtype=object),
        "pair_sub": np.array([sub for _, sub in pairs], dtype=object),
        "pair_disorder": np.array(disorder, dtype=object),
        "pair_tail": np.array([DEATH_TAIL.get(sub, DEFAULT_DEATH_TAIL) for _, sub in pairs]),
        "pair_political": np.array(["Political violence" in text for text in disorder]),
        "pair_excessive": np.array([sub == "Excessive force against protesters" for _, sub in pairs]),
        "pair_crowd": np.array([event_type in ("Protests", "Riots") for event_type, _ in pairs]),
        "pair_notes": np.array([NOTES[sub] for _, sub in pairs], dtype=object),
        "profile_cum": np.stack(cumulative),
        "death_chance": np.stack([np.minimum(chance * country.lethality, 0.95) for country in COUNTRIES]),
    }


def _actors(pair_type: np.ndarray, pair_sub: np.ndarray) -> dict[str, Any]:
    """Actor names by (actor, period), their inter codes, the dyads of each (country, pair) and
    the associated actors of each actor."""
    keys: dict[tuple[str, str], int] = {}
    for (iso3, _), dyads in DYADS.items():
        for actor1, actor2, _ in dyads:
            for actor in (actor1, actor2):
                if actor:
                    keys.setdefault((iso3, actor), len(keys))
    periods = max(len(country.periods) for country in COUNTRIES)
    names = np.full((len(keys) + 1, periods), _NO_ACTOR, dtype=object)
    inter = np.zeros((len(keys) + 1, periods), dtype=np.int64)
    for (iso3, actor), index in keys.items():
        country = COUNTRIES[_country_index(iso3)]
        token = _token(actor)
        for period in range(periods):
            # A country with fewer periods repeats its last; its rows never reach past it.
            _, actors = country.periods[min(period, len(country.periods) - 1)]
            names[index, period], inter[index, period] = (actor, INTER_CODES[actor]) if token is None else actors[token]
    none = len(keys)

    cum_rows, actor1_rows, actor2_rows = [], [], []
    for country in COUNTRIES:
        for event_type, sub in zip(pair_type, pair_sub, strict=True):
            dyads = DYADS.get((country.iso3, sub)) or DYADS[(country.iso3, event_type)]
            cum_rows.append(_cumulative([weight for _, _, weight in dyads]))
            actor1_rows.append(np.array([keys[(country.iso3, actor1)] for actor1, _, _ in dyads]))
            actor2_rows.append(np.array([keys[(country.iso3, actor2)] if actor2 else none for _, actor2, _ in dyads]))

    assoc_names = [""]
    assoc_cum_rows, assoc_value_rows = [], []
    by_index = {index: actor for (_, actor), index in keys.items()}
    for index in range(len(keys) + 1):
        pool = ASSOCIATED.get(by_index.get(index, ""), (("", 1.0),))
        for name, _ in pool:
            if name not in assoc_names:
                assoc_names.append(name)
        assoc_cum_rows.append(_cumulative([weight for _, weight in pool]))
        assoc_value_rows.append(np.array([assoc_names.index(name) for name, _ in pool]))
    return {
        "actor_names": names,
        "actor_inter": inter,
        "period_starts": tuple(
            np.array([(dt.date.fromisoformat(first) - _EPOCH).days for first, _ in country.periods])
            for country in COUNTRIES
        ),
        "dyad_cum": _padded(cum_rows, 2.0),
        "dyad_actor1": _padded(actor1_rows, 0),
        "dyad_actor2": _padded(actor2_rows, none),
        "assoc_cum": _padded(assoc_cum_rows, 2.0),
        "assoc_value": _padded(assoc_value_rows, 0),
        "assoc_names": np.array(assoc_names, dtype=object),
    }


def _sources() -> dict[str, Any]:
    """Each country's sources, and the ``source`` / ``source_scale`` texts of any two together."""
    catalogue: list[tuple[str, str]] = []
    cum_rows, index_rows = [], []
    for country in COUNTRIES:
        entries = SOURCES[country.iso3]
        for name, scale, _ in entries:
            if (name, scale) not in catalogue:
                catalogue.append((name, scale))
        cum_rows.append(_cumulative([weight for _, _, weight in entries]))
        index_rows.append(np.array([catalogue.index((name, scale)) for name, scale, _ in entries]))
    size = len(catalogue)
    text = np.empty((size, size), dtype=object)
    scale_text = np.empty((size, size), dtype=object)
    for first, (first_name, first_scale) in enumerate(catalogue):
        for second, (second_name, second_scale) in enumerate(catalogue):
            # The same source drawn twice is one source.
            text[first, second] = first_name if first == second else f"{first_name}; {second_name}"
            scales = sorted({first_scale, second_scale}, key=_SCALE_ORDER.index)
            scale_text[first, second] = "-".join(scales)
    return {"source_cum": _padded(cum_rows, 2.0), "source_index": _padded(index_rows, 0),
            "source_text": text, "source_scale": scale_text}


def _border_anchors(border: LineString, polygons: Sequence[shapely.Geometry], towns: pd.DataFrame,
                    crossings: pd.DataFrame) -> dict[str, Any]:
    """Points a few km inside each side of the border, their nearest town and draw weights."""
    along = (np.arange(config.SYNTH_BORDER_ANCHORS) + 0.5) / config.SYNTH_BORDER_ANCHORS
    line_x, line_y = shapely.get_coordinates(shapely.line_interpolate_point(border, along, normalized=True)).T
    angles = np.linspace(0.0, 2.0 * np.pi, _ANCHOR_DIRECTIONS, endpoint=False)
    step_x = config.SYNTH_BORDER_ANCHOR_KM / (KM_PER_DEGREE * np.cos(np.radians(line_y)))[:, None] * np.cos(angles)
    step_y = config.SYNTH_BORDER_ANCHOR_KM / KM_PER_DEGREE * np.sin(angles)[None, :]
    candidates_x = np.round(line_x[:, None] + step_x, 4)
    candidates_y = np.round(line_y[:, None] + step_y, 4)
    distance = shapely.distance(border, shapely.points(candidates_x, candidates_y))

    flat_x, flat_y = _flat(line_x, line_y)
    town_x, town_y = _flat(towns["x"].to_numpy(float), towns["y"].to_numpy(float))
    town_km = np.hypot(flat_x[:, None] - town_x, flat_y[:, None] - town_y).min(axis=1)
    crossing_x, crossing_y = _flat(crossings["longitude"].to_numpy(float), crossings["latitude"].to_numpy(float))
    crossing_km = np.hypot(flat_x[:, None] - crossing_x, flat_y[:, None] - crossing_y)
    boost = np.array(
        [config.SYNTH_CROSSING_BOOST.get(name, config.SYNTH_DEFAULT_CROSSING_BOOST) for name in crossings["id"]]
    )
    weight = (
        config.SYNTH_DESERT_WEIGHT + np.exp(-town_km / config.SYNTH_TOWN_KM)
        + (boost * np.exp(-crossing_km / config.SYNTH_CROSSING_KM)).sum(axis=1)
    )

    sides = np.array([_country_index("TUN"), _country_index("LBY")])
    result: dict[str, list[np.ndarray]] = {"anchor_x": [], "anchor_y": [], "anchor_town": [], "anchor_cdf": []}
    for country in sides:
        inside = shapely.contains_xy(polygons[country], candidates_x, candidates_y)
        score = np.where(inside, distance, -1.0)
        best = score.argmax(axis=1)
        valid = score.max(axis=1) > 0
        rows = np.arange(config.SYNTH_BORDER_ANCHORS)
        x, y = candidates_x[rows, best], candidates_y[rows, best]
        mine = np.flatnonzero(towns["country"].to_numpy() == country)
        ax, ay = _flat(x, y)
        nearest = mine[np.hypot(ax[:, None] - town_x[mine], ay[:, None] - town_y[mine]).argmin(axis=1)]
        result["anchor_x"].append(x)
        result["anchor_y"].append(y)
        result["anchor_town"].append(nearest)
        result["anchor_cdf"].append(_cumulative(np.where(valid, weight, 0.0)))
    return {"border_countries": sides, **{key: np.stack(value) for key, value in result.items()}}


@lru_cache(maxsize=1)
def _model() -> _Model:
    """Build every lookup table from ``data/`` (about half a second, once per process)."""
    _check_constants()
    countries = reference.load_countries().set_index("iso3")
    polygons = tuple(countries.geometry[country.iso3] for country in COUNTRIES)
    for polygon in polygons:
        shapely.prepare(polygon)
    border = reference.load_border().geometry.iloc[0]
    places = pd.read_csv(config.PLACES_PATH, dtype=str, keep_default_na=False)
    places[["latitude", "longitude"]] = places[["latitude", "longitude"]].astype(float)

    towns = _town_table(places)
    towns["country"] = [_country_index(iso3) for iso3 in towns["iso3"]]
    inland = [_inland_point(polygons[country], x, y)
              for country, x, y in zip(towns["country"], towns["longitude"], towns["latitude"], strict=True)]
    towns = towns[[point is not None for point in inland]].reset_index(drop=True)
    towns["x"], towns["y"] = zip(*[point for point in inland if point is not None], strict=True)

    # Weight by population, damped, and more near the border, the dashboard's subject.
    flat_border = shapely.transform(border, _flat_coordinates)
    flat_points = shapely.points(np.column_stack(_flat(towns["x"].to_numpy(float), towns["y"].to_numpy(float))))
    near = shapely.distance(flat_border, flat_points) < config.SYNTH_BORDER_TOWN_KM
    boosted = np.where(near, config.SYNTH_BORDER_TOWN_BOOST, 1.0)
    weight = towns["population"].to_numpy(float) ** config.SYNTH_POPULATION_EXPONENT * boosted
    for index, country in enumerate(COUNTRIES):
        mine = towns["country"].to_numpy() == index
        weight[mine] *= config.SYNTH_COUNTRY_SHARES[country.iso3] / weight[mine].sum()

    pairs = _pairs_and_mixes()
    crossings = places[places["kind"] == "crossing"]
    return _Model(
        polygons=polygons,
        town_name=towns["name"].to_numpy(object),
        town_admin1=towns["admin1"].to_numpy(object),
        town_country=towns["country"].to_numpy(np.int64),
        town_x=towns["x"].to_numpy(float),
        town_y=towns["y"].to_numpy(float),
        town_cdf=_cumulative(weight),
        **_border_anchors(border, polygons, towns, crossings),
        **pairs,
        **_actors(pairs["pair_type"], pairs["pair_sub"]),
        **_sources(),
        topic_cdf=_cumulative([weight for _, weight in TOPICS]),
        topics=np.array([topic for topic, _ in TOPICS], dtype=object),
        crowd_cdf=_cumulative([weight for _, weight in CROWD_TAGS]),
        # The last entry, "", is the tag of every event that is no protest or riot.
        crowd_tags=np.array([tag for tag, _ in CROWD_TAGS] + [""], dtype=object),
        fatality_text=np.array(
            ["", " 1 fatality."] + [f" {count} fatalities." for count in range(2, config.SYNTH_MAX_FATALITIES + 1)],
            dtype=object,
        ),
        max_fatalities=np.array([min(country.max_fatalities, config.SYNTH_MAX_FATALITIES) for country in COUNTRIES]),
    )


def _flat_coordinates(coordinates: np.ndarray) -> np.ndarray:
    """:func:`_flat` for ``shapely.transform`` (an (n, 2) array of longitude, latitude)."""
    x, y = _flat(coordinates[:, 0], coordinates[:, 1])
    return np.column_stack([x, y])


@lru_cache(maxsize=8)
def _calendar(start: dt.date, end: dt.date) -> _Calendar:
    """Every day from start to end with its texts, and each country's weight of each day."""
    days = [start + dt.timedelta(days=offset) for offset in range((end - start).days + 1)]
    years = np.array([day.year for day in days])
    cdf = []
    for country in COUNTRIES:
        known = np.array(sorted(country.year_weights))
        nearest = known[np.abs(years[:, None] - known[None, :]).argmin(axis=1)]
        cdf.append(_cumulative([country.year_weights[year] for year in nearest.tolist()]))
    first_day = (start - _EPOCH).days
    return _Calendar(
        first_day=first_day,
        iso=np.array([day.isoformat() for day in days], dtype=object),
        # Month names from a table, not strftime: the locale must not change the output.
        text=np.array([f"{day.day} {_MONTHS[day.month - 1]} {day.year}" for day in days], dtype=object),
        year=years.astype(np.int64),
        unix=(first_day + np.arange(len(days), dtype=np.int64)) * _UNIX_DAY,
        cdf=np.stack(cdf),
        timestamp_cap=((end - _EPOCH).days + config.SYNTH_TIMESTAMP_MARGIN_DAYS) * _UNIX_DAY,
    )
