"""Architecture contract: no Streamlit in the core package or the layer builders."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
STREAMLIT_FREE = ("borderwatch", "layers")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize(
    "path",
    sorted(p for package in STREAMLIT_FREE for p in (REPO_ROOT / package).rglob("*.py")),
    ids=lambda p: str(p.relative_to(REPO_ROOT)),
)
def test_module_does_not_import_streamlit(path):
    streamlit_imports = {m for m in _imported_modules(path) if m.split(".")[0] in ("streamlit", "streamlit_folium")}
    assert not streamlit_imports, f"{path} imports {sorted(streamlit_imports)}"


@pytest.mark.parametrize(
    "path", sorted((REPO_ROOT / "layers").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO_ROOT))
)
def test_layer_modules_use_named_functions_not_lambdas(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert not [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Lambda)]


def test_importing_the_core_and_layers_does_not_load_streamlit():
    code = (
        "import sys, importlib, pkgutil\n"
        "for package in ('borderwatch', 'layers'):\n"
        "    module = importlib.import_module(package)\n"
        "    for info in pkgutil.walk_packages(module.__path__, package + '.'):\n"
        "        if not info.name.endswith('__main__'):\n"
        "            importlib.import_module(info.name)\n"
        "print('streamlit' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_set_page_config_is_called_once_in_dashboard_py_only():
    calls = {
        str(path.relative_to(REPO_ROOT)): path.read_text(encoding="utf-8").count("set_page_config(")
        for path in REPO_ROOT.glob("**/*.py")
        if ".venv" not in path.parts and "tests" not in path.parts
    }
    assert {name: n for name, n in calls.items() if n} == {"dashboard.py": 1}
