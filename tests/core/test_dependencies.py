"""The arrows of dependency run one way: core ← domain apps ← fronts (dashboard, portal, api, demo, onboarding).

Read from the source (every import, including those inside functions), so a lazy import cannot
hide a wrong arrow; and no app reaches another through `importlib` or hedges with `ImportError`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nyata

ROOT = Path(nyata.__file__).parent
# Packages that know no domain app: the base every app builds on.
BASE = {"core", "scoring", "documents", "formats"}
DOMAIN = {"planning", "agreements", "reporting", "projects", "products", "ratings", "lkjip", "evaluation"}
FRONTS = {"dashboard", "portal", "api", "demo", "onboarding"}


def _modules() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if "migrations" not in p.parts]


def _package(path: Path) -> str:
    rel = path.relative_to(ROOT).parts
    return rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")


def _imported_packages(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + (
                [f"nyata.{a.name}" for a in node.names] if node.module == "nyata" else []
            )
        out |= {n.split(".")[1] for n in names if n.startswith("nyata.") and n.count(".") >= 1}
    return out


def test_every_package_is_placed_in_a_layer() -> None:
    packages = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == BASE | DOMAIN | FRONTS


def test_the_base_imports_no_domain_app_and_no_front() -> None:
    wrong = {
        (str(p.relative_to(ROOT)), pkg)
        for p in _modules() if _package(p) in BASE
        for pkg in _imported_packages(p) if pkg in DOMAIN | FRONTS
    }
    assert wrong == set()


def test_domain_apps_import_no_front() -> None:
    wrong = {
        (str(p.relative_to(ROOT)), pkg)
        for p in _modules() if _package(p) in DOMAIN
        # an app's API module uses the API's policy and error shape; its demo rows read the demo's data
        for pkg in _imported_packages(p)
        if pkg in FRONTS and not (pkg == "api" and p.name == "api.py") and not (pkg == "demo" and p.name == "demo.py")
    }
    assert wrong == set()


def test_no_app_is_reached_through_importlib_or_hedged_with_import_error() -> None:
    found = []
    for p in _modules():
        text = p.read_text()
        if "importlib" in text or re.search(r"except \(?[\w, ]*\bImportError\b", text):
            found.append(str(p.relative_to(ROOT)))
    assert found == []
