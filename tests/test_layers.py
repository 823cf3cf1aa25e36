"""The import contracts in pyproject.toml keep up with the code: `make lint` checks them with
lint-imports; these tests fail when a new app or views module would slip past them."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "tandem"


def contracts() -> list[dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    return found


def layered_names() -> set[str]:
    (layers,) = [c["layers"] for c in contracts() if c["type"] == "layers"]
    names = {name.strip() for layer in layers for name in layer.replace("|", ":").split(":")}
    return {name.strip("()") for name in names}


def test_every_app_and_top_level_module_has_a_layer() -> None:
    modules = {path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    apps = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert modules | apps <= layered_names()


def test_every_views_module_is_protected_from_other_apps() -> None:
    views = {
        ".".join(("tandem", *path.relative_to(PACKAGE).with_suffix("").parts))
        for path in PACKAGE.glob("*/*.py")
        if path.stem.startswith("views") or path.stem.endswith("_views")
    }
    protected = {
        module
        for contract in contracts()
        if contract["type"] == "protected"
        for module in contract["protected_modules"]
    }
    assert views == protected


def test_core_names_the_user_model_only_for_type_checking() -> None:
    # The contracts ignore core -> accounts.models; this is why they may.
    graph = grimp.build_graph("tandem", exclude_type_checking_imports=True, cache_dir=None)
    assert not graph.chain_exists(
        importer="tandem.core", imported="tandem.accounts", as_packages=True
    )
