"""Drawing rows in blocks and laying them out as ACLED's columns."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from borderwatch import config
from borderwatch.borders import Border
from borderwatch.synth.anyborder import border_acled
from borderwatch.synth.model import (
    _Calendar,
    _calendar,
    _cumulative,
    _draw,
    _Model,
    _model,
)
from borderwatch.synth.tables import (
    _NO_ACTOR,
    _REGION,
    _UNIX_DAY,
    ACLED_COLUMNS,
    COUNTRIES,
    KM_PER_DEGREE,
)


def _scatter(rng: np.random.Generator, x: np.ndarray, y: np.ndarray, sigma_km: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian scatter around each point, in km, rounded to ACLED's 4 decimals."""
    north, east = rng.standard_normal((2, len(x)))
    latitude = np.round(y + north * sigma_km / KM_PER_DEGREE, 4)
    longitude = np.round(x + east * sigma_km / (KM_PER_DEGREE * np.cos(np.radians(y))), 4)
    return longitude, latitude


def _inside(model: _Model, country: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Whether each point lies inside the polygon of its row's country."""
    inside = np.zeros(len(x), dtype=bool)
    for index, polygon in enumerate(model.polygons):
        mine = country == index
        if mine.any():
            inside[mine] = shapely.contains_xy(polygon, x[mine], y[mine])
    return inside


def _draw_block(model: _Model, calendar: _Calendar, seed: int, block: int) -> dict[str, np.ndarray]:
    """Draw the numbers of rows ``block * config.SYNTH_BLOCK_ROWS`` to ``(block + 1) * config.SYNTH_BLOCK_ROWS - 1``.

    Each block has its own stream (spawned from the seed), so a block's rows
    do not depend on how many blocks came before or how they were chunked.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    n = config.SYNTH_BLOCK_ROWS
    on_border = rng.random(n) < config.SYNTH_BORDER_SHARE
    side = (rng.random(n) < 0.5).astype(np.int64)
    town = np.minimum(np.searchsorted(model.town_cdf, rng.random(n), side="right"), len(model.town_cdf) - 1)
    anchor_draw = rng.random(n)
    anchor = np.empty(n, dtype=np.int64)
    for index in range(len(model.border_countries)):
        cdf = model.anchor_cdf[index]
        anchor[side == index] = np.minimum(np.searchsorted(cdf, anchor_draw[side == index], side="right"), len(cdf) - 1)

    country = np.where(on_border, model.border_countries[side], model.town_country[town])
    centre_x = np.where(on_border, model.anchor_x[side, anchor], model.town_x[town])
    centre_y = np.where(on_border, model.anchor_y[side, anchor], model.town_y[town])
    # A border row is named after the nearest town on its side.
    town = np.where(on_border, model.anchor_town[side, anchor], town)
    profile = np.where(on_border, len(COUNTRIES) + side, country)

    shares = np.stack([
        _cumulative(config.SYNTH_TOWN_GEO_PRECISION_SHARES), _cumulative(config.SYNTH_BORDER_GEO_PRECISION_SHARES)
    ])
    geo_precision = _draw(rng, shares, on_border.astype(np.int64)) + 1
    town_sigma = np.array([0.0] + [config.SYNTH_TOWN_SCATTER_KM[code] for code in (1, 2, 3)])
    border_sigma = np.array([0.0] + [config.SYNTH_BORDER_SCATTER_KM.get(code, 0.0) for code in (1, 2, 3)])
    sigma = np.where(on_border, border_sigma[geo_precision], town_sigma[geo_precision])

    longitude, latitude = _scatter(rng, centre_x, centre_y, sigma)
    outside = ~_inside(model, country, longitude, latitude)
    for _ in range(config.SYNTH_MAX_REDRAWS):
        if not outside.any():
            break
        redo = np.flatnonzero(outside)
        longitude[redo], latitude[redo] = _scatter(rng, centre_x[redo], centre_y[redo], sigma[redo])
        outside[redo] = ~_inside(model, country[redo], longitude[redo], latitude[redo])
    # Still in the sea or across the border after every redraw: put it on its anchor, inside by construction.
    longitude[outside], latitude[outside] = centre_x[outside], centre_y[outside]

    day_draw = rng.random(n)
    day = np.empty(n, dtype=np.int64)
    period = np.empty(n, dtype=np.int64)
    for index in range(len(COUNTRIES)):
        mine = country == index
        day[mine] = np.minimum(np.searchsorted(calendar.cdf[index], day_draw[mine], side="right"),
                               calendar.cdf.shape[1] - 1)
        period[mine] = np.searchsorted(model.period_starts[index], calendar.first_day + day[mine], side="right") - 1

    pair = _draw(rng, model.profile_cum, profile)
    time_shares = _cumulative(config.SYNTH_TIME_PRECISION_SHARES)[None, :]
    time_precision = _draw(rng, time_shares, np.zeros(n, dtype=np.int64)) + 1
    group = country * len(model.pair_type) + pair
    dyad = _draw(rng, model.dyad_cum, group)
    actor1, actor2 = model.dyad_actor1[group, dyad], model.dyad_actor2[group, dyad]
    assoc1 = model.assoc_value[actor1, _draw(rng, model.assoc_cum, actor1)]
    assoc2 = model.assoc_value[actor2, _draw(rng, model.assoc_cum, actor2)]

    killed = rng.random(n) < model.death_chance[country, pair]
    count = np.minimum(rng.zipf(model.pair_tail[pair]), model.max_fatalities[country])
    fatalities = np.where(killed, count, 0)

    source1 = model.source_index[country, _draw(rng, model.source_cum, country)]
    source2 = model.source_index[country, _draw(rng, model.source_cum, country)]
    source2 = np.where(rng.random(n) < config.SYNTH_TWO_SOURCES, source2, source1)

    topic = np.minimum(np.searchsorted(model.topic_cdf, rng.random(n), side="right"), len(model.topics) - 1)
    crowd = np.minimum(np.searchsorted(model.crowd_cdf, rng.random(n), side="right"), len(model.crowd_cdf) - 1)
    crowd = np.where(model.pair_crowd[pair], crowd, len(model.crowd_tags) - 1)

    lag_days = rng.geometric(1.0 / config.SYNTH_TIMESTAMP_MEAN_DAYS, n)
    revised = rng.random(n) < config.SYNTH_REVISED_SHARE
    lag_days += np.where(revised, rng.integers(30, config.SYNTH_REVISED_MAX_DAYS, n), 0)
    timestamp = calendar.unix[day] + lag_days * _UNIX_DAY + rng.integers(0, _UNIX_DAY, n)
    timestamp = np.minimum(timestamp, calendar.timestamp_cap)

    return {
        "row": block * config.SYNTH_BLOCK_ROWS + np.arange(n, dtype=np.int64),
        "country": country, "town": town, "longitude": longitude, "latitude": latitude,
        "geo_precision": geo_precision, "time_precision": time_precision, "day": day, "period": period,
        "pair": pair, "actor1": actor1, "actor2": actor2, "assoc1": assoc1, "assoc2": assoc2,
        "fatalities": fatalities, "source1": source1, "source2": source2, "topic": topic, "crowd": crowd,
        "timestamp": timestamp,
    }


def _render(model: _Model, calendar: _Calendar, draws: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Lay drawn numbers out as ACLED's columns; row by row, so independent of chunking."""
    country, pair, town, day = draws["country"], draws["pair"], draws["town"], draws["day"]
    prefixes = np.array([spec.iso3 for spec in COUNTRIES], dtype=object)[country]
    actor1 = model.actor_names[draws["actor1"], draws["period"]]
    actor2 = model.actor_names[draws["actor2"], draws["period"]]
    inter1 = model.actor_inter[draws["actor1"], draws["period"]]
    inter2 = model.actor_inter[draws["actor2"], draws["period"]]
    # ACLED's interaction: both codes, lower first; a lone actor's code times ten.
    interaction = np.where(inter2 == 0, inter1 * 10, np.minimum(inter1, inter2) * 10 + np.maximum(inter1, inter2))
    targeted = (model.pair_political[pair] & (inter2 == 7)) | model.pair_excessive[pair]
    location = model.town_name[town]
    admin1 = model.town_admin1[town]
    templates = model.pair_notes[pair]
    has_actor2 = (actor2 != _NO_ACTOR).tolist()
    notes = [
        f"On {date_text}, "
        + (template[0] if second else template[1]).format(
            actor1=first, actor2=other, location=place, admin1=region, topic=topic
        )
        + tail
        for date_text, template, second, first, other, place, region, topic, tail in zip(
            calendar.text[day].tolist(), templates.tolist(), has_actor2, actor1.tolist(), actor2.tolist(),
            location.tolist(), admin1.tolist(), model.topics[draws["topic"]].tolist(),
            model.fatality_text[draws["fatalities"]].tolist(), strict=True,
        )
    ]
    columns = {
        "event_id_cnty": [prefix + str(number)
                          for prefix, number in zip(prefixes.tolist(), (draws["row"] + 1).tolist(), strict=True)],
        "event_date": calendar.iso[day],
        "year": calendar.year[day],
        "time_precision": draws["time_precision"],
        "disorder_type": model.pair_disorder[pair],
        "event_type": model.pair_type[pair],
        "sub_event_type": model.pair_sub[pair],
        "actor1": actor1,
        "assoc_actor_1": model.assoc_names[draws["assoc1"]],
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": model.assoc_names[draws["assoc2"]],
        "inter2": inter2,
        "interaction": interaction,
        "civilian_targeting": np.where(targeted, "Civilian targeting", "").astype(object),
        "iso": np.array([spec.numeric for spec in COUNTRIES], dtype=np.int64)[country],
        "region": np.full(len(country), _REGION, dtype=object),
        "country": np.array([spec.name for spec in COUNTRIES], dtype=object)[country],
        "admin1": admin1,
        # Delegations and districts mostly bear their main town's name.
        "admin2": location,
        "admin3": np.full(len(country), "", dtype=object),
        "location": location,
        "latitude": draws["latitude"],
        "longitude": draws["longitude"],
        "geo_precision": draws["geo_precision"],
        "source": model.source_text[draws["source1"], draws["source2"]],
        "source_scale": model.source_scale[draws["source1"], draws["source2"]],
        "notes": notes,
        "fatalities": draws["fatalities"],
        "tags": model.crowd_tags[draws["crowd"]],
        "timestamp": draws["timestamp"],
    }
    # Text stays as Python objects: building and writing Arrow strings costs
    # a third more time, for nothing here.
    return pd.DataFrame(
        {name: pd.Series(values, dtype=object) if _is_text(values) else values for name, values in columns.items()},
        columns=list(ACLED_COLUMNS),
    )


def _is_text(values: np.ndarray | list[str]) -> bool:
    return isinstance(values, list) or values.dtype == object


def _check_arguments(rows: int, seed: int, start: dt.date, end: dt.date, chunk_rows: int) -> None:
    for name, value, least in (("rows", rows, 0), ("seed", seed, 0), ("chunk_rows", chunk_rows, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise ValueError(f"{name} must be a whole number >= {least}, got {value!r}")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if end > dt.date.today():
        # The importer rejects dates in the future; such rows would be of no use.
        raise ValueError(f"end {end} is in the future")


def synthetic_acled(
    rows: int,
    seed: int,
    *,
    start: dt.date = config.SYNTH_DEFAULT_START,
    end: dt.date = config.SYNTH_DEFAULT_END,
    chunk_rows: int = config.SYNTH_CHUNK_ROWS,
    border: Border | None = None,
) -> Iterator[pd.DataFrame]:
    """Generate an invented ACLED export, chunk by chunk.

    Parameters
    ----------
    rows : int
        Rows in all, >= 0.
    seed : int
        Seed, >= 0. The same ``rows``, ``seed``, ``start`` and ``end`` give
        the same rows whatever ``chunk_rows``; the first rows of a longer
        run are those of a shorter one.
    start, end : datetime.date
        First and last event date; ``end`` may not be after today.
    chunk_rows : int
        Rows per yielded frame (the last may be shorter).
    border : Border, optional
        Another land border than Tunisia–Libya (the default): rows around it
        from :mod:`borderwatch.synth.anyborder`.

    Yields
    ------
    pandas.DataFrame
        Columns :data:`ACLED_COLUMNS` in that order: text columns as text,
        ``year``, the codes, ``fatalities`` and ``timestamp`` as integers,
        ``latitude`` and ``longitude`` as floats of 4 decimals.

    Raises
    ------
    ValueError
        A count or seed below its minimum, ``end`` before ``start`` or in the future.
    """
    _check_arguments(rows, seed, start, end, chunk_rows)
    if border is not None and border.key != config.DEFAULT_BORDER:
        yield from border_acled(border, rows, seed, start=start, end=end, chunk_rows=chunk_rows)
        return
    model, calendar = _model(), _calendar(start, end)
    pending: list[dict[str, np.ndarray]] = []
    buffered = 0
    for block in range(-(-rows // config.SYNTH_BLOCK_ROWS)):
        # A whole block is always drawn, then cut: a short run is the prefix of a long one.
        draws = _draw_block(model, calendar, seed, block)
        keep = min(config.SYNTH_BLOCK_ROWS, rows - block * config.SYNTH_BLOCK_ROWS)
        pending.append({key: value[:keep] for key, value in draws.items()})
        buffered += keep
        while buffered >= chunk_rows:
            merged = {key: np.concatenate([part[key] for part in pending]) for key in pending[0]}
            yield _render(model, calendar, {key: value[:chunk_rows] for key, value in merged.items()})
            pending = [{key: value[chunk_rows:] for key, value in merged.items()}]
            buffered -= chunk_rows
    if buffered:
        merged = {key: np.concatenate([part[key] for part in pending]) for key in pending[0]}
        yield _render(model, calendar, merged)


def write_synthetic_acled(
    path: Path,
    rows: int,
    seed: int,
    *,
    progress: Callable[[int], None] | None = None,
    start: dt.date = config.SYNTH_DEFAULT_START,
    end: dt.date = config.SYNTH_DEFAULT_END,
    border: Border | None = None,
) -> int:
    """Write an invented ACLED export as a UTF-8 CSV file.

    Parameters
    ----------
    path : Path
        File to write; replaced whole only once it is complete.
    rows : int
        Rows to write, >= 0 (0 writes the header alone).
    seed : int
        Seed, >= 0: the same rows and seed give the same bytes.
    progress : callable, optional
        Called with the number of rows written so far after each chunk.
    start, end : datetime.date
        First and last event date (see :func:`synthetic_acled`).
    border : Border, optional
        The border the rows lie around (see :func:`synthetic_acled`).

    Returns
    -------
    int
        Rows written.

    Raises
    ------
    ValueError
        As :func:`synthetic_acled`.
    OSError
        The file cannot be written.
    """
    path = Path(path)
    _check_arguments(rows, seed, start, end, config.SYNTH_CHUNK_ROWS)
    # Written beside the target and renamed at the end: an interrupted run
    # leaves no half file that looks like a whole one.
    partial = path.with_name(f".{path.name}.partial")
    written = 0
    try:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            stream.write(",".join(ACLED_COLUMNS) + "\n")
            for chunk in synthetic_acled(rows, seed, start=start, end=end, border=border):
                # Coordinates are floats rounded to 4 decimals, written as their shortest repr.
                chunk.to_csv(stream, header=False, index=False, lineterminator="\n")
                written += len(chunk)
                if progress is not None:
                    progress(written)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return written
