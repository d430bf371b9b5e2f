"""Synthetic partnerships for the benchmarks, shaped like data/ and valid against shapes/.

Each partnership is its own named graph ``graph/bench-<n>``, like ``data/partnerships/*.trig``: the
partnership (bilingual labels and description, purpose, collaboration areas and forms), 2-4 memberships of a
municipality, a university and sometimes a university unit or a second municipality (each described in the
graph, the municipality with its territory and population), two posts and anchoring facts, 4-8 resource
commitments (kind, FTE share, post, unit, area, status), a term with beginning and end, bilingual sourced
statements, a source document, and line-level evidence (Web Annotation selectors with a quote) on every node.

Written with string templates (rdflib would take minutes at 100 000 partnerships); deterministic for a seed.

    python bench/generate.py 1000 /tmp/bench-1000      # one TriG file per 1 000 partnerships
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

__all__ = ["generate", "partnership_trig", "slug", "PREFIXES"]

BASE = "https://w3id.org/towngown/"
ID = BASE + "id/"
C = ID + "concept/"

PREFIXES = f"""@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix schema: <http://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix tg: <https://w3id.org/towngown/ontology#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <{ID}> .
@prefix c: <{C}> .

"""

_PLACE_START = ["Nord", "Sør", "Øst", "Vest", "Øvre", "Nedre", "Indre", "Ytre", "Stor", "Lille", ""]
_PLACE_STEM = ["fjell", "dal", "vik", "nes", "sund", "berg", "haug", "lund", "strand", "skog", "øy", "bø", "heim", "mo", "voll", "å"]
_PLACE_ROOT = ["Rød", "Hval", "Sol", "Lier", "Grim", "Kvit", "Lang", "Brei", "Eid", "Haf", "Fos", "Tind", "Bjør", "Elv", "Snø", "Rein"]
_UNIVERSITIES = [
    ("ntnu", "NTNU"), ("uio", "Universitetet i Oslo"), ("uib", "Universitetet i Bergen"), ("uit", "UiT Norges arktiske universitet"),
    ("uia", "Universitetet i Agder"), ("usn", "Universitetet i Sørøst-Norge"), ("oslomet", "OsloMet"), ("hinn", "Høgskolen i Innlandet"),
    ("nord", "Nord universitet"), ("hvl", "Høgskulen på Vestlandet"), ("uis", "Universitetet i Stavanger"), ("nmbu", "NMBU"),
]
_FACULTIES = [
    ("helse", "Fakultet for helsevitenskap", "Faculty of Health Sciences"),
    ("laerer", "Fakultet for lærerutdanning", "Faculty of Teacher Education"),
    ("teknologi", "Fakultet for teknologi", "Faculty of Technology"),
    ("samfunn", "Fakultet for samfunnsvitenskap", "Faculty of Social Sciences"),
    ("okonomi", "Handelshøyskolen", "School of Business"),
]
_AREAS = [
    ("helse-og-omsorg", "helse og omsorg", "health and care"), ("oppvekst-og-utdanning", "oppvekst og utdanning", "childhood and education"),
    ("byutvikling", "byutvikling", "urban development"), ("innovasjon-og-omstilling", "innovasjon og omstilling", "innovation and change"),
    ("digitalisering", "digitalisering", "digitalisation"), ("baerekraft", "bærekraft", "sustainability"),
    ("folkehelse", "folkehelse", "public health"), ("tjenesteutvikling", "tjenesteutvikling", "service development"),
    ("samfunnsutvikling", "samfunnsutvikling", "community development"), ("sikkerhet-og-beredskap", "sikkerhet og beredskap", "safety and preparedness"),
]
_KINDS = [("own-effort", "egeninnsats", "own effort"), ("salary", "lønnsmidler", "salary"),
          ("salary-and-running-costs", "lønns- og driftsmidler", "salary and running costs"),
          ("own-share-external-scheme", "egenandel", "own share of an external scheme")]
_POSITIONS = [("project-management", "prosjektledelse", "project management"), ("phd", "ph.d.", "PhD"),
              ("public-sector-phd", "offentlig sektor-ph.d.", "public sector PhD"), ("adviser", "rådgiver", "adviser"),
              ("scientific-position", "vitenskapelig stilling", "scientific position"), ("project-leader", "prosjektleder", "project leader")]
_FORMS = ["ordinary-meetings", "annual-top-level-meeting", "steering-group-per-area", "combined-positions", "public-sector-phd",
          "student-theses-and-practice", "joint-research-projects", "continuing-education", "living-lab"]
_PURPOSES = ["knowledge-access", "research-education-arena", "two-way-knowledge-transfer"]
_STATUSES = ["agreed", "established", "in-progress", "pending"]


def slug(n: int) -> str:
    """The slug of synthetic partnership n."""
    return f"bench-{n:06d}"


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


class _Writer:
    """One partnership graph in Turtle syntax inside a TriG graph block, with evidence on every node."""

    def __init__(self, source: str, web_page: str | None) -> None:
        self.lines: list[str] = []
        self.source = source
        self.web_page = web_page
        self.line_no = 10

    def node(self, subject: str, *props: str, quote: str = "") -> None:
        """A node with its properties and one evidence annotation: a line selector and quote in the survey
        answer (survey-based partnerships, like data/gjovik-ntnu.trig) or the web page it was read on (like
        data/partnerships/*.trig)."""
        if self.web_page:
            self.lines.append(
                f"  {subject} " + " ;\n    ".join([*props, f"tg:evidence [ a oa:SpecificResource ; oa:hasSource {self.web_page} ]"]) + " ."
            )
            return
        self.line_no += 3
        start = self.line_no
        exact = _esc(quote or "se avtalen")
        evidence = (
            f"tg:evidence [ a oa:SpecificResource ; oa:hasSource {self.source} ; "
            f"oa:hasSelector [ a oa:FragmentSelector ; dct:conformsTo <http://tools.ietf.org/rfc/rfc5147> ; "
            f'rdf:value "line={start - 1},{start + 1}" ; tg:fromLine {start} ; tg:toLine {start + 1} ; '
            f'oa:refinedBy [ a oa:TextQuoteSelector ; oa:exact "{exact}"@nb ] ] ]'
        )
        self.lines.append(f"  {subject} " + " ;\n    ".join([*props, evidence]) + " .")

    def plain(self, subject: str, *props: str) -> None:
        """A node without evidence (instants, documents)."""
        self.lines.append(f"  {subject} " + " ;\n    ".join(props) + " .")


def _place(rng: random.Random) -> str:
    return f"{rng.choice(_PLACE_START)}{rng.choice(_PLACE_ROOT).lower() if rng.choice(_PLACE_START) else rng.choice(_PLACE_ROOT)}{rng.choice(_PLACE_STEM)}".capitalize()


def partnership_trig(n: int, rng: random.Random) -> str:
    """The TriG graph block of partnership n."""
    s = slug(n)
    graph = f"<{BASE}graph/{s}>"
    p = f"<{ID}partnership/{s}>"
    source = f"<{ID}source/{s}-survey>"
    survey = n % 4 == 0  # one in four from a survey answer with line-level provenance, the rest from web pages
    web_page = None if survey else f"<https://www.ks.no/universitetskommuner/{s}/>"
    w = _Writer(source, web_page)
    town = _place(rng)
    town_slug = f"{s}-kommune"
    uni_slug, uni_name = _UNIVERSITIES[n % len(_UNIVERSITIES)]
    municipality = f"<{ID}organisation/{town_slug}>"
    university = f"<{ID}organisation/{uni_slug}>"
    area_iri = f"<{ID}area/{s}>"
    faculty_slug, faculty_nb, faculty_en = rng.choice(_FACULTIES)
    unit = f"<{ID}organisation/{uni_slug}-{faculty_slug}-{s}>"
    areas = rng.sample(_AREAS, rng.randint(2, 4))
    start_year = rng.randint(2012, 2024)
    years = rng.choice([3, 4, 5, 8])

    w.plain(graph, "a tg:PartnershipGraph", "dct:license <https://creativecommons.org/licenses/by/4.0/>",
            f"prov:wasDerivedFrom {web_page or source}", f"foaf:primaryTopic {p}")
    if web_page:
        w.plain(web_page, "a foaf:Document", 'dct:description "no date visible"@en')
    w.plain(source, "a foaf:Document", f'dct:identifier "{s}-survey.txt"', 'dct:format "text/plain"',
            "dct:language <http://publications.europa.eu/resource/authority/language/NOB>")

    members = [(municipality, "member-municipality" if n % 7 else "host-municipality"), (university, "knowledge-partner")]
    extra = []
    if n % 3 == 0:
        members.append((unit, "coordinating-unit"))
    if n % 5 == 0:
        neighbour = f"<{ID}organisation/{s}-nabokommune>"
        extra.append(neighbour)
        members.append((neighbour, "partner"))
    memberships = [f"<{ID}membership/{s}-{i + 1}>" for i in range(len(members))]
    posts = [f"<{ID}post/{s}-mayor>", f"<{ID}post/{s}-rector>"]
    anchorings = [f"<{ID}anchoring/{s}-{i + 1}>" for i in range(2)]
    commitments = [f"<{ID}commitment/{s}-{i + 1}>" for i in range(rng.randint(4, 8))]
    term = f"<{ID}term/{s}-1>"
    statements = [f"<{ID}statement/{s}-purpose-1>", f"<{ID}statement/{s}-area-1>"]

    w.node(
        p,
        "a tg:UniversityMunicipalityPartnership, schema:Project",
        f'skos:prefLabel "Universitetskommunen {town}"@nb, "University Municipality {town}"@en',
        f'dct:description "Samarbeid mellom {town} kommune og {_esc(uni_name)} om {areas[0][1]}."@nb, '
        f'"Collaboration between {town} municipality and {_esc(uni_name)} on {areas[0][2]}."@en',
        "org:hasMembership " + ", ".join(memberships),
        "tg:anchoring " + ", ".join(anchorings),
        "tg:hasCommitment " + ", ".join(commitments),
        "tg:collaborationArea " + ", ".join(f"<{C}area/{a[0]}>" for a in areas),
        "tg:collaborationForm " + ", ".join(f"<{C}form/{f}>" for f in rng.sample(_FORMS, 3)),
        f"org:purpose <{C}purpose/{rng.choice(_PURPOSES)}>",
        f"tg:term {term}",
        "tg:statement " + ", ".join(statements),
        quote=f"Universitetskommunen {town}",
    )
    for membership, (member, role) in zip(memberships, members):
        w.node(membership, "a org:Membership", f"org:member {member}", f"org:organization {p}", f"org:role <{C}role/{role}>",
               quote="partner i samarbeidet")
    w.node(municipality, "a org:Organization, cv:PublicOrganisation, schema:GovernmentOrganization",
           f'skos:prefLabel "{town} kommune"@nb, "{town} Municipality"@en', f"org:classification <{C}orgtype/municipality>",
           f"dct:spatial {area_iri}", quote=f"{town} kommune")
    statistic = f"<{ID}statistic/{s}-population>"
    w.node(area_iri, "a cv:AdminUnit, schema:AdministrativeArea", f'skos:prefLabel "{town}"@nb', f"tg:hasStatistic {statistic}",
           quote=town)
    w.node(statistic, "a tg:StatisticalValue", f"tg:statisticType <{C}stat/population>",
           f'qudt:numericValue {rng.randint(1500, 120000)}', "qudt:unit unit:NUM", '''tg:referenceDate "2024-01-01"^^xsd:date''',
           quote="innbyggere")
    w.node(university, "a org:Organization, cv:PublicOrganisation, schema:CollegeOrUniversity",
           f'skos:prefLabel "{_esc(uni_name)}"@nb', f"org:classification <{C}orgtype/university>", quote=uni_name)
    w.node(unit, "a org:OrganizationalUnit", f'skos:prefLabel "{faculty_nb}"@nb, "{faculty_en}"@en',
           f"org:unitOf {university}", f"org:classification <{C}orgtype/university-unit>", quote=faculty_nb)
    for neighbour in extra:
        w.node(neighbour, "a org:Organization, cv:PublicOrganisation, schema:GovernmentOrganization",
               f'skos:prefLabel "Nabokommunen til {town}"@nb', f"org:classification <{C}orgtype/municipality>", quote="nabokommunen")
    w.node(posts[0], "a org:Post", f'skos:prefLabel "ordfører i {town}"@nb, "mayor of {town}"@en', f"org:postIn {municipality}",
           f"org:role <{C}anchor/mayor>", quote="ordfører")
    w.node(posts[1], "a org:Post", 'skos:prefLabel "rektor"@nb, "rector"@en', f"org:postIn {university}", f"org:role <{C}anchor/rector>",
           quote="rektor")
    for anchoring, post, level, org_iri in zip(anchorings, posts, ("mayor", "rector"), (municipality, university)):
        w.node(anchoring, "a tg:Anchoring", f"tg:anchoringLevel <{C}anchor/{level}>", f"tg:anchoredIn {post}",
               f"tg:anchoringOrganisation {org_iri}", f'skos:prefLabel "forankret hos {level}"@nb', quote="forankret")
    for i, commitment in enumerate(commitments):
        kind = rng.choice(_KINDS)
        position = rng.choice(_POSITIONS)
        party, via = (municipality, None) if i % 2 == 0 else (university, unit)
        fte = rng.choice([10, 20, 25, 50, 100])
        post = f"<{ID}post/{s}-commitment-{i + 1}>"
        props = [
            "a tg:ResourceCommitment" + (", tg:InKindContribution" if kind[0] == "own-effort" else ""),
            f'skos:prefLabel "{fte} % {position[1]} ({kind[1]})"@nb, "{fte} % {position[2]} ({kind[2]})"@en',
            f"tg:committedBy {party}",
            f"tg:commitmentKind <{C}commit/{kind[0]}>",
            f'tg:fteShare "{fte}"^^xsd:decimal',
            f"tg:forPost {post}",
            f"tg:collaborationArea <{C}area/{rng.choice(areas)[0]}>",
            f"tg:agreementStatus <{C}status/{rng.choice(_STATUSES)}>",
        ]
        if via:
            props.append(f"tg:providedVia {via}")
        w.node(commitment, *props, quote=f"{fte} % stilling")
        w.plain(post, "a org:Post", f"org:role <{C}position/{position[0]}>", f'tg:duration "P{rng.randint(1, 4)}Y"^^xsd:duration',
                f'skos:prefLabel "{position[1]}"@nb, "{position[2]}"@en')
    w.node(term, "a time:ProperInterval", f"time:hasBeginning <{ID}term/{s}-1-beginning>", f"time:hasEnd <{ID}term/{s}-1-end>",
           f"tg:termType <{C}term/initial-period>", quote=f"{start_year}–{start_year + years}")
    w.plain(f"<{ID}term/{s}-1-beginning>", "a time:Instant", f'time:inXSDDate "{start_year}-01-01"^^xsd:date')
    w.plain(f"<{ID}term/{s}-1-end>", "a time:Instant", f'time:inXSDDate "{start_year + years - 1}-12-31"^^xsd:date')
    w.node(statements[0], "a tg:SourcedStatement", f"tg:field <{C}field/purpose>",
           f'dct:description "Samarbeidet skal gi {town} tilgang til forskning og utdanning."@nb, '
           f'"The collaboration gives {town} access to research and education."@en', quote="tilgang til forskning")
    w.node(statements[1], "a tg:SourcedStatement", f"tg:field <{C}field/focus>", f"tg:concept <{C}area/{areas[0][0]}>",
           f'dct:description "Hovedområdet er {areas[0][1]}."@nb, "The main area is {areas[0][2]}."@en', quote=areas[0][1])
    return f"{graph} {{\n" + "\n".join(w.lines) + "\n}\n"


def generate(count: int, out_dir: Path, *, seed: int = 6, per_file: int = 1000) -> list[Path]:
    """Write ``count`` partnerships as TriG files of ``per_file`` graphs each under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    written = []
    for start in range(0, count, per_file):
        path = out_dir / f"partnerships-{start // per_file:04d}.trig"
        with path.open("w", encoding="utf-8") as handle:
            handle.write(PREFIXES)
            for n in range(start, min(count, start + per_file)):
                handle.write(partnership_trig(n, rng))
        written.append(path)
    return written


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
