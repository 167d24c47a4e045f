"""The project's house rules, checked by the tools a maintainer would run.

The import contracts (import-linter), lint (ruff) and types (mypy) run here so
they cannot rot; the pins in requirements*.txt are checked against the ranges
of pyproject.toml, and the installed package against the folders of the core.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
TOOLS = Path(sys.executable).parent
#: Longest module of the core, in lines: one sitting's reading.
MAX_CORE_MODULE_LINES = 700
PROJECT_PACKAGES = ("borderwatch", "layers", "ui", "app_pages")


def _tool(name: str) -> str:
    path = TOOLS / name
    return str(path) if path.exists() else (shutil.which(name) or name)


def _pins(file_name: str) -> dict[str, Requirement]:
    """Requirements of one file (not the files it includes), by canonical name."""
    pins = {}
    for line in (REPO_ROOT / file_name).read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text and not text.startswith("-"):
            requirement = Requirement(text)
            pins[canonicalize_name(requirement.name)] = requirement
    return pins


def _ranges(requirements: list[str]) -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, requirements)}


def _pinned_version(requirement: Requirement) -> str:
    (specifier,) = requirement.specifier
    assert specifier.operator == "==", f"{requirement} is not pinned to one version"
    return specifier.version


@pytest.mark.parametrize(
    ("pins_file", "ranges"),
    [
        ("requirements.txt", PYPROJECT["project"]["dependencies"]),
        ("requirements-dev.txt", PYPROJECT["project"]["optional-dependencies"]["dev"]),
    ],
)
def test_requirements_pin_exactly_what_pyproject_declares_within_its_ranges(pins_file, ranges):
    pins, declared = _pins(pins_file), _ranges(ranges)
    assert sorted(set(pins) ^ set(declared)) == [], f"{pins_file} and pyproject.toml name different packages"
    outside = {
        name: (str(pins[name].specifier), str(declared[name].specifier))
        for name in pins
        if not declared[name].specifier.contains(_pinned_version(pins[name]))
    }
    assert outside == {}, f"pins outside pyproject's ranges: {outside}"
    assert {n: sorted(p.extras) for n, p in pins.items()} == {n: sorted(d.extras) for n, d in declared.items()}


def test_pyproject_installs_every_package_of_the_core():
    core = REPO_ROOT / "borderwatch"
    folders = {
        ".".join(path.parent.relative_to(REPO_ROOT).parts)
        for path in core.rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert folders - listed == set(), "packages of the core missing from pyproject.toml"
    assert listed - folders == {"borderwatch.bundled"}


def test_no_module_of_the_core_is_longer_than_one_sitting():
    lengths = {
        str(path.relative_to(REPO_ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (REPO_ROOT / "borderwatch").rglob("*.py")
    }
    assert {name: n for name, n in lengths.items() if n > MAX_CORE_MODULE_LINES} == {}


def _sys_path_edits(tree: ast.AST) -> list[int]:
    """Lines that change ``sys.path`` (a call of one of its methods, or an assignment to it),
    also in code passed as a string (``python -c``)."""

    def is_sys_path(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Attribute) and node.attr == "path"
            and isinstance(node.value, ast.Name) and node.value.id == "sys"
        )

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_sys_path(node.func.value):
            lines.append(node.lineno)
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(is_sys_path(t) or (isinstance(t, ast.Subscript) and is_sys_path(t.value)) for t in targets):
                lines.append(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "sys.path" in node.value:
            try:
                code = ast.parse(node.value)
            except SyntaxError:
                continue
            lines.extend(node.lineno for _ in _sys_path_edits(code))
    return lines


def test_no_code_edits_sys_path():
    paths = [p for package in (*PROJECT_PACKAGES, "scripts", "tests") for p in (REPO_ROOT / package).rglob("*.py")]
    paths += REPO_ROOT.glob("*.py")
    edits = [
        f"{path.relative_to(REPO_ROOT)}:{line}"
        for path in paths
        for line in _sys_path_edits(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert edits == []


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_tool("lint-imports"), "--no-cache"], cwd=root, capture_output=True, text=True, check=False, timeout=120
    )


def test_import_contracts_hold():
    result = _lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contract_refuses_a_core_module_that_draws(tmp_path):
    for package in PROJECT_PACKAGES:
        shutil.copytree(REPO_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "borderwatch" / "drawn_summary.py").write_text("import folium\n", encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "borderwatch.drawn_summary -> folium" in result.stdout


def test_ruff_finds_nothing_to_fix():
    result = subprocess.run(
        [_tool("ruff"), "check", "--no-cache", "--output-format", "concise", "."],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_no_type_error_in_the_core():
    # Incremental, as a maintainer runs it: the checkout's .mypy_cache (git ignores it) keeps what did not
    # change (pandas-stubs above all), so a later run checks only the changed modules and what depends on them.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(REPO_ROOT / ".mypy_cache")],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr


def test_the_version_exports_name_is_the_one_pyproject_declares():
    import tomllib

    import borderwatch

    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert borderwatch.__version__ == declared
