"""The ontology (ontology/towngown.ttl) and the concept schemes (ontology/concepts.ttl).

These tests parse the two files with rdflib and check the contract of docs/model.md: every tg: term is
declared, labelled and defined in nb and en, and aligned with a standard vocabulary; every concept is
labelled, defined and in exactly one scheme; and every tg: term or concept that data/, shapes/ or
queries/ mention exists. The last checks read whatever those folders hold when the tests run.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, DCTERMS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "towngown.ttl"
CONCEPTS_FILE = ROOT / "ontology" / "concepts.ttl"

TG = "https://w3id.org/towngown/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/towngown/ontology")
VERSION_IRI = URIRef("https://w3id.org/towngown/ontology/0.1.0")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
CONCEPT_BASE = "https://w3id.org/towngown/id/concept/"
FIELD_SCHEME = URIRef(CONCEPT_BASE + "field")
TG_ORDER = URIRef(TG + "order")
TG_QUESTIONNAIRE_FIELD = URIRef(TG + "questionnaireField")

DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
LANGUAGES = ("nb", "en")

# The schemes docs/model.md lists under "Concept schemes".
MODEL_SCHEMES = {
    "field", "orgtype", "role", "anchor", "area", "form", "commit", "position", "status", "funding",
    "phase", "term", "stat", "qualifier", "lesson", "purpose", "idtype",
}

TG_PREFIXED = re.compile(r"(?<![\w:/#.-])tg:([A-Za-z_]\w*)")
TG_FULL = re.compile(re.escape(TG) + r"(\w+)")
CONCEPT_FULL = re.compile(re.escape(CONCEPT_BASE) + r"([\w-]+)/([\w-]+)")
SCHEME_FULL = re.compile(re.escape(CONCEPT_BASE) + r"([\w-]+)>")
CONCEPT_PREFIX_DECL = re.compile(
    r"(?:@prefix|\bPREFIX)\s+([A-Za-z][\w-]*)?:\s*<" + re.escape(CONCEPT_BASE) + r"([\w-]+)/>",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def concepts() -> Graph:
    return Graph().parse(CONCEPTS_FILE, format="turtle")


@pytest.fixture(scope="module")
def both(ontology: Graph, concepts: Graph) -> Graph:
    graph = Graph()
    for triple in ontology:
        graph.add(triple)
    for triple in concepts:
        graph.add(triple)
    return graph


def _declared_terms(ontology: Graph) -> set[URIRef]:
    return {
        s for t in DECLARATION_TYPES for s in ontology.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(TG)
    }


def _languages(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language}


def _concepts(concepts: Graph) -> set[URIRef]:
    return {c for c in concepts.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}


def _schemes(concepts: Graph) -> set[URIRef]:
    return {s for s in concepts.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)}


def _is_standard(node: object) -> bool:
    return isinstance(node, URIRef) and not str(node).startswith(TG)


def _data_files() -> list[Path]:
    files = sorted((ROOT / "data").rglob("*.trig"))
    files += sorted((ROOT / "shapes").glob("*.ttl"))
    files += sorted((ROOT / "queries").glob("*.rq"))
    return files


def test_both_files_parse_and_are_not_empty(ontology: Graph, concepts: Graph) -> None:
    """ontology/towngown.ttl and ontology/concepts.ttl parse as Turtle and hold triples."""
    assert len(ontology) > 0
    assert len(concepts) > 0


def test_ontology_has_version_iri_licence_and_metadata(ontology: Graph) -> None:
    """The ontology names its version IRI, a version, CC BY 4.0, a creation date, the tg prefix and an nb+en title and description."""
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert (ONTOLOGY_IRI, OWL.versionIRI, VERSION_IRI) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert (ONTOLOGY_IRI, DCTERMS.license, CC_BY) in ontology
    created = ontology.value(ONTOLOGY_IRI, DCTERMS.created)
    assert isinstance(created, Literal) and created.datatype == URIRef("http://www.w3.org/2001/XMLSchema#date")
    vann_prefix = URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")
    assert ontology.value(ONTOLOGY_IRI, vann_prefix) == Literal("tg")
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert _languages(ontology, ONTOLOGY_IRI, predicate) >= set(LANGUAGES), predicate


def test_every_tg_term_in_either_file_is_declared(ontology: Graph, both: Graph) -> None:
    """Every tg: IRI used anywhere in the ontology or the concept schemes is declared as an OWL class or property."""
    used = {
        node for triple in both for node in triple
        if isinstance(node, URIRef) and str(node).startswith(TG) and str(node) != TG
    }
    undeclared = sorted(str(t) for t in used - _declared_terms(ontology))
    assert not undeclared, f"tg: terms used but not declared: {undeclared}"


def test_every_tg_term_has_label_definition_and_is_defined_by(ontology: Graph) -> None:
    """Every declared tg: term has rdfs:label and skos:definition in nb and en, and rdfs:isDefinedBy the ontology."""
    problems = []
    for term in sorted(_declared_terms(ontology)):
        for predicate in (RDFS.label, SKOS.definition):
            missing = set(LANGUAGES) - _languages(ontology, term, predicate)
            if missing:
                problems.append(f"{term} {predicate} missing {sorted(missing)}")
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in ontology:
            problems.append(f"{term} lacks rdfs:isDefinedBy")
    assert not problems, "\n".join(problems)


def test_every_tg_term_has_one_label_per_language(ontology: Graph) -> None:
    """No tg: term has two rdfs:label values in the same language (views show exactly one)."""
    problems = []
    for term in _declared_terms(ontology):
        langs = [o.language for o in ontology.objects(term, RDFS.label) if isinstance(o, Literal)]
        for lang in LANGUAGES:
            if langs.count(lang) != 1:
                problems.append(f"{term}: {langs.count(lang)} labels @{lang}")
    assert not problems, "\n".join(problems)


def test_every_tg_term_is_aligned_with_a_standard_term(ontology: Graph) -> None:
    """Every tg: class and property reaches a standard term through rdfs:subClassOf / rdfs:subPropertyOf (via tg: terms if
    need be); where none fits, it names the nearest standard term with rdfs:seeAlso or skos:closeMatch and explains why in
    an nb and en skos:scopeNote."""
    problems = []
    for term in sorted(_declared_terms(ontology)):
        is_class = (term, RDF.type, OWL.Class) in ontology
        predicate = RDFS.subClassOf if is_class else RDFS.subPropertyOf
        supers = set(ontology.transitive_objects(term, predicate)) - {term}
        if any(_is_standard(s) for s in supers):
            continue
        nearest = [o for p in (RDFS.seeAlso, SKOS.closeMatch) for o in ontology.objects(term, p) if _is_standard(o)]
        notes = _languages(ontology, term, SKOS.scopeNote)
        if not nearest or not set(LANGUAGES) <= notes:
            problems.append(str(term))
    assert not problems, f"tg: terms with neither a standard super-term nor a documented exception: {problems}"


def test_matched_by_is_symmetric(ontology: Graph) -> None:
    """tg:matchedBy is an owl:SymmetricProperty between resource commitments."""
    matched_by = URIRef(TG + "matchedBy")
    assert (matched_by, RDF.type, OWL.SymmetricProperty) in ontology
    assert (matched_by, RDFS.domain, URIRef(TG + "ResourceCommitment")) in ontology
    assert (matched_by, RDFS.range, URIRef(TG + "ResourceCommitment")) in ontology


def test_questionnaire_fields_point_at_field_concepts(ontology: Graph, concepts: Graph) -> None:
    """Every tg:questionnaireField value is a concept of the field: scheme, and most tg: properties carry one."""
    fields = set(concepts.subjects(SKOS.inScheme, FIELD_SCHEME))
    wrong = [(str(s), str(o)) for s, o in ontology.subject_objects(TG_QUESTIONNAIRE_FIELD) if o not in fields]
    assert not wrong, f"questionnaireField values outside the field scheme: {wrong}"
    properties = {t for t in _declared_terms(ontology) if (t, RDF.type, OWL.Class) not in ontology}
    with_field = {p for p in properties if ontology.value(p, TG_QUESTIONNAIRE_FIELD) is not None}
    assert len(with_field) >= len(properties) // 2


def test_every_concept_has_labels_definition_notation_and_one_scheme(concepts: Graph) -> None:
    """Every skos:Concept has one skos:prefLabel and a skos:definition in nb and en, a skos:notation, and is in exactly one
    scheme, and its IRI is <concept base>/<that scheme>/<name>."""
    problems = []
    for concept in sorted(_concepts(concepts)):
        for lang in LANGUAGES:
            labels = [o for o in concepts.objects(concept, SKOS.prefLabel) if isinstance(o, Literal) and o.language == lang]
            if len(labels) != 1:
                problems.append(f"{concept}: {len(labels)} prefLabel @{lang}")
        missing = set(LANGUAGES) - _languages(concepts, concept, SKOS.definition)
        if missing:
            problems.append(f"{concept}: definition missing {sorted(missing)}")
        if concepts.value(concept, SKOS.notation) is None:
            problems.append(f"{concept}: no skos:notation")
        schemes = list(concepts.objects(concept, SKOS.inScheme))
        if len(schemes) != 1:
            problems.append(f"{concept}: in {len(schemes)} schemes")
        elif not str(concept).startswith(str(schemes[0]) + "/"):
            problems.append(f"{concept}: IRI is not under its scheme {schemes[0]}")
    assert not problems, "\n".join(problems)


def test_top_concepts_and_broader_are_consistent(concepts: Graph) -> None:
    """A concept is a top concept of its scheme exactly when it has no skos:broader, and skos:broader stays in the scheme."""
    problems = []
    for concept in _concepts(concepts):
        scheme = concepts.value(concept, SKOS.inScheme)
        broader = list(concepts.objects(concept, SKOS.broader))
        is_top = (concept, SKOS.topConceptOf, scheme) in concepts
        if is_top == bool(broader):
            problems.append(f"{concept}: top={is_top}, broader={broader}")
        for b in broader:
            if concepts.value(b, SKOS.inScheme) != scheme:
                problems.append(f"{concept}: broader {b} is in another scheme")
    assert not problems, "\n".join(problems)


def test_every_scheme_is_labelled_licensed_and_has_a_top_concept(concepts: Graph) -> None:
    """Every skos:ConceptScheme has an nb and en skos:prefLabel and skos:definition, CC BY 4.0 and at least one top concept."""
    problems = []
    for scheme in sorted(_schemes(concepts)):
        for predicate in (SKOS.prefLabel, SKOS.definition):
            missing = set(LANGUAGES) - _languages(concepts, scheme, predicate)
            if missing:
                problems.append(f"{scheme} {predicate} missing {sorted(missing)}")
        if (scheme, DCTERMS.license, CC_BY) not in concepts:
            problems.append(f"{scheme}: no CC BY licence")
        if not list(concepts.subjects(SKOS.topConceptOf, scheme)):
            problems.append(f"{scheme}: no top concept")
    assert not problems, "\n".join(problems)


def test_every_scheme_of_the_model_exists(concepts: Graph) -> None:
    """Every concept scheme that docs/model.md lists is published at <concept base>/<scheme>."""
    published = {str(s).removeprefix(CONCEPT_BASE) for s in _schemes(concepts)}
    assert MODEL_SCHEMES <= published, sorted(MODEL_SCHEMES - published)


def test_field_scheme_has_fifteen_fields_plus_5a_in_order(concepts: Graph) -> None:
    """The field: scheme has exactly 15 top concepts with notations 1..15, plus base-resources "5a" under
    organisation-and-resources; tg:order runs 1..16 in questionnaire order with 5a between 5 and 6."""
    tops = set(concepts.subjects(SKOS.topConceptOf, FIELD_SCHEME))
    assert len(tops) == 15
    assert {str(concepts.value(t, SKOS.notation)) for t in tops} == {str(n) for n in range(1, 16)}
    base = URIRef(CONCEPT_BASE + "field/base-resources")
    assert str(concepts.value(base, SKOS.notation)) == "5a"
    assert (base, SKOS.broader, URIRef(CONCEPT_BASE + "field/organisation-and-resources")) in concepts
    assert set(concepts.subjects(SKOS.inScheme, FIELD_SCHEME)) == tops | {base}

    def order(concept: URIRef) -> int:
        return int(concepts.value(concept, TG_ORDER))

    by_order = sorted(tops | {base}, key=order)
    assert [order(c) for c in by_order] == list(range(1, 17))
    notations = [str(concepts.value(c, SKOS.notation)) for c in by_order]
    assert notations == ["1", "2", "3", "4", "5", "5a"] + [str(n) for n in range(6, 16)]


def test_field_labels_are_the_survey_headings(concepts: Graph) -> None:
    """The nb labels of the field: concepts are the survey's headings, in order."""
    headings = [
        "Deltakere", "Initiativtaker", "Størrelse", "Forankring", "Organisering og ressurser", "Grunnressurser",
        "Finansiering", "Formål", "Opprinnelse", "Varighet", "Fokus", "Samarbeidsformer", "Handlingsplaner",
        "Milepæler for resultat- og effektmål", "Resultater", "Erfaringer / viktigste læringspunkt",
    ]
    fields = sorted(concepts.subjects(SKOS.inScheme, FIELD_SCHEME), key=lambda c: int(concepts.value(c, TG_ORDER)))
    labels = [next(str(o) for o in concepts.objects(c, SKOS.prefLabel) if o.language == "nb") for c in fields]
    assert labels == headings


