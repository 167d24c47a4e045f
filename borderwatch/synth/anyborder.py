"""Synthetic ACLED rows for any land border other than Tunisia–Libya.

The Tunisia–Libya generator (:mod:`borderwatch.synth.generate`) draws on
tables written for that region: its towns, governments, armed groups and
news sources. Any other border gets a simpler model built from the border
alone:

* places: the GeoNames towns of 15,000 people or more
  (``data/synth/border_towns.csv``, built by ``scripts/build_border_towns.py``)
  of the border's two countries within
  :data:`borderwatch.config.SYNTH_ANY_BORDER_TOWN_KM` of it, weighted by
  population (at least the :data:`borderwatch.config.SYNTH_ANY_BORDER_MIN_TOWNS`
  nearest of each side), and, for :data:`borderwatch.config.SYNTH_ANY_BORDER_SHARE`
  of the rows, points a few kilometres inside either side of the line itself,
  named after the nearest town on their side. A side without towns (a country
  GeoNames has no code for, such as Somaliland) has every row along the
  border, named "<country> border area". Every point lies in the country its row
  names, as :mod:`borderwatch.bordermeasures` measures sides;
* the two countries' names, ISO numeric codes (Natural Earth's) and their
  continent as ``region``; generic actors named as ACLED names them
  ("Military Forces of Morocco", "Protesters (Algeria)") with their ``inter``
  codes; a type mix with more clashes, arrests and seizures along the line
  than in towns; dates uniform over the range; fatalities, precisions,
  notes, crowd tags and timestamps drawn as the Tunisia–Libya rows are.

``admin1`` is left empty: GeoNames gives only codes for provinces.
The same border, rows and seed give the same rows, drawn in blocks of
:data:`borderwatch.config.SYNTH_BLOCK_ROWS` as the Tunisia–Libya rows are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import pandas as pd

from borderwatch import config, reference
from borderwatch.bordermeasures import PreparedBorder, prepared_border
from borderwatch.borders import Border
from borderwatch.bordertowns import towns_near
from borderwatch.projection import geod
from borderwatch.synth.model import _cumulative, _draw
from borderwatch.synth.tables import (
    _EPOCH,
    _MONTHS,
    _UNIX_DAY,
    ACLED_COLUMNS,
    CROWD_TAGS,
    DEATH_CHANCE,
    DEATH_TAIL,
    DEFAULT_DEATH_TAIL,
    DISORDER_TYPES,
    KM_PER_DEGREE,
    NOTES,
    TOPICS,
)

#: (event type, sub-event type, weight in towns, weight along the border,
#: actor1, its inter code, actor2 or "", its inter code); ``{country}`` is the row's country.
EVENTS: Final[tuple[tuple[str, str, float, float, str, int, str, int], ...]] = (
    ("Protests", "Peaceful protest", 30, 3, "Protesters ({country})", 6, "", 0),
    ("Protests", "Protest with intervention", 5, 1, "Protesters ({country})", 6, "Police Forces of {country}", 1),
    ("Riots", "Violent demonstration", 6, 1, "Rioters ({country})", 5, "", 0),
    ("Riots", "Mob violence", 6, 2, "Rioters ({country})", 5, "Civilians ({country})", 7),
    ("Battles", "Armed clash", 12, 20, "Military Forces of {country}", 1, "Unidentified Armed Group ({country})", 3),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 4, 10, "Military Forces of {country}", 1,
     "", 0),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 4, 6, "Unidentified Armed Group ({country})", 3,
     "Military Forces of {country}", 1),
    ("Violence against civilians", "Attack", 10, 8, "Unidentified Armed Group ({country})", 3,
     "Civilians ({country})", 7),
    ("Violence against civilians", "Abduction/forced disappearance", 3, 4, "Unidentified Armed Group ({country})", 3,
     "Civilians ({country})", 7),
    ("Strategic developments", "Arrests", 8, 25, "Police Forces of {country}", 1, "", 0),
    ("Strategic developments", "Disrupted weapons use", 3, 10, "Military Forces of {country}", 1, "", 0),
    ("Strategic developments", "Looting/property destruction", 3, 2, "Unidentified Armed Group ({country})", 3,
     "Civilians ({country})", 7),
)
#: Sources (name, ACLED scale, weight); ``{country}`` is the row's country.
SOURCES: Final[tuple[tuple[str, str, float], ...]] = (
    ("Agence France-Presse", "International", 3.0),
    ("Reuters", "International", 3.0),
    ("Associated Press", "International", 2.0),
    ("National media ({country})", "National", 4.0),
    ("Local media ({country})", "Subnational", 2.0),
)
#: ACLED-like region of a GeoNames continent code.
REGIONS: Final[dict[str, str]] = {
    "AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "North America", "SA": "South America",
    "OC": "Oceania", "AN": "Antarctica",
}
#: Points along the border rows are drawn around, per side.
_ANCHORS: Final[int] = 400


@dataclass(frozen=True)
class _BorderModel:
    """Towns and anchor points of both sides (side 0: ``code_a``'s country), and their draw weights."""

    prepared: PreparedBorder
    names: np.ndarray
    codes: np.ndarray
    numeric: np.ndarray
    regions: np.ndarray
    town_name: np.ndarray
    town_side: np.ndarray
    town_lon: np.ndarray
    town_lat: np.ndarray
    town_cdf: np.ndarray
    anchor_lon: np.ndarray
    anchor_lat: np.ndarray
    anchor_name: np.ndarray


@lru_cache(maxsize=1)
def _continents() -> dict[str, str]:
    table = pd.read_csv(config.SYNTH_BORDER_COUNTRIES_PATH, dtype=str, keep_default_na=False)
    return dict(zip(table["iso3"], table["continent"], strict=True))


def _anchors(border: Border, prepared: PreparedBorder, towns: pd.DataFrame) -> dict[str, np.ndarray]:
    """Points :data:`borderwatch.config.SYNTH_BORDER_ANCHOR_KM` inside each side, spread along the line,
    each named after the nearest town on its side (else "<country> border area")."""
    line = prepared.line
    positions = (np.arange(_ANCHORS) + 0.5) / _ANCHORS * line.length_km
    lon, lat = line.locate(positions)
    ahead_lon, ahead_lat = line.locate(np.minimum(positions + 0.5, line.length_km))
    behind_lon, behind_lat = line.locate(np.maximum(positions - 0.5, 0.0))
    azimuth, _, _ = geod().inv(behind_lon, behind_lat, ahead_lon, ahead_lat)
    anchor_lon, anchor_lat = np.empty((2, _ANCHORS)), np.empty((2, _ANCHORS))
    anchor_name = np.empty((2, _ANCHORS), dtype=object)
    names = (border.name_a, border.name_b)
    for side, turn in ((0, -90.0), (1, 90.0)):  # code_a's country is on the left
        side_lon, side_lat, _ = geod().fwd(lon, lat, np.asarray(azimuth) + turn,
                                           np.full(_ANCHORS, config.SYNTH_BORDER_ANCHOR_KM * 1000.0))
        anchor_lon[side], anchor_lat[side] = side_lon, side_lat
        mine = towns[towns["side"] == side]
        if mine.empty:
            anchor_name[side] = f"{names[side]} border area"
            continue
        _, _, metres = geod().inv(np.repeat(side_lon, len(mine)), np.repeat(side_lat, len(mine)),
                                  np.tile(mine["longitude"].to_numpy(float), _ANCHORS),
                                  np.tile(mine["latitude"].to_numpy(float), _ANCHORS))
        nearest = np.asarray(metres).reshape(_ANCHORS, len(mine)).argmin(axis=1)
        anchor_name[side] = mine["name"].to_numpy(object)[nearest]
    # An anchor across a bend of the line, or in a third country, is moved onto the line's own point.
    measured = prepared.measure(anchor_lat.ravel(), anchor_lon.ravel())["border_side"].to_numpy().reshape(2, -1)
    for side in (0, 1):
        wrong = measured[side] != names[side]
        anchor_lon[side, wrong], anchor_lat[side, wrong] = np.nan, np.nan
    return {"anchor_lon": anchor_lon, "anchor_lat": anchor_lat, "anchor_name": anchor_name}


@lru_cache(maxsize=4)
def _border_model(key: str) -> _BorderModel:
    prepared = prepared_border(key)
    border = prepared.border
    towns = towns_near(border, prepared, config.SYNTH_ANY_BORDER_TOWN_KM, config.SYNTH_ANY_BORDER_MIN_TOWNS)
    world = reference.load_world_countries().set_index("iso3")
    continents = _continents()
    weight = towns["population"].to_numpy(float) ** config.SYNTH_POPULATION_EXPONENT
    return _BorderModel(
        prepared=prepared,
        names=np.array([border.name_a, border.name_b], dtype=object),
        codes=np.array([border.code_a, border.code_b], dtype=object),
        numeric=np.array([int(world.at[code, "iso_n3"]) if code in world.index and pd.notna(world.at[code, "iso_n3"])
                          else 0 for code in (border.code_a, border.code_b)], dtype=np.int64),
        regions=np.array([REGIONS.get(continents.get(code, ""), "") for code in (border.code_a, border.code_b)],
                         dtype=object),
        town_name=towns["name"].to_numpy(object),
        town_side=towns["side"].to_numpy(np.int64),
        town_lon=towns["longitude"].to_numpy(float),
        town_lat=towns["latitude"].to_numpy(float),
        town_cdf=_cumulative(weight) if len(towns) else np.empty(0),
        **_anchors(border, prepared, towns),
    )


def _scatter(rng: np.random.Generator, lon: np.ndarray, lat: np.ndarray, sigma_km: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    north, east = rng.standard_normal((2, len(lon)))
    latitude = np.round(lat + north * sigma_km / KM_PER_DEGREE, 4)
    longitude = np.round(lon + east * sigma_km / (KM_PER_DEGREE * np.cos(np.radians(lat))), 4)
    return longitude, latitude


def _places(model: _BorderModel, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Side, place name, coordinates and precision of each row, every point inside its side's country."""
    usable = [np.flatnonzero(np.isfinite(model.anchor_lon[side])) for side in (0, 1)]
    has_towns = len(model.town_cdf) > 0
    on_border = (rng.random(n) < config.SYNTH_ANY_BORDER_SHARE) | (not has_towns)
    side = (rng.random(n) < 0.5).astype(np.int64)
    # A side without a usable anchor (a stretch too short or twisted) leaves its border rows to the other.
    for empty, other in ((0, 1), (1, 0)):
        if len(usable[empty]) == 0:
            side[:] = other
    anchor_draw = rng.random(n)
    anchor = np.empty(n, dtype=np.int64)
    for index in (0, 1):
        mine = side == index
        if len(usable[index]):
            anchor[mine] = usable[index][(anchor_draw[mine] * len(usable[index])).astype(np.int64)]
    town = (np.minimum(np.searchsorted(model.town_cdf, rng.random(n), side="right"), len(model.town_cdf) - 1)
            if has_towns else np.zeros(n, dtype=np.int64))
    at_town = ~on_border
    if has_towns:
        side = np.where(at_town, model.town_side[town], side)
        centre_lon = np.where(at_town, model.town_lon[town], model.anchor_lon[side, anchor])
        centre_lat = np.where(at_town, model.town_lat[town], model.anchor_lat[side, anchor])
        name = np.where(at_town, model.town_name[town], model.anchor_name[side, anchor])
    else:
        centre_lon, centre_lat = model.anchor_lon[side, anchor], model.anchor_lat[side, anchor]
        name = model.anchor_name[side, anchor]
    shares = np.stack([_cumulative(config.SYNTH_TOWN_GEO_PRECISION_SHARES),
                       _cumulative(config.SYNTH_BORDER_GEO_PRECISION_SHARES)])
    precision = _draw(rng, shares, on_border.astype(np.int64)) + 1
    town_sigma = np.array([0.0] + [config.SYNTH_TOWN_SCATTER_KM[code] for code in (1, 2, 3)])
    border_sigma = np.array([0.0] + [config.SYNTH_BORDER_SCATTER_KM.get(code, 0.0) for code in (1, 2, 3)])
    sigma = np.where(on_border, border_sigma[precision], town_sigma[precision])
    lon, lat = _scatter(rng, centre_lon, centre_lat, sigma)
    wanted = model.names[side]
    outside = model.prepared.measure(lat, lon)["border_side"].to_numpy() != wanted
    for _ in range(config.SYNTH_MAX_REDRAWS):
        if not outside.any():
            break
        redo = np.flatnonzero(outside)
        lon[redo], lat[redo] = _scatter(rng, centre_lon[redo], centre_lat[redo], sigma[redo])
        outside[redo] = model.prepared.measure(lat[redo], lon[redo])["border_side"].to_numpy() != wanted[redo]
    # Still outside (a town on a coast the polygons miss): put it on an anchor of its side, inside by construction.
    for index in (0, 1):
        redo = np.flatnonzero(outside & (side == index))
        if redo.size and len(usable[index]):
            anchors = usable[index][redo % len(usable[index])]
            lon[redo] = np.round(model.anchor_lon[index, anchors], 4)
            lat[redo] = np.round(model.anchor_lat[index, anchors], 4)
            name[redo] = model.anchor_name[index, anchors]
    return {"side": side, "name": name, "longitude": lon, "latitude": lat, "precision": precision,
            "on_border": on_border}


def _block(model: _BorderModel, days: list[dt.date], seed: int, block: int) -> pd.DataFrame:
    """Rows ``block * SYNTH_BLOCK_ROWS`` onwards, from the block's own random stream."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    n = config.SYNTH_BLOCK_ROWS
    places = _places(model, rng, n)
    side = places["side"]
    weights = np.array([[event[2] for event in EVENTS], [event[3] for event in EVENTS]])
    event = _draw(rng, np.stack([_cumulative(row) for row in weights]), places["on_border"].astype(np.int64))
    day = rng.integers(0, len(days), n)
    chance = np.array([DEATH_CHANCE[entry[1]] for entry in EVENTS])[event]
    tail = np.array([DEATH_TAIL.get(entry[1], DEFAULT_DEATH_TAIL) for entry in EVENTS])[event]
    fatalities = np.where(rng.random(n) < chance, np.minimum(rng.zipf(tail), config.SYNTH_MAX_FATALITIES), 0)
    time_precision = _draw(rng, _cumulative(config.SYNTH_TIME_PRECISION_SHARES)[None, :], np.zeros(n, np.int64)) + 1
    source_cdf = _cumulative([weight for _, _, weight in SOURCES])
    first, second = (np.minimum(np.searchsorted(source_cdf, rng.random(n), side="right"), len(SOURCES) - 1)
                     for _ in range(2))
    second = np.where(rng.random(n) < config.SYNTH_TWO_SOURCES, second, first)
    topic = _draw(rng, _cumulative([weight for _, weight in TOPICS])[None, :], np.zeros(n, np.int64))
    crowd = _draw(rng, _cumulative([weight for _, weight in CROWD_TAGS])[None, :], np.zeros(n, np.int64))
    lag_days = rng.geometric(1.0 / config.SYNTH_TIMESTAMP_MEAN_DAYS, n)
    lag_days += np.where(rng.random(n) < config.SYNTH_REVISED_SHARE,
                         rng.integers(30, config.SYNTH_REVISED_MAX_DAYS, n), 0)
    first_day = (days[0] - _EPOCH).days
    cap = ((days[-1] - _EPOCH).days + config.SYNTH_TIMESTAMP_MARGIN_DAYS) * _UNIX_DAY
    timestamp = np.minimum((first_day + day + lag_days) * _UNIX_DAY + rng.integers(0, _UNIX_DAY, n), cap)

    # Texts that depend only on the event and the side, looked up for every row at once.
    event_type = np.array([entry[0] for entry in EVENTS], dtype=object)[event]
    sub_event = np.array([entry[1] for entry in EVENTS], dtype=object)[event]
    actor1 = np.array([[entry[4].format(country=name) for name in model.names] for entry in EVENTS],
                      dtype=object)[event, side]
    actor2 = np.array([[entry[6].format(country=name) for name in model.names] for entry in EVENTS],
                      dtype=object)[event, side]
    inter1 = np.array([entry[5] for entry in EVENTS])[event]
    inter2 = np.array([entry[7] for entry in EVENTS])[event]
    disorder = np.array([DISORDER_TYPES[entry[0]] for entry in EVENTS], dtype=object)[event]
    low, high = np.minimum(first, second), np.maximum(first, second)
    source = np.array([[["; ".join(dict.fromkeys(SOURCES[index][0].format(country=name) for index in (a, b)))
                         for name in model.names] for b in range(len(SOURCES))] for a in range(len(SOURCES))],
                      dtype=object)[low, high, side]
    scale = np.array([["-".join(dict.fromkeys((SOURCES[a][1], SOURCES[b][1]))) for b in range(len(SOURCES))]
                      for a in range(len(SOURCES))], dtype=object)[low, high]
    country = model.names[side]
    dates = [days[index] for index in day.tolist()]
    notes = [
        f"On {date.day} {_MONTHS[date.month - 1]} {date.year}, "
        + NOTES[sub][0 if second_actor else 1].format(actor1=first_actor, actor2=second_actor, location=place,
                                                     admin1=name, topic=TOPICS[subject][0])
        + ("" if not dead else " 1 fatality." if dead == 1 else f" {dead} fatalities.")
        for date, sub, first_actor, second_actor, place, name, subject, dead in zip(
            dates, sub_event.tolist(), actor1.tolist(), actor2.tolist(), places["name"].tolist(), country.tolist(),
            topic.tolist(), fatalities.tolist(), strict=True)
    ]
    crowd_tags = np.array([tag for tag, _ in CROWD_TAGS], dtype=object)[crowd]
    empty = np.full(n, "", dtype=object)
    columns = {
        "event_id_cnty": [f"{code}{number}" for code, number in zip(
            model.codes[side].tolist(), (block * n + np.arange(1, n + 1)).tolist(), strict=True)],
        "event_date": [date.isoformat() for date in dates],
        "year": np.array([date.year for date in dates], dtype=np.int64),
        "time_precision": time_precision,
        "disorder_type": disorder,
        "event_type": event_type,
        "sub_event_type": sub_event,
        "actor1": actor1,
        "assoc_actor_1": empty,
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": empty,
        "inter2": inter2,
        # ACLED's interaction: both codes, lower first; a lone actor's code times ten.
        "interaction": np.where(inter2 == 0, inter1 * 10, np.minimum(inter1, inter2) * 10 + np.maximum(inter1, inter2)),
        "civilian_targeting": np.where((inter2 == 7) & (disorder == "Political violence"), "Civilian targeting",
                                       "").astype(object),
        "iso": model.numeric[side],
        "region": model.regions[side],
        "country": country,
        "admin1": empty,
        "admin2": empty,
        "admin3": empty,
        "location": places["name"],
        "latitude": places["latitude"],
        "longitude": places["longitude"],
        "geo_precision": places["precision"],
        "source": source,
        "source_scale": scale,
        "notes": notes,
        "fatalities": fatalities,
        "tags": np.where(np.isin(event_type, ["Protests", "Riots"]), crowd_tags, "").astype(object),
        "timestamp": timestamp,
    }
    # Text stays as Python objects, as in the Tunisia–Libya rows: Arrow strings cost time for nothing here.
    return pd.DataFrame({name: pd.Series(values, dtype=object) if isinstance(values, list) or values.dtype == object
                         else values for name, values in columns.items()}, columns=list(ACLED_COLUMNS))


def border_acled(
    border: Border, rows: int, seed: int, *, start: dt.date, end: dt.date, chunk_rows: int
) -> Iterator[pd.DataFrame]:
    """Invented ACLED rows around any land border, chunk by chunk (see the module docstring).

    Parameters
    ----------
    border : Border
    rows, seed : int
        As :func:`borderwatch.synth.synthetic_acled` (checked there).
    start, end : datetime.date
        First and last event date.
    chunk_rows : int
        Rows per yielded frame (the last may be shorter).

    Yields
    ------
    pandas.DataFrame
        Columns :data:`borderwatch.synth.ACLED_COLUMNS`.
    """
    model = _border_model(border.key)
    if not np.isfinite(model.anchor_lon).any():
        raise ValueError(f"no point a few km off the {border.name} border lies inside either country")
    days = [start + dt.timedelta(days=offset) for offset in range((end - start).days + 1)]
    pending: list[pd.DataFrame] = []
    buffered = 0
    for block in range(-(-rows // config.SYNTH_BLOCK_ROWS)):
        frame = _block(model, days, seed, block).iloc[: rows - block * config.SYNTH_BLOCK_ROWS]
        pending.append(frame)
        buffered += len(frame)
        while buffered >= chunk_rows:
            merged = pd.concat(pending, ignore_index=True)
            yield merged.iloc[:chunk_rows].reset_index(drop=True)
            pending, buffered = [merged.iloc[chunk_rows:]], buffered - chunk_rows
    if buffered:
        yield pd.concat(pending, ignore_index=True)
