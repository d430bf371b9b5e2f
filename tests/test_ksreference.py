"""The KS reference converter: data/sources/ks-partnerships.yaml -> data/partnerships/<slug>.trig."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from towngown.ksreference import NAMES, convert, write_all
from towngown import vocab as V

ROOT = Path(__file__).resolve().parent.parent
YAML = ROOT / "data" / "sources" / "ks-partnerships.yaml"
COMMITTED = ROOT / "data" / "partnerships"
BASE = "https://w3id.org/towngown/"
ID = BASE + "id/"
YAML_SOURCE = URIRef(ID + "source/ks-partnerships-yaml")
FOAF_MEMBER = URIRef("http://xmlns.com/foaf/0.1/member")

#: every node of these classes is a fact and must carry evidence.
FACT_CLASSES = (
    V.ORG.Membership, V.TG.Anchoring, V.TG.SourcedStatement, V.TG.StatusStatement, V.TG.StatisticalValue,
    V.TG.CollaborationBody, V.TG.SteeringGroup, V.TG.ResourceCommitment, V.TG.InKindContribution,
    V.TG.FundingContribution, V.TIME.ProperInterval, V.TG.Milestone, V.TG.Result, V.TG.LessonLearned,
    V.TG.UniversityMunicipalityPartnership, V.ORG.Organization, V.ORG.OrganizationalUnit, V.TG.OrganisationGroup,
)


@pytest.fixture(scope="module")
def items() -> dict[str, dict]:
    return {item["slug"]: item for item in yaml.safe_load(YAML.read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    """The committed named graph of each partnership, by slug."""
    out: dict[str, Graph] = {}
    for path in sorted(COMMITTED.glob("*.trig")):
        ds = Dataset()
        ds.parse(path, format="trig")
        out[path.stem] = ds.graph(URIRef(f"{BASE}graph/{path.stem}"))
    return out


def _copy(graph: Graph) -> Graph:
    g = Graph()
    for triple in graph:
        g.add(triple)
    return g


def _iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{slug}")


def _concept(scheme: str, name: str) -> URIRef:
    return URIRef(f"{ID}concept/{scheme}/{name}")


def _sources_of(g: Graph, node: URIRef) -> set[URIRef]:
    return {src for ev in g.objects(node, V.TG.evidence) for src in g.objects(ev, V.OA.hasSource)}


def test_regenerating_gives_the_committed_graphs(tmp_path: Path) -> None:
    """Regenerating from the committed YAML gives graphs isomorphic to the committed .trig files."""
    paths = write_all(YAML, tmp_path)
    assert sorted(p.name for p in paths) == sorted(p.name for p in COMMITTED.glob("*.trig"))
    for path in paths:
        fresh, committed = Dataset(), Dataset()
        fresh.parse(path, format="trig")
        committed.parse(COMMITTED / path.name, format="trig")
        iri = URIRef(f"{BASE}graph/{path.stem}")
        assert isomorphic(_copy(fresh.graph(iri)), _copy(committed.graph(iri))), path.name


def test_output_is_byte_stable(tmp_path: Path) -> None:
    """Two runs write byte-identical files (no random blank-node labels, stable order)."""
    first = write_all(YAML, tmp_path / "a")
    second = write_all(YAML, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_one_named_graph_per_yaml_slug(items: dict[str, dict]) -> None:
    """convert() returns 14 datasets keyed by the YAML slugs, each holding exactly its one named graph."""
    converted = convert(YAML)
    assert len(converted) == 14
    assert set(converted) == set(items)
    for slug, ds in converted.items():
        named = {g.identifier for g in ds.graphs() if len(g)}
        assert named == {URIRef(f"{BASE}graph/{slug}")}


def test_graph_describes_itself(graphs: dict[str, Graph], items: dict[str, dict]) -> None:
    """Each graph is a tg:PartnershipGraph about its partnership, CC BY 4.0, derived from the YAML and its URLs."""
    for slug, g in graphs.items():
        gi = URIRef(f"{BASE}graph/{slug}")
        assert (gi, V.RDF.type, V.TG.PartnershipGraph) in g
        assert (gi, URIRef("http://xmlns.com/foaf/0.1/primaryTopic"), _iri("partnership", slug)) in g
        assert (gi, V.DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
        derived = set(g.objects(gi, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
        assert YAML_SOURCE in derived
        urls = {URIRef(s["url"]) for s in items[slug]["sources"]}
        assert derived - {YAML_SOURCE} <= urls
        assert (YAML_SOURCE, V.DCTERMS.identifier, Literal("ks-partnerships.yaml", datatype=V.XSD.string)) in g
        for url in derived:
            assert (url, V.RDF.type, URIRef("http://xmlns.com/foaf/0.1/Document")) in g


def test_every_fact_node_has_evidence_from_its_item(graphs: dict[str, Graph], items: dict[str, dict]) -> None:
    """Every fact node carries tg:evidence whose oa:hasSource is one of that item's source URLs (or the YAML)."""
    for slug, g in graphs.items():
        allowed = {URIRef(s["url"]) for s in items[slug]["sources"]} | {YAML_SOURCE}
        facts = {s for cls in FACT_CLASSES for s in g.subjects(V.RDF.type, cls)}
        assert len(facts) > 10, slug
        for node in facts:
            sources = _sources_of(g, node)
            assert sources, f"{slug}: {node} has no evidence"
            assert sources <= allowed, f"{slug}: {node} cites {sources - allowed}"
        for ev in g.objects(None, V.TG.evidence):
            assert (ev, V.RDF.type, V.OA.SpecificResource) in g