def test_los_matches_use_the_los_theme_namespace(concepts: Graph) -> None:
    """Every area: concept's skos:closeMatch to Los uses http://psi.norge.no/los/tema/<slug>."""
    for s, o in concepts.subject_objects(SKOS.closeMatch):
        if "psi.norge.no" in str(o):
            assert re.fullmatch(r"http://psi\.norge\.no/los/tema/[a-z-]+", str(o)), o


def _mentions_by_file() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in _data_files()}


def test_tg_terms_used_in_data_shapes_and_queries_are_declared(ontology: Graph) -> None:
    """Every tg: term that a file in data/**/*.trig, shapes/*.ttl or queries/*.rq mentions (as tg:name or as a full IRI,
    comments included) is declared in the ontology."""
    declared = {str(t).removeprefix(TG) for t in _declared_terms(ontology)}
    unknown: dict[str, set[str]] = defaultdict(set)
    for path, text in _mentions_by_file().items():
        names = set(TG_PREFIXED.findall(text)) | set(TG_FULL.findall(text))
        for name in names - declared:
            unknown[f"tg:{name}"].add(str(path.relative_to(ROOT)))
    assert not unknown, "undeclared tg: terms: " + "; ".join(f"{t} in {sorted(f)}" for t, f in sorted(unknown.items()))


