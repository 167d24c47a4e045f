"""The throwaway PostGIS cluster works: PostGIS is there, COPY loads points, a box query uses GiST."""

from __future__ import annotations

import random

import psycopg
import pytest

POINTS = 100_000
BOX = (22.0, 44.0, 22.5, 44.5)  # west, south, east, north (degrees)


def _random_points(count: int) -> list[tuple[float, float]]:
    rng = random.Random(13)
    return [(rng.uniform(20.0, 30.0), rng.uniform(40.0, 50.0)) for _ in range(count)]


def test_cluster_answers_with_postgis_and_its_geos_and_proj(postgis_url: str) -> None:
    with psycopg.connect(postgis_url) as connection:
        version = connection.execute("SELECT postgis_full_version()").fetchone()[0]
    assert version.startswith('POSTGIS="3.')
    assert "GEOS=" in version and "PROJ=" in version


def test_cluster_listens_on_loopback_only(pg_cluster) -> None:
    with psycopg.connect(pg_cluster.url("postgres")) as connection:
        settings = dict(connection.execute(
            "SELECT name, setting FROM pg_settings"
            " WHERE name IN ('listen_addresses', 'unix_socket_directories')"
        ).fetchall())
    assert settings == {"listen_addresses": "127.0.0.1", "unix_socket_directories": ""}


def test_copied_points_in_a_box_are_found_through_the_gist_index(postgis_url: str, artifacts) -> None:
    points = _random_points(POINTS)
    west, south, east, north = BOX
    expected = sum(west <= x <= east and south <= y <= north for x, y in points)
    with psycopg.connect(postgis_url) as connection:
        connection.execute(
            "CREATE TABLE incident (id integer PRIMARY KEY, position geometry(Point, 4326) NOT NULL)"
        )
        connection.execute("CREATE INDEX incident_position_gist ON incident USING gist (position)")
        with connection.cursor().copy("COPY incident (id, position) FROM STDIN") as copy:
            for number, (x, y) in enumerate(points):
                copy.write_row((number, f"SRID=4326;POINT({x!r} {y!r})"))
        connection.execute("ANALYZE incident")
        query = "SELECT count(*) FROM incident WHERE position && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"
        plan = "\n".join(row[0] for row in connection.execute(f"EXPLAIN {query}", BOX))
        found = connection.execute(query, BOX).fetchone()[0]
    (artifacts / "pgcluster-explain.txt").write_text(plan + "\n")
    assert "incident_position_gist" in plan
    assert found == expected > 0


@pytest.mark.parametrize("statement", ["DELETE FROM spatial_ref_sys", "DROP EXTENSION postgis CASCADE"])
def test_each_test_database_is_a_fresh_copy(postgis_url: str, statement: str) -> None:
    """Both cases damage their database; the second still finds PostGIS whole."""
    with psycopg.connect(postgis_url) as connection:
        assert connection.execute("SELECT count(*) FROM spatial_ref_sys").fetchone()[0] > 5000
        connection.execute(statement)