def test_only_evidence_and_amounts_are_blank_nodes(graphs: dict[str, Graph]) -> None:
    """Blank nodes are used only for evidence and monetary amounts."""
    for slug, g in graphs.items():
        for s in set(g.subjects()):
            if isinstance(s, BNode):
                kinds = set(g.objects(s, V.RDF.type))
                assert kinds & {V.OA.SpecificResource, V.SCHEMA.MonetaryAmount}, f"{slug}: {s} {kinds}"


def test_every_literal_is_tagged_or_typed(graphs: dict[str, Graph]) -> None:
    """Every literal has a language tag or a datatype; text is tagged nb or en."""
    for slug, g in graphs.items():
        for _, _, o in g:
            if isinstance(o, Literal):
                assert o.language in ("nb", "en") or o.datatype is not None, f"{slug}: {o!r}"


def test_trondheim_population_and_conflicting_terms(graphs: dict[str, Graph], items: dict[str, dict]) -> None:
    """trondheim-ntnu: 207595 inhabitants as of 2021-01-01 from the KS page; both continuation terms kept."""
    g = graphs["trondheim-ntnu"]
    ks = URIRef(items["trondheim-ntnu"]["sources"][0]["url"])
    area = _iri("area", "trondheim")
    assert (_iri("organisation", "trondheim-kommune"), V.DCTERMS.spatial, area) in g
    (stat,) = [v for v in g.objects(area, V.TG.hasStatistic)
               if (v, V.TG.statisticType, _concept("stat", "population")) in g]
    assert (stat, V.QUDT.numericValue, Literal(207595, datatype=V.XSD.integer)) in g
    assert (stat, V.TG.referenceDate, Literal("2021-01-01", datatype=V.XSD.date)) in g
    assert (stat, V.QUDT.unit, URIRef("http://qudt.org/vocab/unit/NUM")) in g
    assert _sources_of(g, stat) == {ks}

    wiki = URIRef("https://i.ntnu.no/wiki/-/wiki/Norsk/Universitetskommune")
    tk_news = URIRef(items["trondheim-ntnu"]["sources"][5]["url"])
    terms = set(g.objects(_iri("partnership", "trondheim-ntnu"), V.TG["term"]))
    assert len(terms) == 5

    def ends(term: URIRef) -> set[Literal]:
        return {lit for e in g.objects(term, V.TIME.hasEnd) for lit in g.objects(e, V.TIME.inXSDgYear)} | {
            lit for e in g.objects(term, V.TIME.hasEnd) for lit in g.objects(e, V.TIME.inXSDDate)}

    wiki_v2 = _iri("term", "trondheim-ntnu-2")
    tk = _iri("term", "trondheim-ntnu-3")
    assert ends(wiki_v2) == {Literal("2032-12-31", datatype=V.XSD.date)}
    assert _sources_of(g, wiki_v2) == {wiki}
    assert ends(tk) == {Literal("2025", datatype=V.XSD.gYear)}
    assert _sources_of(g, tk) == {tk_news}
    assert (_iri("term", "trondheim-ntnu-1"), V.TG.termType, _concept("term", "initial-period")) in g
    # the two stored versions of the wiki URL stay distinguishable on the evidence
    notes = {str(d) for ev in g.objects(wiki_v2, V.TG.evidence) for d in g.objects(ev, V.DCTERMS.description)}
    assert any(n.startswith("ntnu-wiki-v2:") for n in notes)


