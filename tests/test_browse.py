"""The linked-data view without the web: descriptions, texts in a language, the questionnaire layout, the lists."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from towngown.browse import (
    Names,
    TermCache,
    browse_page,
    describe,
    fetch_info,
    partnership_graph,
    partnership_page,
    resource_page,
)
from towngown.browse.describe import concise_description, jsonld_object
from towngown.browse.names import is_safe_iri, sparql_iri
from towngown.browse.parallel import gather
from towngown.browse.terms import ordered_languages, pick_texts
from towngown.errors import InputError, NotFound

BASE = "https://w3id.org/towngown/"
NAMES = Names(BASE)
ID = BASE + "id/"
P = URIRef("http://example.org/p")


def test_texts_fall_back_in_the_stated_order() -> None:
    """The page language first, then bokmål, then English, then any other language, then an untagged text."""
    texts = {"en": ["Participants"], "nb": ["Deltakere"], "de": ["Teilnehmer"], "": ["raw"]}
    assert pick_texts(texts, "en") == ("Participants", "en")
    assert pick_texts(texts, "nb") == ("Deltakere", "nb")
    assert pick_texts({"en": ["Participants"], "de": ["Teilnehmer"]}, "nb") == ("Participants", "en")
    assert pick_texts({"de": ["Teilnehmer"], "": ["raw"]}, "en") == ("Teilnehmer", "de")
    assert pick_texts({"": ["raw"]}, "nb") == ("raw", "")
    assert pick_texts({}, "nb") == ("", "")
    assert ordered_languages({"sv", "en", "nb", "de", ""}, "en") == ["en", "nb", "de", "sv", ""]


@pytest.mark.parametrize("iri", ['https://x.org/a>b', "https://x.org/a b", 'https://x.org/"', "no-scheme", ""])
def test_unsafe_iris_never_reach_a_query(iri: str) -> None:
    """An IRI that could leave its angle brackets is refused before any query is written."""
    assert not is_safe_iri(iri)
    with pytest.raises(ValueError):
        sparql_iri(iri)


def test_names_map_iris_to_local_paths() -> None:
    """IRIs under the base are browsed at the same path here; others are not local."""
    assert NAMES.path(ID + "partnership/gjovik-ntnu") == "/id/partnership/gjovik-ntnu"
    assert NAMES.path("https://example.org/x") is None
    assert Names("http://localhost:8080/").path("http://localhost:8080/graph/x") == "/graph/x"
    assert str(Names("http://localhost:8080/").tg.evidence) == "http://localhost:8080/ontology#evidence"


def test_blank_nodes_are_followed_to_any_depth(store) -> None:  # noqa: ANN001
    """The concise description follows a chain of blank nodes deeper than its first guess, and stops at IRIs."""
    subject = URIRef("http://example.org/a")
    dataset = Dataset()
    graph = dataset.graph(URIRef("http://example.org/g"))
    node = subject
    for _ in range(7):
        child = BNode()
        graph.add((node, P, child))
        node = child
    graph.add((node, P, Literal("deep")))
    graph.add((node, P, URIRef("http://example.org/other")))
    graph.add((URIRef("http://example.org/other"), P, Literal("not part of a's description")))
    store.replace_graphs({"http://example.org/g": graph})
    description = concise_description(store, str(subject))
    assert len(description) == 9
    assert Literal("deep") in set(description.objects())
    assert Literal("not part of a's description") not in set(description.objects())


def test_unknown_resource_is_not_found(loaded_store) -> None:  # noqa: ANN001
    """An IRI nothing is said about is NotFound, for the RDF and for the page."""
    with pytest.raises(NotFound):
        describe(loaded_store, NAMES, ID + "partnership/none")
    with pytest.raises(NotFound):
        resource_page(loaded_store, NAMES, ID + "partnership/none", "nb")


def test_questionnaire_totals_and_term(loaded_store) -> None:  # noqa: ANN001
    """Gjøvik + NTNU: NTNU and Gjøvik kommune commit 40 % FTE each; 2 PhD posts, 1 conditional (lines 27–35);
    one term, 2021 to 2026-12-31 (line 50)."""
    page, answers = partnership_page(loaded_store, NAMES, ID + "partnership/gjovik-ntnu", "nb")
    (organisation,) = [s for s in answers.sections if s.notation == "5"]
    (base,) = organisation.subsections
    table = base.commitments
    assert base.notation == "5a" and table is not None and len(table.lines) == 6
    totals = {t.party.text: t for t in table.totals}
    assert totals["NTNU"].fte == Decimal(40) and totals["Gjøvik kommune"].fte == Decimal(40)
    assert (totals["NTNU"].phd, totals["NTNU"].phd_conditional) == (1, 0)
    assert (totals["Gjøvik kommune"].phd, totals["Gjøvik kommune"].phd_conditional) == (1, 1)
    assert (table.total.phd, table.total.phd_conditional, table.total.fte) == (2, 1, Decimal(80))
    (duration,) = [s for s in answers.sections if s.notation == "9"]
    (bar,) = duration.timeline.bars
    assert (bar.begin, bar.end, str(bar.starts_on), str(bar.ends_on)) == ("2021", "2026-12-31", "2021-01-01", "2026-12-31")
    cited = {(e.from_line, e.to_line) for e in page.evidences}
    assert (50, 50) in cited and (34, 34) in cited and (43, 44) in cited


def test_every_field_answered_for_the_seed(loaded_store) -> None:  # noqa: ANN001
    """Every one of the 15 fields of the seed partnership has an answer (the survey answers all of them)."""
    _, answers = partnership_page(loaded_store, NAMES, ID + "partnership/gjovik-ntnu", "en")
    assert [s.notation for s in answers.sections] == [str(i) for i in range(1, 16)]
    assert [s.notation for s in answers.sections if s.empty] == []


def test_status_statements_carry_their_report_date(loaded_store) -> None:  # noqa: ANN001
    """A status statement is shown with the report it belongs to and the report's date bound (not before 2021)."""
    _, answers = partnership_page(loaded_store, NAMES, ID + "partnership/gjovik-ntnu", "en")
    (plans,) = [s for s in answers.sections if s.notation == "12"]
    (card,) = [c for g in plans.groups for c in g.cards]
    assert card.value.text == "Action plans under development"
    assert card.report is not None and card.report_not_before == "2021"


