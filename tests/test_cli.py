"""The `towngown` command, run as a user runs it: a real process over a real embedded engine."""

from __future__ import annotations

import csv
import re
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.compare import isomorphic

ROOT = Path(__file__).resolve().parent.parent
TOWNGOWN = str(Path(sys.executable).parent / "towngown")
INVALID = ROOT / "tests" / "data" / "invalid"


def run(*args: str, data_dir: Path | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
    argv = [TOWNGOWN]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    result = subprocess.run([*argv, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"towngown {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


META = "https://w3id.org/towngown/graph/meta"


def _graphs(dataset: Dataset) -> dict[str, object]:
    """Named graphs by IRI, without graph/meta (the dataset version, new on every write by design)."""
    return {str(g.identifier): g for g in dataset.graphs() if len(g) and str(g.identifier) != META}


def assert_same_dataset(left: Dataset, right: Dataset) -> None:
    lg, rg = _graphs(left), _graphs(right)
    assert sorted(lg) == sorted(rg)
    for name in lg:
        assert isomorphic(lg[name], rg[name]), name


@pytest.fixture(scope="module")
def loaded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory into which `towngown load` has loaded the bundled ontology and data."""
    data_dir = tmp_path_factory.mktemp("var")
    result = run("load", data_dir=data_dir, check=True)
    assert "loaded" in result.stdout
    return data_dir


def test_validate_bundled_data_conforms() -> None:
    """`towngown validate data/ ontology/` reports conformance and exits 0."""
    result = run("validate", "data", "ontology")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout.lower()


def test_validate_reports_in_norwegian() -> None:
    """`--lang nb` gives the report in bokmål."""
    result = run("validate", "--lang", "nb", str(INVALID / "one-member.trig"))
    assert result.returncode == 1
    assert "medlem" in result.stdout.lower()


def test_validate_invalid_file_exits_1_naming_the_rule() -> None:
    """An invalid partnership gives exit 1 and a report naming the violated rule."""
    result = run("validate", str(INVALID / "fte-over-100.trig"))
    assert result.returncode == 1
    assert "100" in result.stdout


def test_validate_unparsable_file_names_line_and_column() -> None:
    """A file that does not parse gives exit 1 and one line naming file, line and column."""
    result = run("validate", str(INVALID / "broken-syntax.ttl"))
    assert result.returncode == 1
    assert "broken-syntax.ttl:" in result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    parts = last.split("broken-syntax.ttl:")[1].split(":")
    assert parts[0].strip().isdigit() and parts[1].strip().isdigit(), last


def test_query_json_and_csv(loaded_dir: Path) -> None:
    """`towngown query` prints SPARQL JSON or CSV from the loaded store."""
    q = "PREFIX tg: <https://w3id.org/towngown/ontology#> SELECT ?p WHERE { ?p a tg:UniversityMunicipalityPartnership }"
    result = run("query", q, data_dir=loaded_dir, check=True)
    payload = json.loads(result.stdout)
    found = {b["p"]["value"] for b in payload["results"]["bindings"]}
    assert "https://w3id.org/towngown/id/partnership/gjovik-ntnu" in found
    assert len(found) == 15
    as_csv = run("query", "--format", "csv", q, data_dir=loaded_dir, check=True)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {row["p"] for row in rows} == found


def test_query_turtle_for_construct(loaded_dir: Path) -> None:
    """A CONSTRUCT query prints Turtle; asking a SELECT for Turtle is a usage error."""
    q = "PREFIX org: <http://www.w3.org/ns/org#> CONSTRUCT { ?m org:member ?o } WHERE { ?m org:member ?o }"
    result = run("query", "--format", "turtle", q, data_dir=loaded_dir, check=True)
    assert "org#member" in result.stdout or "org:member" in result.stdout
    bad = run("query", "--format", "turtle", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", data_dir=loaded_dir)
    assert bad.returncode != 0 and "table" in bad.stderr


def test_query_syntax_error_names_position(loaded_dir: Path) -> None:
    """A malformed query exits 1 with the line and column of the error."""
    result = run("query", "SELECT ?x WHERE {\n  ?x ?y \n}", data_dir=loaded_dir)
    assert result.returncode == 1
    assert re.search(r"line \d+, column \d+", result.stderr), result.stderr


def test_export_then_load_is_isomorphic(loaded_dir: Path, tmp_path: Path) -> None:
    """Export as TriG, load that into an empty store, export again: the datasets are isomorphic, graph by graph."""
    first = tmp_path / "first.trig"
    run("export", "--format", "trig", "--output", str(first), data_dir=loaded_dir, check=True)
    other = tmp_path / "other-var"
    run("load", str(first), data_dir=other, check=True)
    second = run("export", "--format", "nq", data_dir=other, check=True).stdout
    left, right = Dataset(), Dataset()
    left.parse(first, format="trig")
    right.parse(data=second, format="nquads")
    assert_same_dataset(left, right)
    assert URIRef("https://w3id.org/towngown/graph/gjovik-ntnu") in {g.identifier for g in right.graphs()}


def test_failed_load_leaves_store_unchanged(loaded_dir: Path, tmp_path: Path) -> None:
    """Loading an invalid or unparsable file exits 1, names the problem, and leaves the store exactly as before."""
    before = run("export", "--format", "nq", data_dir=loaded_dir, check=True).stdout
    invalid = run("load", str(INVALID / "one-member.trig"), data_dir=loaded_dir)
    assert invalid.returncode == 1
    assert "violation" in invalid.stderr.lower()
    broken = run("load", str(INVALID / "broken-syntax.ttl"), data_dir=loaded_dir)
    assert broken.returncode == 1 and "broken-syntax.ttl:" in broken.stderr
    after = run("export", "--format", "nq", data_dir=loaded_dir, check=True).stdout
    left, right = Dataset(), Dataset()
    left.parse(data=before, format="nquads")
    right.parse(data=after, format="nquads")
    assert_same_dataset(left, right)