def test_trondheim_shared_purposes(graphs: dict[str, Graph]) -> None:
    """trondheim-ntnu's three 'Mål' are the shared purpose concepts, each with evidence for org:purpose."""
    g = graphs["trondheim-ntnu"]
    p = _iri("partnership", "trondheim-ntnu")
    assert set(g.objects(p, V.ORG.purpose)) == {
        _concept("purpose", n) for n in ("knowledge-access", "research-education-arena", "two-way-knowledge-transfer")}
    assert any((ev, V.TG.forProperty, V.ORG.purpose) in g for ev in g.objects(p, V.TG.evidence))


def test_drammen_funding_per_year(graphs: dict[str, Graph], items: dict[str, dict]) -> None:
    """drammen-usn: Drammen kommune funds NOK 3 000 000 a year, from dt."""
    g = graphs["drammen-usn"]
    dt = URIRef(next(s["url"] for s in items["drammen-usn"]["sources"] if s["id"] == "dt"))
    (f,) = g.objects(_iri("partnership", "drammen-usn"), V.TG.funding)
    assert (f, V.RDF.type, V.TG.FundingContribution) in g
    assert (f, V.SCHEMA.funder, _iri("organisation", "drammen-kommune")) in g
    (amount,) = g.objects(f, V.SCHEMA.amount)
    assert (amount, V.SCHEMA.value, Literal(3000000, datatype=V.XSD.integer)) in g
    assert (amount, V.SCHEMA.currency, Literal("NOK", datatype=V.XSD.string)) in g
    assert (f, V.SCHEMA.repeatFrequency, Literal("P1Y", datatype=V.XSD.string)) in g
    assert _sources_of(g, f) == {dt}


def test_oppdal_area(graphs: dict[str, Graph]) -> None:
    """oppdal-ntnu: the area of Oppdal is 2274.12 km² and its population 7001 on 2020-01-01."""
    g = graphs["oppdal-ntnu"]
    area = _iri("area", "oppdal")
    values = {g.value(v, V.TG.statisticType): v for v in g.objects(area, V.TG.hasStatistic)}
    size = values[_concept("stat", "area")]
    assert g.value(size, V.QUDT.numericValue).toPython() == Decimal("2274.12")
    assert (size, V.QUDT.unit, URIRef("http://qudt.org/vocab/unit/KiloM2")) in g
    pop = values[_concept("stat", "population")]
    assert (pop, V.QUDT.numericValue, Literal(7001, datatype=V.XSD.integer)) in g
    assert (pop, V.TG.referenceDate, Literal("2020-01-01", datatype=V.XSD.date)) in g