def test_json_ld_block_is_the_same_graph() -> None:
    """The page's JSON-LD object parses back to the graph it was written from: compacted and full IRIs, blank
    nodes, types, texts with a language, typed and plain literals, and an IRI whose scheme is a prefix's name."""
    tg = NAMES.tg
    graph = Graph()
    node, other = URIRef(ID + "commitment/x"), BNode()
    graph.add((node, RDF.type, tg.Commitment))
    graph.add((node, tg.evidence, other))
    graph.add((other, URIRef("http://www.w3.org/ns/oa#hasSource"), URIRef("https://example.org/a%20b/c?d=1#e")))
    graph.add((node, SKOS.prefLabel, Literal("Forpliktelse <1>", lang="nb")))
    graph.add((node, SKOS.prefLabel, Literal('"Commitment" & co', lang="en")))
    graph.add((node, tg.fteShare, Literal("20.50", datatype=XSD.decimal)))
    graph.add((node, RDFS.comment, Literal("plain")))
    graph.add((node, URIRef(str(tg) + "odd/local"), Literal("2024", datatype=XSD.gYear)))
    context = {"tg": str(tg), "skos": str(SKOS), "rdfs": str(RDFS), "xsd": str(XSD)}
    written = jsonld_object(graph, context)
    assert isomorphic(Graph().parse(data=json.dumps(written), format="json-ld"), graph)
    graph.add((node, RDFS.seeAlso, URIRef("tg:not-a-prefixed-name")))
    assert isomorphic(Graph().parse(data=json.dumps(jsonld_object(graph, context)), format="json-ld"), graph)


