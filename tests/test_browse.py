"""The linked-data view without the web: descriptions, texts in a language, the questionnaire layout, the lists."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import BNode, Dataset, Literal, URIRef

from towngown.browse import Names, describe, partnership_page, resource_page
from towngown.browse.describe import concise_description
from towngown.browse.names import is_safe_iri, sparql_iri
from towngown.browse.terms import ordered_languages, pick_texts
from towngown.errors import NotFound

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