def test_qualified_statistics(graphs: dict[str, Graph]) -> None:
    """'over 100 000' is more-than, approximate counts are approximately, a range has min and max."""
    g = graphs["drammen-usn"]
    (pop,) = g.objects(_iri("area", "drammen"), V.TG.hasStatistic)
    assert (pop, V.TG.valueQualifier, _concept("qualifier", "more-than")) in g
    students = _iri("statistic", "drammen-usn-size-2-students")
    assert (_iri("organisation", "usn"), V.TG.hasStatistic, students) in g
    assert (students, V.TG.valueQualifier, _concept("qualifier", "approximately")) in g
    g = graphs["vestvagoy-kunnskapskommunen-hon"]
    (rng,) = g.objects(_iri("partnership", "vestvagoy-kunnskapskommunen-hon"), V.TG.hasStatistic)
    assert (rng, V.TG.minimumValue, Literal(500, datatype=V.XSD.integer)) in g
    assert (rng, V.TG.maximumValue, Literal(11500, datatype=V.XSD.integer)) in g


def test_ntnu_is_one_resource(graphs: dict[str, Graph]) -> None:
    """NTNU is the same IRI, organisation/ntnu (as in the Gjøvik data), in every partnership that names it."""
    ntnu = _iri("organisation", "ntnu")
    for slug in ("trondheim-ntnu", "alesund-ntnu", "oppdal-ntnu", "nord-gudbrandsdal-ntnu", "innherred-nord-ntnu",
                 "baerum-kunnskapskommunen"):
        g = graphs[slug]
        assert any((m, V.ORG.member, ntnu) in g for m in g.subjects(V.RDF.type, V.ORG.Membership)), slug
        assert (ntnu, V.SKOS.prefLabel, Literal("NTNU", lang="nb")) in g
    assert not any(str(o).startswith(ID + "organisation/ntnu-") and (None, V.ORG.member, o) in g
                   for g in graphs.values() for o in g.subjects(V.RDF.type, V.ORG.Organization))


def test_units_and_groups(graphs: dict[str, Graph]) -> None:
    """Units point at the parent in their name; a list of organisations is one group with its count."""
    g = graphs["farder-usn"]
    assert (_iri("organisation", "faerder-kommune-helse"), V.ORG.unitOf, _iri("organisation", "faerder-kommune")) in g
    g = graphs["vestvagoy-kunnskapskommunen-hon"]
    assert (_iri("organisation", "uit-nasjonalt-senter-for-distriktsmedisin"), V.ORG.unitOf,
            _iri("organisation", "uit")) in g
    g = graphs["bergen-kunnskapskommunen-hov"]
    group = _iri("organisation", "bergen-kunnskapskommunen-hov-municipalities")
    assert (group, V.RDF.type, V.TG.OrganisationGroup) in g
    assert (group, V.TG.memberCount, Literal(9, datatype=V.XSD.integer)) in g
    g = graphs["alesund-ntnu"]
    assert (_iri("organisation", "alesund-ntnu-framtidslaben-municipalities"), V.RDF.type, V.TG.OrganisationGroup) in g


