#!/usr/bin/env bash
# Install what the tests need (Debian's Chromium, a virtual environment with
# requirements-dev.txt) and run every test. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq chromium
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt -e .
# Four at a time: browser tests spend most of their time waiting for a person's pace.
exec .venv/bin/python -m pytest -n 4 "$@"
