"""The direction of imports inside the package, as STYLE.md fixes it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "service" / "towngown"

#: module (first part under towngown) -> towngown modules it may import.
ALLOWED: dict[str, set[str]] = {
    "__init__": set(),
    "config": {"errors"},
    "errors": set(),
    "resources": set(),
    "vocab": set(),
    "store": {"config", "errors", "resources", "vocab", "store"},
    "sparql": {"errors"},
    "description": {"__init__", "vocab"},
    "catalog": {"errors", "resources", "vocab", "sparql"},
    "validation": {"errors", "resources", "vocab"},
    "ksreference": {"errors", "vocab"},
    "publish": {"config", "errors", "resources", "vocab", "validation"},
    "web": {"__init__", "config", "errors", "resources", "vocab", "store", "sparql", "catalog", "validation", "publish", "description", "web"},
    "cli": {"__init__", "config", "errors", "resources", "vocab", "store", "sparql", "catalog", "validation", "publish", "description", "web", "ksreference"},
}

# Publishing, versions, tokens and harvesting (issue 5): the data-directory files sit beside config, tokens and
# history on them, submission checks what a publisher sends, harvest fetches (through store) and publishes.
ALLOWED |= {
    "datadir": {"config", "errors"},
    "canonical": set(),
    "tokens": {"config", "errors", "datadir"},
    "history": {"config", "errors", "datadir", "canonical"},
    "submission": {"config", "errors", "datadir", "validation", "vocab", "canonical"},
    "harvest": {"config", "errors", "vocab", "store", "sparql", "validation", "publish", "history", "submission", "datadir"},
}
ALLOWED["publish"] = ALLOWED["publish"] | {"datadir", "history", "submission", "tokens"}
ALLOWED["web"] = ALLOWED["web"] | {"datadir", "history", "submission", "tokens"}
ALLOWED["cli"] = ALLOWED["cli"] | {"datadir", "history", "submission", "tokens", "harvest"}

# Comparison and documentation (issue 4): modeldoc reads the ontology and shapes files, compare runs stored
# queries through the store protocol, charts draws SVG from plain values and imports nothing of ours.
ALLOWED |= {
    "modeldoc": {"resources", "vocab"},
    "charts": set(),
    "compare": {"errors", "catalog", "modeldoc"},
}
ALLOWED["web"] = ALLOWED["web"] | {"modeldoc", "charts", "compare"}
ALLOWED["cli"] = ALLOWED["cli"] | {"modeldoc", "charts", "compare"}

# The questionnaire (issue 5, validate/contribute): concepts reads the concept schemes and labels of the ontology
# (through validation.load_ontology); questionnaire reads YAML/XLSX/form answers and builds the partnership graph.
ALLOWED |= {
    "concepts": {"config", "validation", "vocab"},
    "questionnaire": {"config", "errors", "vocab", "concepts"},
}
ALLOWED["web"] = ALLOWED["web"] | {"concepts", "questionnaire"}
ALLOWED["cli"] = ALLOWED["cli"] | {"concepts", "questionnaire"}

# Linked-data view (issue 4, browse): descriptions, the questionnaire layout and the lists, through the store
# protocol and the stored queries; no Flask.
ALLOWED |= {"browse": {"errors", "vocab", "catalog"}}
ALLOWED["web"] = ALLOWED["web"] | {"browse"}
ALLOWED["cli"] = ALLOWED["cli"] | {"browse"}

#: third-party libraries that may be imported in one place only.
ONE_PLACE = {"pyshacl": "validation", "flask": "web", "requests": "store", "SPARQLWrapper": "store", "click": "cli"}
ONE_PLACE["openpyxl"] = "questionnaire"  # the XLSX workbook is read and written in one package (issue 5)


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative_to = path.relative_to(PACKAGE).with_suffix("").parts
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(relative_to[: len(relative_to) - node.level])
                if node.module:
                    base += node.module.split(".")
                found.append((".".join(["towngown", *base]) if base else "towngown", node.level))
                if not node.module:
                    found += [(".".join(["towngown", *base, a.name]), node.level) for a in node.names]
            else:
                found.append((node.module or "", 0))
    return found


def _owner(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def test_imports_follow_the_direction() -> None:
    """No module imports against the direction config/errors/resources/vocab -> store -> catalog/validation/publish -> web -> cli."""
    bad = []
    for path in PACKAGE.rglob("*.py"):
        owner = _owner(path)
        allowed = ALLOWED.get(owner)
        assert allowed is not None, f"{path}: add this module to the import map in tests/test_imports.py"
        for name, _ in _imports(path):
            parts = name.split(".")
            if parts[0] != "towngown" or len(parts) == 1 or parts[1] == "__version__":
                continue
            target = parts[1]
            if target != owner and target not in allowed:
                bad.append(f"{path.relative_to(PACKAGE)} imports towngown.{target}")
    assert not bad, bad


def test_third_party_libraries_live_in_one_place() -> None:
    """pyshacl only in validation, Flask only in web, the HTTP client only in store, click only in cli."""
    bad = []
    for path in PACKAGE.rglob("*.py"):
        owner = _owner(path)
        for name, level in _imports(path):
            if level:
                continue
            library = name.split(".")[0]
            if library in ONE_PLACE and ONE_PLACE[library] != owner:
                bad.append(f"{path.relative_to(PACKAGE)} imports {library}")
    assert not bad, bad


def test_nothing_imports_cli() -> None:
    """The CLI is a leaf: no module imports it."""
    for path in PACKAGE.rglob("*.py"):
        if _owner(path) == "cli":
            continue
        for name, _ in _imports(path):
            assert not name.startswith("towngown.cli"), path
