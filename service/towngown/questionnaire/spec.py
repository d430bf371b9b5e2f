"""The questionnaire as data: its tables and columns, with names and help in bokmål and English.

One declaration drives everything: the YAML template, the XLSX workbook, the web form, the three readers and
the error messages. A *table* is a list of rows (members, commitments, ...) or a single record (the partnership,
its origin, the status report); a *column* has a kind that says how a filled-in value becomes RDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "Column",
    "Table",
    "TABLES",
    "TABLE",
    "SECTIONS",
    "LANGUAGES",
    "KINDS",
    "STATEMENTS",
    "text_keys",
]

#: Languages a text can be written in.
LANGUAGES = ("nb", "en")

#: What a column holds.
KINDS = (
    "id",  # a short id for the row: lower-case letters, digits and hyphens
    "text",  # a text in bokmål and/or English (two cells: <key>_nb, <key>_en)
    "concept",  # a value from a concept scheme (``scheme``); ``slots`` > 1 allows several
    "anyconcept",  # a value from any concept scheme, written "scheme:code"
    "ref",  # the id of a row in another table (``targets``); ``many`` allows several, separated by ";"
    "partnership",  # the slug of another partnership in towngown; ``many`` allows several
    "decimal",
    "percent",  # a number from 0 to 100
    "integer",
    "date",  # a calendar date (2026-12-31)
    "time",  # a year (2021), a month (2021-05) or a date (2021-05-17)
    "duration",  # an ISO 8601 duration: P1Y (a year), P3Y, P6M
    "bool",  # yes / no
    "string",  # a plain value without language (a currency code, the id of a post)
    "url",  # a web address (http or https)
    "identifier",  # an external identifier (``scheme`` names its idtype: concept: an organisation number, a ROR id, ...)
)


def _t(nb: str, en: str) -> Mapping[str, str]:
    return {"nb": nb, "en": en}


@dataclass(frozen=True)
class Column:
    """One answer of a table row: its key, kind, names and help in nb and en."""

    key: str
    kind: str
    label: Mapping[str, str]
    help: Mapping[str, str]
    scheme: str | None = None
    targets: tuple[str, ...] = ()
    slots: int = 1
    many: bool = False
    required: bool = False
    long: bool = False
    #: For columns of a single-record table that the YAML keeps in another section (the partnership's purposes
    #: are answered under "purpose"): the path of the list in the YAML.
    yaml: tuple[str, ...] | None = None
    #: The questionnaire field the column answers, when it is not the table's.
    field: str | None = None

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind

    @property
    def multiple(self) -> bool:
        """True when the column holds a list of values."""
        return self.slots > 1 or self.many

    def cells(self) -> tuple[str, ...]:
        """The flat cell keys of the column in the workbook and the form: name_nb/name_en, roles_1.., or the key."""
        if self.kind == "text":
            return text_keys(self.key)
        if self.slots > 1:
            return tuple(f"{self.key}_{i}" for i in range(1, self.slots + 1))
        return (self.key,)

    def cell_label(self, cell: str, language: str) -> str:
        """The name of one cell of the column in ``language`` ("Navn (bokmål)", "Roller 2")."""
        base = self.label[language]
        if self.kind == "text":
            lang = cell.rsplit("_", 1)[1]
            names = {"nb": {"nb": "bokmål", "en": "engelsk"}, "en": {"nb": "Norwegian Bokmål", "en": "English"}}
            return f"{base} ({names[language][lang]})"
        if self.slots > 1:
            return f"{base} {cell.rsplit('_', 1)[1]}"
        return base


def text_keys(key: str) -> tuple[str, str]:
    """The two cells of a text column: <key>_nb and <key>_en."""
    return (f"{key}_nb", f"{key}_en")


@dataclass(frozen=True)
class Table:
    """A table of the questionnaire: where it lives in the YAML, in the workbook and in the graph."""

    name: str
    #: The questionnaire field (a field: concept code) the table answers; None for the partnership's name and
    #: the status report, which answer no one field.
    field: str | None
    label: Mapping[str, str]
    help: Mapping[str, str]
    sheet: str
    yaml: tuple[str, ...]
    columns: tuple[Column, ...]
    single: bool = False
    #: Rows shown in the empty web form.
    blank_rows: int = 1

    def column(self, key: str) -> Column:
        """The column called ``key``; KeyError when there is none."""
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def cell_columns(self) -> dict[str, Column]:
        """Every flat cell key of the table with its column."""
        return {cell: column for column in self.columns for cell in column.cells()}


# ---- columns used in many tables -------------------------------------------------------------------

def _id(help_nb: str = "", help_en: str = "") -> Column:
    return Column(
        "id", "id", _t("Id", "Id"),
        _t(("Kort id (små bokstaver, tall og bindestrek) som andre rader kan vise til. " + help_nb).strip(),
           ("A short id (lower-case letters, digits and hyphens) other rows can refer to. " + help_en).strip()),
        required=True,
    )


def _name(help_nb: str, help_en: str, required: bool = False) -> Column:
    return Column("name", "text", _t("Navn", "Name"), _t(help_nb, help_en), required=required)


def _description(help_nb: str = "Fritekst, gjerne med svarets egne ord.",
                 help_en: str = "Free text, preferably in the answer's own words.") -> Column:
    return Column("description", "text", _t("Beskrivelse", "Description"), _t(help_nb, help_en), long=True)


_ORG = ("organisations",)


def _org(key: str, nb: str, en: str, help_nb: str, help_en: str, *, many: bool = False, required: bool = False) -> Column:
    return Column(key, "ref", _t(nb, en), _t(help_nb, help_en), targets=_ORG, many=many, required=required)


def _status(help_nb: str, help_en: str) -> Column:
    return Column("status", "concept", _t("Status", "Status"), _t(help_nb, help_en), scheme="status")


# ---- the tables --------------------------------------------------------------------------------------

PARTNERSHIP = Table(
    "partnership", None, _t("Partnerskapet", "The partnership"),
    _t("Navnet på samarbeidet og svarene som gjelder hele samarbeidet.",
       "The name of the partnership and the answers that concern all of it."),
    "Partnerskap-Partnership", ("partnership",),
    (
        Column("name", "text", _t("Navn på samarbeidet", "Name of the partnership"),
               _t("Påkrevd på både bokmål og engelsk, for eksempel «Universitetskommunen X – Y».",
                  "Required in both Norwegian Bokmål and English, such as 'University municipality X – Y'."),
               required=True),
        _description("Kort beskrivelse av samarbeidet.", "A short description of the partnership."),
        Column("purposes", "concept", _t("Formål", "Purposes"),
               _t("Felt 7: hva samarbeidet skal oppnå, som begreper (skriv ordene i «Utsagn»).",
                  "Field 7: what the partnership is meant to achieve, as concepts (write the words as statements)."),
               scheme="purpose", slots=4, yaml=("purpose", "purposes"), field="purpose"),
        Column("collaboration_areas", "concept", _t("Samarbeidsområder", "Collaboration areas"),
               _t("Felt 10: fagområdene samarbeidet gjelder.", "Field 10: the subject areas the partnership covers."),
               scheme="area", slots=6, yaml=("focus", "collaboration_areas"), field="focus"),
        Column("collaboration_forms", "concept", _t("Samarbeidsformer", "Forms of collaboration"),
               _t("Felt 11: hvordan partene samarbeider.", "Field 11: how the parties work together."),
               scheme="form", slots=6, yaml=("collaboration-forms", "forms"), field="collaboration-forms"),
        Column("conflict_notes", "text", _t("Motstridende kilder", "Conflicting sources"),
               _t("Der kildene sier forskjellig: skriv begge opplysningene og hvor de kommer fra (begge beholdes).",
                  "Where the sources disagree: write both statements and where they come from (both are kept)."),
               long=True),
    ),
    single=True,
)

SOURCES = Table(
    "sources", None, _t("Kilder", "Sources"),
    _t("Nettsider og dokumenter svarene bygger på, med adresse (for eksempel KS' side om samarbeidet).",
       "Web pages and documents the answers are based on, with their address (such as KS's page on the partnership)."),
    "Kilder-Sources", ("sources",),
    (
        Column("url", "url", _t("Adresse", "Address"), _t("Nettadressen (https://...).", "The web address (https://...)."),
               required=True),
        _name("For eksempel «KS: Universitetskommune X».", "Such as 'KS: University municipality X'."),
        Column("description", "text", _t("Merknad", "Note"),
               _t("Hva kilden er, og når den ble lest (for eksempel «ingen dato synlig»).",
                  "What the source is, and when it was read (such as 'no date visible')."), long=True),
    ),
)

ORGANISATIONS = Table(
    "organisations", "participants", _t("Organisasjoner", "Organisations"),
    _t("Hver organisasjon, enhet eller finansiør som nevnes i svarene, én gang. Andre rader viser til dem med id.",
       "Every organisation, unit or funder the answers mention, once. Other rows refer to them by id."),
    "Organisasjoner-Organisations", ("organisations",),
    (
        _id("For organisasjoner som allerede finnes i towngown: bruk samme id (for eksempel «ntnu»).",
            "For organisations already in towngown, use the same id (such as 'ntnu')."),
        _name("Det offisielle navnet.", "The official name.", required=True),
        Column("short_name", "text", _t("Kortnavn", "Short name"),
               _t("Forkortelse brukt i svarene (for eksempel «GK»).", "An abbreviation used in the answers (such as 'GK').")),
        Column("kind", "concept", _t("Type organisasjon", "Kind of organisation"),
               _t("Kommune, universitet, enhet ved universitet, ...", "Municipality, university, university unit, ..."),
               scheme="orgtype", required=True),
        _org("unit_of", "Del av", "Part of",
             "For en enhet (institutt, fakultet, stab): id-en til organisasjonen den hører til.",
             "For a unit (department, faculty, staff): the id of the organisation it belongs to."),
        Column("public", "bool", _t("Offentlig", "Public"),
               _t("Er organisasjonen offentlig? Tomt betyr ja.", "Is the organisation public? Empty means yes.")),
        Column("area", "ref", _t("Kommuneområde", "Municipal area"),
               _t("For en kommune: id-en til området i «Områder» (innbyggertall og areal).",
                  "For a municipality: the id of its area under 'Areas' (population and size)."),
               targets=("areas",)),
        _org("group_of", "Gruppe av", "Group of",
             "For flere organisasjoner som deltar samlet («Sykkylven, Bodø, Sula, Giske»): id-ene til "
             "organisasjonene i gruppen, skilt med semikolon.",
             "For several organisations that take part as one ('Sykkylven, Bodø, Sula, Giske'): the ids of the "
             "organisations in the group, separated by semicolons.", many=True),
        Column("org_number", "identifier", _t("Organisasjonsnummer", "Organisation number"),
               _t("Ni sifre fra Enhetsregisteret.", "Nine digits from the Central Coordinating Register for Legal Entities."),
               scheme="organisation-number"),
        Column("ror", "identifier", _t("ROR-id", "ROR id"),
               _t("For en forskningsinstitusjon: id-en i ROR (https://ror.org/...).",
                  "For a research organisation: its ROR id (https://ror.org/...)."),
               scheme="ror"),
        Column("wikidata", "identifier", _t("Wikidata-id", "Wikidata id"),
               _t("Q-nummeret i Wikidata (for eksempel Q314536).", "The Wikidata Q number (such as Q314536)."),
               scheme="wikidata"),
    ),
    blank_rows=3,
)

MEMBERS = Table(
    "members", "participants", _t("Deltakere", "Members"),
    _t("Felt 1 og 2: organisasjonene som er parter i samarbeidet, og rollene deres.",
       "Fields 1 and 2: the organisations that are parties to the partnership, and their roles."),
    "Deltakere-Members", ("participants", "members"),
    (
        _org("organisation", "Organisasjon", "Organisation",
             "Id-en til organisasjonen (fra «Organisasjoner»).", "The organisation's id (from 'Organisations').",
             required=True),
        Column("roles", "concept", _t("Roller", "Roles"),
               _t("Partner, pådriver, initiativtaker, ...", "Partner, driving force, initiator, ..."),
               scheme="role", slots=4),
        Column("begins", "time", _t("Medlem fra", "Member from"),
               _t("Når organisasjonen ble med, om den kom til senere (år eller dato).",
                  "When the organisation joined, if it joined later (a year or a date).")),
        Column("ends", "time", _t("Medlem til", "Member until"),
               _t("Når organisasjonen gikk ut, om den har gått ut (år eller dato).",
                  "When the organisation left, if it has left (a year or a date).")),
        _name("Navn på medlemskapet (for eksempel «X som deltaker i samarbeidet med Y»).",
              "A name for the membership (such as 'X as a participant in the partnership with Y')."),
        _description("Hvordan organisasjonen deltar.", "How the organisation takes part."),
    ),
    blank_rows=3,
)

AREAS = Table(
    "areas", "size", _t("Områder", "Areas"),
    _t("Felt 3: kommunenes områder (territorier). Tallene står i «Statistikk».",
       "Field 3: the municipalities' areas (territories). The figures go under 'Statistics'."),
    "Omrader-Areas", ("size", "areas"),
    (_id(), _name("Navnet på området, som regel kommunens navn uten «kommune».",
                  "The area's name, usually the municipality's name without 'kommune'.", required=True),
     Column("municipality_number", "identifier", _t("Kommunenummer", "Municipality number"),
            _t("Fire sifre (for eksempel 3407).", "Four digits (such as 3407)."), scheme="municipality-number")),
)

STATISTICS = Table(
    "statistics", "size", _t("Statistikk", "Statistics"),
    _t("Felt 3: innbyggertall, areal, ansatte, studenter ...", "Field 3: population, area, staff, students ..."),
    "Statistikk-Statistics", ("size", "statistics"),
    (
        Column("id", "id", _t("Id", "Id"),
               _t("Kort id; tomt gir «<område>-<type>» (for eksempel «gjovik-population»).",
                  "A short id; empty gives '<area>-<type>' (such as 'gjovik-population').")),
        Column("of", "ref", _t("Gjelder", "Of"),
               _t("Id-en til området eller organisasjonen tallet gjelder.",
                  "The id of the area or organisation the figure is about."),
               targets=("areas", "organisations"), required=True),
        Column("type", "concept", _t("Hva", "What"), _t("Innbyggertall, areal, ansatte, ...", "Population, area, staff, ..."),
               scheme="stat", required=True),
        Column("value", "decimal", _t("Verdi", "Value"),
               _t("Tallet (areal i km²).", "The number (area in km²).")),
        Column("minimum", "decimal", _t("Minst", "Minimum"), _t("Nedre grense, når svaret gir et spenn.", "Lower bound, when the answer gives a range.")),
        Column("maximum", "decimal", _t("Høyst", "Maximum"), _t("Øvre grense, når svaret gir et spenn.", "Upper bound, when the answer gives a range.")),
        Column("qualifier", "concept", _t("Presisjon", "Qualifier"), _t("Omtrent, mer enn ...", "Approximately, more than ..."),
               scheme="qualifier"),
        Column("reference_date", "time", _t("Per dato", "As of"),
               _t("Når tallet gjelder (år eller dato); tomt når svaret ikke sier det.",
                  "When the figure holds (year or date); empty when the answer does not say.")),
        _name("For eksempel «Innbyggertall i X».", "Such as 'Population of X'."),
        _description(),
    ),
)

ANCHORINGS = Table(
    "anchorings", "anchoring", _t("Forankring", "Anchoring"),
    _t("Felt 4: hvor samarbeidet er forankret, én rad per organisasjon og nivå.",
       "Field 4: where the partnership is anchored, one row per organisation and level."),
    "Forankring-Anchoring", ("anchoring", "anchorings"),
    (
        _id(),
        _org("organisation", "Organisasjon", "Organisation", "Hvor forankringen er.", "Where the anchoring is."),
        Column("level", "concept", _t("Nivå", "Level"), _t("Ordfører, rådmann, rektor, kommunestyre, ...",
                                                            "Mayor, chief executive, rector, municipal council, ..."),
               scheme="anchor", required=True),
        Column("post", "string", _t("Stilling (id)", "Post (id)"),
               _t("Valgfri kort id for stillingen eller vervet (for eksempel «ordforer»); gjelder organisasjonen.",
                  "Optional short id of the post (such as 'ordforer'); it belongs to the organisation.")),
        Column("post_name", "text", _t("Navn på stillingen", "Name of the post"),
               _t("For eksempel «Ordfører i X».", "Such as 'Mayor of X'.")),
        _name("For eksempel «Forankring hos ordføreren i X».", "Such as 'Anchoring with the mayor of X'."),
        _description(),
    ),
    blank_rows=2,
)

BODIES = Table(
    "bodies", "organisation-and-resources", _t("Organer", "Bodies"),
    _t("Felt 5: styringsgrupper, utvalg og fora som er opprettet for samarbeidet.",
       "Field 5: steering groups, committees and forums set up for the partnership."),
    "Organer-Bodies", ("organisation-and-resources", "bodies"),
    (
        _id(),
        Column("steering_group", "bool", _t("Styringsgruppe", "Steering group"),
               _t("Ja når organet er en styringsgruppe.", "Yes when the body is a steering group.")),
        _name("Navnet på organet.", "The body's name."),
        Column("members_description", "text", _t("Medlemmer", "Members"),
               _t("Hvem som sitter i organet.", "Who sits in the body."), long=True),
        Column("meeting_frequency", "text", _t("Møtehyppighet", "Meeting frequency"),
               _t("Hvor ofte organet møtes.", "How often the body meets.")),
        Column("member_count", "integer", _t("Antall medlemmer", "Number of members"), _t("", "")),
        _description(),
    ),
)

ARRANGEMENTS = Table(
    "arrangements", "organisation-and-resources", _t("Ordninger", "Arrangements"),
    _t("Felt 5: avtalte ordninger (årlige møter på toppnivå, en styringsgruppe per delområde, ...).",
       "Field 5: agreed arrangements (annual top-level meetings, a steering group per sub-area, ...)."),
    "Ordninger-Arrangements", ("organisation-and-resources", "arrangements"),
    (
        _id(),
        Column("kind", "concept", _t("Type", "Kind"), _t("Hva slags ordning.", "What kind of arrangement."), scheme="form"),
        _status("Avtalt, etablert, ...", "Agreed, established, ..."),
        Column("repeat", "duration", _t("Gjentas hver", "Repeats every"),
               _t("P1Y betyr hvert år, P6M hvert halvår.", "P1Y means every year, P6M every six months.")),
        _name("Kort navn på ordningen.", "A short name for the arrangement."),
        _description(),
    ),
)

COMMITMENTS = Table(
    "commitments", "base-resources", _t("Ressurser", "Resources"),
    _t("Felt 5a: hver ressurs en part setter av til samarbeidet, én rad per ressurs.",
       "Field 5a: each resource a party sets aside for the partnership, one row per resource."),
    "Ressurser-Commitments", ("base-resources", "commitments"),
    (
        _id(),
        _org("by", "Fra", "From", "Id-en til parten som stiller ressursen (en deltaker).",
             "The id of the party that provides the resource (a member)."),
        _org("via", "Gjennom enhet", "Through unit", "Enheten hos parten som stiller ressursen, om den er nevnt.",
             "The party's unit that provides it, when named."),
        Column("kinds", "concept", _t("Type ressurs", "Kind of resource"),
               _t("Egeninnsats, lønnsmidler, lønns- og driftsmidler, egenandel ...",
                  "Own effort, salary funds, salary and running costs, own share ..."),
               scheme="commit", slots=2),
        Column("fte_share", "percent", _t("Stillingsandel (%)", "FTE share (%)"),
               _t("Prosent av et årsverk, 0–100.", "Percent of one full-time equivalent, 0–100.")),
        Column("cost_share", "percent", _t("Kostnadsandel (%)", "Cost share (%)"),
               _t("Prosent av kostnaden parten bærer, 0–100.", "Percent of the cost the party carries, 0–100.")),
        Column("position_count", "integer", _t("Antall stillinger", "Number of positions"), _t("", "")),
        Column("post", "string", _t("Stilling (id)", "Post (id)"),
               _t("Kort id for stillingen ressursen gjelder (for eksempel «ntnu-phd»).",
                  "A short id of the post the resource is for (such as 'ntnu-phd').")),
        Column("post_name", "text", _t("Navn på stillingen", "Name of the post"),
               _t("For eksempel «Treårig ph.d.-stilling, NTNU».", "Such as 'Three-year PhD position, NTNU'.")),
        Column("post_role", "concept", _t("Type stilling", "Kind of post"),
               _t("Prosjektledelse, ph.d., vitenskapelig stilling, ...", "Project management, PhD, scientific position, ..."),
               scheme="position"),
        Column("post_duration", "duration", _t("Stillingens varighet", "Duration of the post"),
               _t("P3Y betyr tre år.", "P3Y means three years.")),
        _org("rate_set_by", "Satser fra", "Rates set by", "Organisasjonen hvis satser gjelder.",
             "The organisation whose rates apply."),
        Column("funding_source", "concept", _t("Finansieringskilde", "Funding source"),
               _t("Hvor pengene kommer fra.", "Where the money comes from."), scheme="funding"),
        _org("in_collaboration_with", "I samarbeid med", "In collaboration with",
             "Id-er, skilt med semikolon.", "Ids, separated by semicolons.", many=True),
        Column("matched_by", "ref", _t("Motsvares av", "Matched by"),
               _t("Id-en til en ressurs fra den andre parten som svarer til denne (skilt med semikolon).",
                  "The id of the other party's resource that matches this one (separated by semicolons)."),
               targets=("commitments",), many=True),
        Column("conditional_on", "ref", _t("Forutsetter søknad", "Conditional on application"),
               _t("Id-en til søknaden (i «Søknader») ressursen er avhengig av.",
                  "The id of the application (under 'Applications') the resource depends on."),
               targets=("applications",)),
        Column("areas", "concept", _t("Samarbeidsområde", "Collaboration area"), _t("", ""), scheme="area", slots=2),
        _status("Avtalt, vedtatt, ...", "Agreed, adopted, ..."),
        _name("For eksempel «NTNU: 20 % prosjektledelse».", "Such as 'NTNU: 20 % project management'."),
        _description(),
    ),
    blank_rows=2,
)

APPLICATIONS = Table(
    "applications", "base-resources", _t("Søknader", "Applications"),
    _t("Felt 5a: søknader om midler som ressurser er avhengige av.",
       "Field 5a: applications for funds that resources depend on."),
    "Soknader-Applications", ("base-resources", "applications"),
    (
        _id(),
        _org("submitted_to", "Sendt til", "Submitted to", "Id-en til organisasjonen som behandler søknaden.",
             "The id of the organisation that decides on it."),
        Column("scheme", "string", _t("Ordning (id)", "Scheme (id)"),
               _t("Kort id for ordningen det søkes i (for eksempel «offentlig-phd»).",
                  "A short id of the funding scheme applied to (such as 'offentlig-phd').")),
        Column("scheme_name", "text", _t("Navn på ordningen", "Name of the scheme"), _t("", "")),
        _org("scheme_administered_by", "Ordningen forvaltes av", "Scheme administered by", "", ""),
        _status("Til behandling, innvilget, avslått ...", "Pending, granted, rejected ..."),
        _name("For eksempel «Søknad til X om Y».", "Such as 'Application to X for Y'."),
        _description(),
    ),
)

FUNDING = Table(
    "funding", "funding", _t("Finansiering", "Funding"),
    _t("Felt 6: penger gitt til samarbeidet.", "Field 6: money given to the partnership."),
    "Finansiering-Funding", ("funding", "contributions"),
    (
        _id(),
        _org("funders", "Finansiører", "Funders", "Id-er, skilt med semikolon.", "Ids, separated by semicolons.", many=True),
        Column("amount", "decimal", _t("Beløp", "Amount"), _t("", "")),
        Column("currency", "string", _t("Valuta", "Currency"), _t("Tomt betyr NOK.", "Empty means NOK.")),
        _name("", ""),
        _description(),
    ),
)

ORIGIN = Table(
    "origin", "origin", _t("Opprinnelse", "Origin"),
    _t("Felt 8: hvordan samarbeidet oppstod.", "Field 8: how the partnership arose."),
    "Opprinnelse-Origin", ("origin",),
    (
        _org("associated_with", "Parter i prosessen", "Parties to the process",
             "Id-ene til organisasjonene som skapte samarbeidet, skilt med semikolon.",
             "The ids of the organisations that created the partnership, separated by semicolons.", many=True),
        Column("influenced_by", "partnership", _t("Inspirert av", "Influenced by"),
               _t("Andre partnerskap i towngown som var forbilde (for eksempel «trondheim-ntnu»).",
                  "Other partnerships in towngown that served as a model (such as 'trondheim-ntnu')."), many=True),
        _name("For eksempel «Hvordan samarbeidet X oppstod».", "Such as 'How the partnership X arose'."),
        _description(),
    ),
    single=True,
)

TERMS = Table(
    "terms", "duration", _t("Varighet", "Terms"),
    _t("Felt 9: avtaleperiodene.", "Field 9: the agreement periods."),
    "Varighet-Terms", ("duration", "terms"),
    (
        _id(),
        Column("type", "concept", _t("Type periode", "Kind of period"), _t("Første periode, fornyelse, pilot ...",
                                                                           "Initial period, renewal, pilot ..."),
               scheme="term"),
        Column("begins", "time", _t("Start", "Begins"), _t("År (2021) eller dato (2021-01-01).", "A year (2021) or a date (2021-01-01).")),
        Column("ends", "time", _t("Slutt", "Ends"), _t("År eller dato.", "A year or a date.")),
        _name("For eksempel «Første avtaleperiode 2021–2026».", "Such as 'Initial period 2021–2026'."),
        _description(),
        Column("begins_name", "text", _t("Navn på starten", "Name of the beginning"), _t("", "")),
        Column("ends_name", "text", _t("Navn på slutten", "Name of the end"), _t("", "")),
    ),
)

AGREEMENTS = Table(
    "agreements", "focus", _t("Avtaler", "Agreements"),
    _t("Felt 10: hovedavtalen og delavtalene.", "Field 10: the main agreement and the sub-agreements."),
    "Avtaler-Agreements", ("focus", "agreements"),
    (
        _id(),
        Column("part_of", "ref", _t("Delavtale av", "Sub-agreement of"),
               _t("For en delavtale: id-en til hovedavtalen. Tomt betyr hovedavtalen.",
                  "For a sub-agreement: the id of the main agreement. Empty means this is the main agreement."),
               targets=("agreements",)),
        Column("ordinal", "integer", _t("Nummer", "Number"), _t("Delavtalens nummer (1, 2, ...).", "The sub-agreement's number (1, 2, ...).")),
        Column("areas", "concept", _t("Samarbeidsområde", "Collaboration area"), _t("", ""), scheme="area", slots=3),
        _name("For eksempel «Første delavtale: helse og omsorg».", "Such as 'First sub-agreement: health and care'."),
        _description(),
    ),
)

MILESTONES = Table(
    "milestones", "milestones", _t("Milepæler", "Milestones"),
    _t("Felt 13: daterte hendelser.", "Field 13: dated events."),
    "Milepaler-Milestones", ("milestones", "milestones"),
    (
        _id(),
        Column("date", "time", _t("Dato", "Date"), _t("År, måned (2021-05) eller dato.", "A year, month (2021-05) or date.")),
        Column("date_text", "text", _t("Tidspunkt i ord", "Time in words"),
               _t("Når datoen ikke kan skrives som dato («høsten 2021»).", "When the date cannot be written as one ('autumn 2021').")),
        _name("", ""),
        _description(),
    ),
)

RESULTS = Table(
    "results", "results", _t("Resultater", "Results"),
    _t("Felt 14: rapporterte resultater.", "Field 14: reported results."),
    "Resultater-Results", ("results", "results"),
    (_id(), Column("count", "integer", _t("Antall", "Count"), _t("Når resultatet er et antall.", "When the result is a count.")),
     _name("", ""), _description()),
)

LESSONS = Table(
    "lessons", "lessons-learned", _t("Læringspunkter", "Lessons"),
    _t("Felt 15: de viktigste læringspunktene, ett per rad.", "Field 15: the most important lessons, one per row."),
    "Laering-Lessons", ("lessons-learned", "lessons"),
    (
        _id(),
        Column("topic", "concept", _t("Tema", "Topic"), _t("Riktige ressurser, forankring, ...", "The right resources, anchoring, ..."),
               scheme="lesson"),
        _name("", ""),
        _description(),
    ),
)

STATEMENTS = Table(
    "statements", "participants", _t("Utsagn", "Statements"),
    _t("Svar i fritekst til et felt. «Så langt» betyr at utsagnet gjelder nå og kan endre seg (status).",
       "Free-text answers to a field. 'So far' means the statement holds now and may change (a status)."),
    "Utsagn-Statements", ("statements",),
    (
        _id(),
        Column("field", "concept", _t("Felt", "Field"), _t("Hvilket felt i spørreskjemaet.", "Which field of the questionnaire."),
               scheme="field", required=True),
        Column("so_far", "bool", _t("Så langt", "So far"),
               _t("Ja når utsagnet beskriver situasjonen nå («foreløpig», «så langt»).",
                  "Yes when the statement describes the situation now ('for now', 'so far').")),
        Column("concept", "anyconcept", _t("Begrep", "Concept"),
               _t("Et begrep utsagnet gjelder, skrevet «skjema:kode» (for eksempel «role:driving-force»).",
                  "A concept the statement is about, written 'scheme:code' (such as 'role:driving-force').")),
        _status("Under utvikling, ingen ennå, lite så langt ...", "Under development, none yet, little so far ..."),
        _org("references", "Gjelder organisasjoner", "Concerns organisations", "Id-er, skilt med semikolon.",
             "Ids, separated by semicolons.", many=True),
        _name("Kort overskrift.", "A short heading."),
        _description("Svaret.", "The answer."),
    ),
    blank_rows=2,
)

REPORT = Table(
    "report", None, _t("Statusrapport", "Status report"),
    _t("Når svarene ble gitt: utsagn merket «så langt» og læringspunkter hører til denne rapporten.",
       "When the answers were given: statements marked 'so far' and the lessons belong to this report."),
    "Rapport-Report", ("status_report",),
    (
        Column("id", "id", _t("Id", "Id"), _t("Tomt gir «questionnaire».", "Empty gives 'questionnaire'.")),
        Column("date", "date", _t("Dato", "Date"), _t("Datoen svarene ble gitt.", "The date the answers were given.")),
        Column("not_before", "time", _t("Ikke før", "Not before"),
               _t("Når bare et tidligste tidspunkt er kjent (år eller dato).", "When only an earliest time is known (year or date).")),
        _name("For eksempel «Statusrapport fra spørreskjemasvaret om X».", "Such as 'Status report from the survey answer on X'."),
    ),
    single=True,
)

#: Every table, in questionnaire order.
TABLES: tuple[Table, ...] = (
    PARTNERSHIP, ORGANISATIONS, SOURCES, MEMBERS, AREAS, STATISTICS, ANCHORINGS, BODIES, ARRANGEMENTS, COMMITMENTS,
    APPLICATIONS, FUNDING, ORIGIN, TERMS, AGREEMENTS, MILESTONES, RESULTS, LESSONS, STATEMENTS, REPORT,
)
TABLE: dict[str, Table] = {t.name: t for t in TABLES}

#: The YAML's sections per questionnaire field: (key = field code, tables answered there). Every section may also
#: hold ``statements``; "origin" holds the origin's answers itself.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("participants", ("members",)),
    ("initiators", ()),
    ("size", ("areas", "statistics")),
    ("anchoring", ("anchorings",)),
    ("organisation-and-resources", ("bodies", "arrangements")),
    ("base-resources", ("commitments", "applications")),
    ("funding", ("funding",)),
    ("purpose", ()),
    ("origin", ("origin",)),
    ("duration", ("terms",)),
    ("focus", ("agreements",)),
    ("collaboration-forms", ()),
    ("action-plans", ()),
    ("milestones", ("milestones",)),
    ("results", ("results",)),
    ("lessons-learned", ("lessons",)),
)
