"""The shapes in shapes/: they parse, are valid SHACL, and are documented in nb and en."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from towngown import resources
from towngown.validation import load_rdf, load_shapes, meta_shapes, validate
from towngown.vocab import RDF, RDFS, SH, SKOS, TG

TGSH = "https://w3id.org/towngown/shapes#"
FIELD = "https://w3id.org/towngown/id/concept/field/"

SHAPE_FILES = sorted(resources.shapes_dir().glob("*.ttl"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def _shapes_and_constraints(g: Graph) -> set:
    """Every node shape, property shape and SPARQL constraint in a shapes graph, nested ones included."""
    nodes: set = set()
    for cls in (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint):
        nodes.update(g.subjects(RDF.type, cls))
    for prop in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path):
        nodes.update(g.subjects(prop, None))
    for prop in (SH.property, SH.node, SH.qualifiedValueShape, SH.sparql, SH["not"]):
        nodes.update(g.objects(None, prop))
    for prop in (SH["or"], SH["and"], SH.xone):
        for head in g.objects(None, prop):
            nodes.update(Collection(g, head))
    return nodes


def _languages(g: Graph, node, prop) -> set[str | None]:
    return {o.language for o in g.objects(node, prop) if isinstance(o, Literal)}


@pytest.mark.parametrize("path", SHAPE_FILES, ids=[p.name for p in SHAPE_FILES])
def test_every_shapes_file_parses(path: Path) -> None:
    """Every shapes/*.ttl file parses as Turtle and is not empty."""
    assert len(load_rdf(path)) > 0


def test_shapes_conform_to_shacl_for_shacl(shapes: Graph) -> None:
    """The shapes graph conforms to the W3C SHACL-for-SHACL shapes (no result of any severity)."""
    report = validate(shapes, shapes=meta_shapes(), ontology=Graph())
    assert report.conforms, report.text("en")
    assert report.results == ()


def test_shacl_for_shacl_catches_a_broken_shape() -> None:
    """A shape with a non-integer sh:minCount fails SHACL-for-SHACL, so the check above can fail."""
    broken = Graph()
    shape = URIRef(TGSH + "Broken")
    broken.add((shape, RDF.type, SH.PropertyShape))
    broken.add((shape, SH.path, SKOS.prefLabel))
    broken.add((shape, SH.minCount, Literal("one")))
    assert not validate(broken, shapes=meta_shapes(), ontology=Graph()).conforms


def test_every_shape_and_constraint_has_messages_in_nb_and_en(shapes: Graph) -> None:
    """Every shape and SPARQL constraint, nested ones included, has sh:message in @nb and @en."""
    nodes = _shapes_and_constraints(shapes)
    assert len(nodes) > 40
    missing = [str(n) for n in nodes if not {"nb", "en"} <= _languages(shapes, n, SH.message)]
    assert missing == []


def test_every_shape_is_named_and_labelled_in_nb_and_en(shapes: Graph) -> None:
    """Every shape and constraint has an IRI under tgsh: and an rdfs:label in @nb and @en."""
    nodes = _shapes_and_constraints(shapes)
    unnamed = [n for n in nodes if not str(n).startswith(TGSH)]
    assert unnamed == []
    unlabelled = [str(n) for n in nodes if not {"nb", "en"} <= _languages(shapes, n, RDFS.label)]
    assert unlabelled == []


def test_every_targeted_shape_has_a_severity(shapes: Graph) -> None:
    """Every shape with a target states its severity, and all three severities are used."""
    targeted = {
        s
        for prop in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
        for s in shapes.subjects(prop, None)
    }
    without = [str(s) for s in targeted if shapes.value(s, SH.severity) is None]
    assert without == []
    used = {shapes.value(s, SH.severity) for s in targeted}
    assert used == {SH.Violation, SH.Warning, SH.Info}


def test_questionnaire_fields_are_field_concepts(shapes: Graph) -> None:
    """Every tg:questionnaireField of a shape is a field: concept (and one the ontology defines, when present)."""
    fields = set(shapes.objects(None, TG.questionnaireField))
    assert len(fields) >= 10
    assert all(str(f).startswith(FIELD) for f in fields)
    concepts = resources.ontology_dir() / "concepts.ttl"
    if concepts.exists():
        defined = set(load_rdf(concepts).subjects(SKOS.inScheme, None))
        assert fields - defined == set()


def test_at_least_two_sparql_constraints(shapes: Graph) -> None:
    """At least two constraints are SHACL-SPARQL (sh:sparql with sh:select), for rules across fields."""
    selects = [c for c in shapes.objects(None, SH.sparql) if shapes.value(c, SH.select) is not None]
    assert len(selects) >= 2
    names = {str(c).removeprefix(TGSH) for c in selects}
    assert {
        "PartnershipMunicipalitySparql",
        "PartnershipHigherEducationSparql",
        "TermOrderSparql",
        "CommitmentByMemberSparql",
    } <= names


def test_sparql_constraints_declare_their_prefixes(shapes: Graph) -> None:
    """Each SPARQL constraint names sh:prefixes, so the query runs without pyshacl's defaults."""
    for constraint in shapes.objects(None, SH.sparql):
        assert shapes.value(constraint, SH.prefixes) is not None, constraint
        assert not isinstance(constraint, BNode)
