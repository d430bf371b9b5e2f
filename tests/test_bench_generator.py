"""The benchmark's synthetic partnerships (bench/generate.py) are shaped like data/ and valid against shapes/."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF

from towngown.publish import collect
from towngown.resources import ontology_dir
from towngown.validation import validate
from towngown.vocab import TG

ROOT = Path(__file__).resolve().parent.parent


def _generator():  # noqa: ANN202 - the bench/generate.py module
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_generated_partnerships_conform_and_have_their_parts(tmp_path: Path) -> None:
    """Twelve generated partnerships parse, conform to the shapes (no violation), each in its own graph with
    2-4 memberships, two anchorings, 4-8 commitments and bilingual labels; the same seed gives the same files."""
    generate = _generator().generate
    files = generate(12, tmp_path / "a", per_file=5)
    assert len(files) == 3
    dataset, _ = collect([ontology_dir(), tmp_path / "a"])
    report = validate(dataset)
    assert report.conforms, report.text("en")[:2000]
    for n in range(12):
        graph = dataset.graph(URIRef(f"https://w3id.org/towngown/graph/bench-{n:06d}"))
        partnership = URIRef(f"https://w3id.org/towngown/id/partnership/bench-{n:06d}")
        assert (partnership, RDF.type, TG.UniversityMunicipalityPartnership) in graph
        assert 2 <= len(list(graph.objects(partnership, URIRef("http://www.w3.org/ns/org#hasMembership")))) <= 4
        assert len(list(graph.objects(partnership, TG.anchoring))) == 2
        assert 4 <= len(list(graph.objects(partnership, TG.hasCommitment))) <= 8
        labels = {label.language for label in graph.objects(partnership, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))}
        assert labels == {"nb", "en"}
    again = generate(12, tmp_path / "b", per_file=5)
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in again]