def test_groups_link_the_organisations_they_name(graphs: dict[str, Graph], items: dict[str, dict]) -> None:
    """A group named as a list keeps its node, label and count, and links each named organisation by foaf:member;
    each member is described (label, kind) and the link cites the participant entry's source."""
    g = graphs["bergen-kunnskapskommunen-hov"]
    ks = URIRef(items["bergen-kunnskapskommunen-hov"]["sources"][0]["url"])
    group = _iri("organisation", "bergen-kunnskapskommunen-hov-municipalities")
    members = set(g.objects(group, FOAF_MEMBER))
    assert members == {_iri("organisation", s) for s in (
        "bergen-kommune", "alver-kommune", "askoy-kommune", "austrheim-kommune", "bjornafjorden-kommune",
        "masfjorden-kommune", "osteroy-kommune", "vaksdal-kommune", "voss-herad")}
    voss = _iri("organisation", "voss-herad")
    assert set(g.objects(voss, V.SKOS.prefLabel)) == {Literal("Voss herad", lang="nb")}
    assert (voss, V.ORG.classification, _concept("orgtype", "municipality")) in g
    assert (_iri("organisation", "bjornafjorden-kommune"), V.SKOS.prefLabel,
            Literal("Bjørnafjorden kommune", lang="nb")) in g
    assert any((ev, V.TG.forProperty, FOAF_MEMBER) in g and (ev, V.OA.hasSource, ks) in g
               for ev in g.objects(group, V.TG.evidence))
    for member in members:
        assert ks in _sources_of(g, member)
    institutions = _iri("organisation", "bergen-kunnskapskommunen-hov-knowledge-institutions")
    kinds = {str(g.value(m, V.SKOS.prefLabel)): g.value(m, V.ORG.classification)
             for m in g.objects(institutions, FOAF_MEMBER)}
    assert kinds == {
        "Universitetet i Bergen": _concept("orgtype", "university"),
        "Høgskulen på Vestlandet": _concept("orgtype", "university-college"),
        "NORCE": _concept("orgtype", "research-institute"),
        "Helse Bergen": _concept("orgtype", "health-trust"),
        "Haraldsplass Diakonale Sykehus": _concept("orgtype", "health-trust"),
        "Folkehelseinstituttet": _concept("orgtype", "other"),
        "VID vitenskapelige høgskole": _concept("orgtype", "university-college"),
    }
    g = graphs["nord-gudbrandsdal-ntnu"]
    group = _iri("organisation", "nord-gudbrandsdal-ntnu-municipalities")
    assert len(set(g.objects(group, FOAF_MEMBER))) == 6
    assert (group, FOAF_MEMBER, _iri("organisation", "vaga-kommune")) in g
    g = graphs["alesund-ntnu"]
    departments = set(g.objects(_iri("organisation", "alesund-ntnu-ntnu-departments"), FOAF_MEMBER))
    assert len(departments) == 4
    for unit in departments:
        assert (unit, V.ORG.unitOf, _iri("organisation", "ntnu")) in g
    # a group whose name lists no organisation has no members
    g = graphs["kristiansand-uia"]
    assert not set(g.objects(_iri("organisation", "kristiansand-uia-other-agder-municipalities"), FOAF_MEMBER))
    # groups listed as one participant: the number of memberships is unchanged, every group with a count keeps it
    for slug, item in items.items():
        g = graphs[slug]
        for group in g.subjects(V.RDF.type, V.TG.OrganisationGroup):
            for member in g.objects(group, FOAF_MEMBER):
                assert g.value(member, V.ORG.classification) is not None, (slug, member)
                assert (member, V.RDF.type, V.TG.OrganisationGroup) not in g


def test_every_statement_has_one_field(graphs: dict[str, Graph]) -> None:
    """Every sourced statement, including those from `other`, has exactly one tg:field in the field: scheme."""
    for slug, g in graphs.items():
        statements = set(g.subjects(V.RDF.type, V.TG.SourcedStatement)) | set(
            g.subjects(V.RDF.type, V.TG.StatusStatement))
        for s in statements:
            fields = list(g.objects(s, V.TG.field))
            assert len(fields) == 1, f"{slug}: {s} has {fields}"
            assert str(fields[0]).startswith(ID + "concept/field/"), fields[0]
    g = graphs["drammen-usn"]
    assert (_iri("statement", "drammen-usn-other-2"), V.TG.field, _concept("field", "origin")) in g


def _all_graphs() -> dict[str, Graph]:
    """Every named graph of data/gjovik-ntnu.trig, data/reference.trig and data/partnerships/*.trig, by IRI."""
    out: dict[str, Graph] = {}
    paths = [ROOT / "data" / "gjovik-ntnu.trig", ROOT / "data" / "reference.trig", *sorted(COMMITTED.glob("*.trig"))]
    for path in paths:
        ds = Dataset()
        ds.parse(path, format="trig")
        for g in ds.graphs():
            if len(g):
                out[str(g.identifier)] = _copy(g)
    return out


