#!/usr/bin/env bash
# Install what the tests need (Debian's Chromium and PostGIS, a virtual environment with
# requirements-dev.txt) and run every test. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The tests start a throwaway PostgreSQL cluster with PostGIS (tests/pgcluster.py).
[ -f /usr/share/postgresql/15/extension/postgis.control ] || missing+=(postgresql-15-postgis-3)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}"
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt -e .
# Four at a time, one test per hand-out, longest first (tests/conftest.py): browser tests
# spend most of their time waiting at a person's pace, and none is left to run alone at the end.
exec .venv/bin/python -m pytest -n 4 --maxschedchunk 1 "$@"
