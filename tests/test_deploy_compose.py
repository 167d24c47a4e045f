"""The container recipe (docs/deploy/compose.yaml and its Dockerfile) fits the app it runs.

Docker is not run here: these read the files as Docker would and check them against what
the app reads (the environment variables of borderwatch/config.py, the launcher's Host
allow-list, the CLI's commands) and against the nginx recipe beside them.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from borderwatch import config
from borderwatch.cli import build_parser
from borderwatch.store.paths import DATA_DIR_ENV
from ui.network import allowed_hosts

DEPLOY = Path(__file__).resolve().parent.parent / "docs" / "deploy"
#: Every environment variable BorderWatch reads.
APP_VARIABLES = {config.DATABASE_URL_ENV, config.CACHE_DIR_ENV, config.ALLOW_ANONYMOUS_ENV, DATA_DIR_ENV,
                 "BORDERWATCH_INCIDENTS_FILE"}
#: What an operator would put in docs/deploy/.env.
OPERATOR_SETTINGS = {"BORDERWATCH_DB_PASSWORD": "s3cret", "BORDERWATCH_HOST": "watch.example.org"}


def _interpolated(text: str, settings: dict[str, str]) -> str:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?message}`` with ``settings`` as the environment."""
    def value(match: re.Match[str]) -> str:
        name, operator, rest = match.group(1), match.group(2), match.group(3) or ""
        if name in settings:
            return settings[name]
        if operator == ":?":
            raise KeyError(f"compose would stop: {rest}")
        return rest
    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", value, text)


@pytest.fixture(scope="module")
def compose() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(_interpolated((DEPLOY / "compose.yaml").read_text(), OPERATOR_SETTINGS))


def _dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions: (keyword, arguments), continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_compose_runs_postgis_a_one_shot_upgrade_and_two_app_processes(compose):
    services = compose["services"]
    assert set(services) == {"db", "upgrade-db", "app", "app2"}
    assert services["db"]["image"] == "postgis/postgis:15-3.3"
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in services["db"]["volumes"])
    assert services["upgrade-db"]["command"] == ["borderwatch", "upgrade-db"]
    assert services["upgrade-db"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("app", "app2"):
        assert services[name]["depends_on"] == {"db": {"condition": "service_healthy"},
                                                "upgrade-db": {"condition": "service_completed_successfully"}}


def test_the_upgrade_command_is_one_the_cli_has(compose):
    arguments = compose["services"]["upgrade-db"]["command"][1:]
    assert build_parser().parse_args(arguments).handler.__name__ == "_upgrade_db"


def test_the_database_is_healthy_only_when_it_accepts_connections_to_the_apps_database(compose):
    db = compose["services"]["db"]
    kind, command = db["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    words = shlex.split(command)
    assert words[0] == "pg_isready"
    assert words[words.index("--username") + 1] == db["environment"]["POSTGRES_USER"]
    assert words[words.index("--dbname") + 1] == db["environment"]["POSTGRES_DB"]


def test_every_borderwatch_variable_set_is_one_the_app_reads(compose):
    for name, service in compose["services"].items():
        variables = {key for key in service.get("environment", {}) if key.startswith("BORDERWATCH_")}
        assert variables <= APP_VARIABLES, name
    dockerfile_variables = {
        word.split("=")[0] for keyword, arguments in _dockerfile() if keyword == "ENV" for word in arguments.split()
        if word.startswith("BORDERWATCH_")
    }
    assert dockerfile_variables and dockerfile_variables <= APP_VARIABLES


def test_app_and_upgrade_reach_the_compose_database_as_its_owner(compose):
    db = compose["services"]["db"]["environment"]
    for name in ("upgrade-db", "app", "app2"):
        environment = compose["services"][name]["environment"]
        url = urlsplit(environment[config.DATABASE_URL_ENV])
        assert (url.scheme, url.hostname, url.username, url.path) == (
            "postgresql", "db", db["POSTGRES_USER"], "/" + db["POSTGRES_DB"])
        # libpq reads the password from the environment, so it is in no URL a message could show.
        assert url.password is None and environment["PGPASSWORD"] == db["POSTGRES_PASSWORD"] == "s3cret"


def test_a_missing_database_password_stops_compose_with_a_message():
    with pytest.raises(KeyError, match="set BORDERWATCH_DB_PASSWORD"):
        _interpolated((DEPLOY / "compose.yaml").read_text(), {})


def test_each_app_process_listens_on_every_interface_answers_its_names_and_reads_sign_in_read_only(compose):
    for name in ("app", "app2"):
        service = compose["services"][name]
        command = service["command"]
        assert command[:3] == ["streamlit", "run", "app.py"]
        assert command[command.index("--server.address") + 1] == "0.0.0.0"
        names = [command[index + 1] for index, word in enumerate(command) if word == "--server.allowedHosts"]
        assert allowed_hosts(names, []) == ["localhost", "watch.example.org"]
        (secrets,) = service["volumes"]
        assert (secrets["type"], secrets["target"], secrets["read_only"]) == (
            "bind", "/app/.streamlit/secrets.toml", True)
        assert service["healthcheck"]["test"][:2] == ["CMD", "python"]
        assert f"localhost:{command[command.index('--server.port') + 1]}/_stcore/health" in (
            service["healthcheck"]["test"][-1])


def test_the_app_processes_publish_where_the_nginx_recipe_looks_for_them(compose):
    published = {port.rsplit(":", 1)[0] for name in ("app", "app2") for port in compose["services"][name]["ports"]}
    upstream = set(re.findall(r"^\s*server (127\.0\.0\.1:\d+);", (DEPLOY / "nginx.conf").read_text(), re.MULTILINE))
    assert published == upstream == {"127.0.0.1:8501", "127.0.0.1:8502"}


def test_the_image_installs_the_checkout_and_runs_the_app_as_a_user_without_privileges():
    instructions = _dockerfile()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    runs = " && ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    assert "pip install -r requirements.txt" in runs and "-e ." in runs
    (user,) = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert user not in ("root", "0")
    # The user is set before the command runs, and the checkout is /app (where secrets.toml is mounted).
    keywords = [keyword for keyword, _ in instructions]
    assert keywords.index("USER") < keywords.index("CMD")
    assert ("WORKDIR", "/app") in instructions
    assert ("CMD", '["streamlit", "run", "app.py", "--server.address", "0.0.0.0"]') in instructions


def test_the_image_never_takes_the_sign_in_secrets_from_the_checkout():
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert ".streamlit/secrets.toml" in ignored and ".venv" in ignored