def test_concepts_used_in_data_shapes_and_queries_are_defined(concepts: Graph) -> None:
    """Every concept or scheme IRI under https://w3id.org/towngown/id/concept/ that a file in data/, shapes/ or queries/
    mentions (as a full IRI or through a prefix bound to a scheme) is defined in ontology/concepts.ttl."""
    defined = {str(c) for c in _concepts(concepts)}
    schemes = {str(s) for s in _schemes(concepts)}
    unknown: dict[str, set[str]] = defaultdict(set)
    for path, text in _mentions_by_file().items():
        where = str(path.relative_to(ROOT))
        for scheme, name in CONCEPT_FULL.findall(text):
            if f"{CONCEPT_BASE}{scheme}/{name}" not in defined:
                unknown[f"{CONCEPT_BASE}{scheme}/{name}"].add(where)
        for scheme in SCHEME_FULL.findall(text):
            if f"{CONCEPT_BASE}{scheme}" not in schemes:
                unknown[f"{CONCEPT_BASE}{scheme}"].add(where)
        for prefix, scheme in CONCEPT_PREFIX_DECL.findall(text):
            pattern = re.compile(r"(?<![\w:/#.-])" + re.escape(prefix) + r":([A-Za-z0-9][\w-]*)")
            for name in pattern.findall(text):
                if f"{CONCEPT_BASE}{scheme}/{name}" not in defined:
                    unknown[f"{prefix}:{name}"].add(where)
    assert not unknown, "undefined concepts: " + "; ".join(f"{c} in {sorted(f)}" for c, f in sorted(unknown.items()))