def test_partnership_graph_is_its_named_graph(loaded_store) -> None:  # noqa: ANN001
    """The partnership's graph as the page reads it is every triple of the graph whose primary topic it is."""
    iri = ID + "partnership/gjovik-ntnu"
    graph = partnership_graph(loaded_store, NAMES, iri)
    constructed = loaded_store.construct(
        NAMES.prefixes() + f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?g foaf:primaryTopic <{iri}> . GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    assert len(graph) > 100 and isomorphic(graph, constructed)


def test_vocabulary_names_are_cached_per_dataset_version(loaded_store) -> None:  # noqa: ANN001
    """With a term cache, a second page of the same dataset version asks the store only for the instances'
    names, a new version asks again for everything, and the names are the same either way."""
    vocabulary = [NAMES.tg.hasCommitment, NAMES.field("participants"), SKOS.prefLabel]
    instances = [URIRef(ID + "partnership/gjovik-ntnu"), URIRef(ID + "organisation/ntnu")]
    cache = TermCache()
    plain = fetch_info(loaded_store, NAMES, [*vocabulary, *instances])
    with Counting(loaded_store) as first:
        assert fetch_info(loaded_store, NAMES, [*vocabulary, *instances], cache=cache, version="v1") == plain
    assert len(cache) == len(vocabulary)
    with Counting(loaded_store) as again:
        assert fetch_info(loaded_store, NAMES, vocabulary, cache=cache, version="v1") == {t: plain[t] for t in vocabulary}
    with Counting(loaded_store) as newer:
        assert fetch_info(loaded_store, NAMES, vocabulary, cache=cache, version="v2") == {t: plain[t] for t in vocabulary}
    assert (first.count, again.count, newer.count) == (1, 0, 1)


def test_whether_a_resource_is_a_partnership_comes_from_its_description(store) -> None:  # noqa: ANN001
    """A partnership outside id/partnership/ still gets the questionnaire, and a resource under id/partnership/
    that is not one gets the plain resource page with its properties."""
    tg = NAMES.tg
    elsewhere, impostor = URIRef(ID + "other/p1"), URIRef(ID + "partnership/not-one")
    graph = Graph()
    graph.add((elsewhere, RDF.type, tg.UniversityMunicipalityPartnership))
    graph.add((elsewhere, SKOS.prefLabel, Literal("Et partnerskap", lang="nb")))
    graph.add((impostor, RDF.type, SKOS.Concept))
    graph.add((impostor, SKOS.prefLabel, Literal("Ikke et partnerskap", lang="nb")))
    graph.add((impostor, RDFS.comment, Literal("En merknad", lang="nb")))
    store.replace_graphs({BASE + "graph/test": graph})
    page, answers = browse_page(store, NAMES, str(elsewhere), "nb")
    assert answers is not None and page.label == "Et partnerskap"
    page, answers = browse_page(store, NAMES, str(impostor), "nb")
    assert answers is None and page.label == "Ikke et partnerskap"
    assert [v.text for row in page.rows for v in row.values] == ["En merknad"]
    with pytest.raises(NotFound):
        browse_page(store, NAMES, ID + "partnership/none", "nb")


class Counting:
    """Counts the queries a store is sent (wraps the real store's query_raw; the store still answers)."""

    def __init__(self, store) -> None:  # noqa: ANN001 - a SparqlStore
        self.store = store
        self.count = 0

    def __enter__(self) -> "Counting":
        original = self.store.query_raw

        def counted(*args: object, **kwargs: object):  # noqa: ANN202
            self.count += 1
            return original(*args, **kwargs)

        self.store.query_raw = counted
        return self

    def __exit__(self, *exc: object) -> None:
        del self.store.query_raw


def test_gather_keeps_order_and_raises_the_first_error() -> None:
    """Calls run side by side give their results in order; the first failing call's error (in the order of the
    calls) is raised; for a store that has not answered a round yet the calls run in turn and stop at an error."""
    assert gather(lambda: 1, lambda: 2, lambda: 3) == [1, 2, 3]
    ran: list[str] = []

    def fails(name: str) -> Callable[[], None]:
        def call() -> None:
            ran.append(name)
            raise InputError(name)
        return call

    with pytest.raises(InputError, match="second"):
        gather(lambda: ran.append("first"), fails("second"), fails("third"))
    assert sorted(ran) == ["first", "second", "third"]
    ran.clear()
    new_store = Names("http://example.org/")  # any object stands for a store here
    with pytest.raises(InputError, match="second"):
        gather(lambda: ran.append("first"), fails("second"), fails("third"), store=new_store)
    assert ran == ["first", "second"]
    assert gather(lambda: 1, lambda: 2, store=new_store) == [1, 2]