def test_organisations_are_described_alike_in_every_graph() -> None:
    """Every resource with skos:prefLabel in more than one graph has the same prefLabels, org:classification and
    org:unitOf in each of them."""
    described: dict[URIRef, dict[str, tuple[frozenset, frozenset, frozenset]]] = {}
    for name, g in _all_graphs().items():
        for s in set(g.subjects(V.SKOS.prefLabel)):
            described.setdefault(s, {})[name] = (
                frozenset(g.objects(s, V.SKOS.prefLabel)), frozenset(g.objects(s, V.ORG.classification)),
                frozenset(g.objects(s, V.ORG.unitOf)))
    shared = {s: by_graph for s, by_graph in described.items() if len(by_graph) > 1}
    assert _iri("organisation", "ntnu") in shared
    for s, by_graph in shared.items():
        assert len(set(by_graph.values())) == 1, f"{s}: {by_graph}"


def test_organisations_of_the_gjovik_data_are_copied_exactly(graphs: dict[str, Graph]) -> None:
    """An organisation that data/gjovik-ntnu.trig describes has, in every partnership graph, exactly its prefLabels,
    altLabels, rdf:types and org:classification."""
    gjovik = _all_graphs()[BASE + "graph/gjovik-ntnu"]
    orgs = {s for s in gjovik.subjects(V.SKOS.prefLabel) if str(s).startswith(ID + "organisation/")}
    seen = set()
    for slug, g in graphs.items():
        for o in orgs:
            if (o, V.SKOS.prefLabel, None) not in g:
                continue
            seen.add(o)
            for p in (V.SKOS.prefLabel, V.SKOS.altLabel, V.RDF.type, V.ORG.classification, V.ORG.unitOf):
                assert set(g.objects(o, p)) == set(gjovik.objects(o, p)), (slug, o, p)
    assert {_iri("organisation", "ntnu"), _iri("organisation", "ntnu-fakultet-for-medisin-og-helsevitenskap")} <= seen
    # the name as written stays on the membership
    g = graphs["alesund-ntnu"]
    assert (_iri("membership", "alesund-ntnu-2"), V.DCTERMS.description,
            Literal("Participant as written: NTNU (NTNU i Ålesund)", lang="en")) in g


def test_conflict_notes_present(graphs: dict[str, Graph], items: dict[str, dict]) -> None:
    """Every `conflicts` string is a tg:conflictNote@en on its partnership."""
    for slug, item in items.items():
        notes = set(graphs[slug].objects(_iri("partnership", slug), V.TG.conflictNote))
        assert notes == {Literal(c, lang="en") for c in item["conflicts"]}, slug


def test_memberships_match_participants(graphs: dict[str, Graph], items: dict[str, dict]) -> None:
    """One membership per organisation participant; the initiator role is set where the initiator takes part."""
    for slug, item in items.items():
        g = graphs[slug]
        expected = sum(1 for p in item["participants"] if "kind" in p)
        assert len(set(g.subjects(V.RDF.type, V.ORG.Membership))) == expected, slug
        for p in item["participants"]:
            if "kind" in p:
                assert p["name"] in NAMES
    g = graphs["oslo-oslomet"]
    m = _iri("membership", "oslo-oslomet-2")
    assert (m, V.ORG.member, _iri("organisation", "oslomet")) in g
    assert (m, V.ORG.role, _concept("role", "initiator")) in g
    g = graphs["alesund-ntnu"]
    assert (_iri("membership", "alesund-ntnu-1"), V.ORG.role, _concept("role", "driving-force")) in g


def test_unknown_source_id_is_an_input_error(tmp_path: Path) -> None:
    """A fact citing a source id that its item does not list is refused with InputError."""
    from towngown.errors import InputError

    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump([{
        "slug": "x", "name": {"nb": "X", "en": "X"}, "in_ks_collection": True, "conflicts": [],
        "sources": [{"id": "ks", "url": "https://example.org/", "seen": "n/a"}],
        "participants": [{"name": "NTNU", "kind": "university", "source": "nope"}],
    }]), encoding="utf-8")
    with pytest.raises(InputError, match="nope"):
        convert(bad)
