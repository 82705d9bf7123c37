"""The import contract of docs/decisions/011 (pyproject.toml [tool.importlinter]) holds, and it would catch a
domain app that imports serving code: tried on a copy of the tree with one bad import added."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]


def lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=where, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where)})


@pytest.fixture
def tree(tmp_path):
    """A copy of the project's Python packages and its contract."""
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "static",
                                                                                   "templates", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(path: Path, line: str) -> None:
    path.write_text(f"{line}  # noqa\n" + path.read_text())


def test_the_tree_keeps_its_contracts():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_register_importing_the_api_toolkit_breaks_it(tree):
    add_import(tree / "parcels" / "services" / "records.py", "import api.errors")
    result = lint(tree)
    assert result.returncode != 0
    assert "parcels.services.records -> api.errors" in result.stdout


def test_a_domain_app_importing_tiles_breaks_it(tree):
    add_import(tree / "geo" / "selectors.py", "from tiles import grid")
    result = lint(tree)
    assert result.returncode != 0
    assert "geo.selectors -> tiles.grid" in result.stdout


def test_the_core_importing_a_register_breaks_it(tree):
    add_import(tree / "accounts" / "selectors.py", "from parcels.models import Parcel")
    result = lint(tree)
    assert result.returncode != 0
    assert "accounts.selectors -> parcels.models" in result.stdout
