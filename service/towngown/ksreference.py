"""Convert the compiled KS reference file (ks-partnerships.yaml) into one named graph per partnership.

Every fact node carries ``tg:evidence [ a oa:SpecificResource ; oa:hasSource <url> ]`` pointing at the web
page the YAML entry cites. The mapping tables below (organisations, roles, anchoring levels, concepts) are
explicit and reviewed: a name or text the tables do not know is an error, never a guess.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from towngown.errors import InputError
from towngown.vocab import (
    CV, DCTERMS, FOAF, OA, ORG, PROV, QUDT, RDF, SCHEMA, SKOS, TG, TIME, UNIT, XSD, bind_prefixes,
)

__all__ = [
    "DEFAULT_BASE",
    "LICENSE",
    "OrgSpec",
    "ORGANISATIONS",
    "NAMES",
    "convert",
    "write_all",
]

logger = logging.getLogger(__name__)

DEFAULT_BASE = "https://w3id.org/towngown/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
_COMPILED = "2026-11-26"


# --------------------------------------------------------------------------------------------------
# Organisations: one shared IRI per organisation across all partnerships.
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrgSpec:
    """One organisation, unit or group: slug, canonical label, orgtype concept, and how to type it."""

    slug: str
    label: str
    kind: str                      # orgtype: concept name
    public: bool = False           # cv:PublicOrganisation
    parent: str | None = None      # org:unitOf (slug) for units whose parent is in the name
    group: bool = False            # tg:OrganisationGroup (several organisations as one participant)
    unit: bool = False             # org:OrganizationalUnit
    lang: str = "nb"               # language of the label as written
    en: str | None = None          # English prefLabel, only where data/gjovik-ntnu.trig gives one
    canonical: bool = False        # described in data/gjovik-ntnu.trig: copy it exactly, add no altLabel
    members: tuple[str, ...] = ()  # groups: the named organisations (slugs), linked by foaf:member


_O = OrgSpec
ORGANISATIONS: dict[str, OrgSpec] = {o.slug: o for o in (
    # municipalities and counties
    _O("trondheim-kommune", "Trondheim kommune", "municipality", True),
    _O("alesund-kommune", "Ålesund kommune", "municipality", True),
    _O("kristiansand-kommune", "Kristiansand kommune", "municipality", True),
    _O("oslo-kommune", "Oslo kommune", "municipality", True),
    _O("drammen-kommune", "Drammen kommune", "municipality", True),
    _O("skien-kommune", "Skien kommune", "municipality", True),
    _O("faerder-kommune", "Færder kommune", "municipality", True),
    _O("bergen-kommune", "Bergen kommune", "municipality", True),
    _O("askoy-kommune", "Askøy kommune", "municipality", True),
    _O("alver-kommune", "Alver kommune", "municipality", True),
    _O("austrheim-kommune", "Austrheim kommune", "municipality", True),
    _O("bjornafjorden-kommune", "Bjørnafjorden kommune", "municipality", True),
    _O("masfjorden-kommune", "Masfjorden kommune", "municipality", True),
    _O("osteroy-kommune", "Osterøy kommune", "municipality", True),
    _O("vaksdal-kommune", "Vaksdal kommune", "municipality", True),
    _O("voss-herad", "Voss herad", "municipality", True),
    _O("skjak-kommune", "Skjåk kommune", "municipality", True),
    _O("lom-kommune", "Lom kommune", "municipality", True),
    _O("vaga-kommune", "Vågå kommune", "municipality", True),
    _O("sel-kommune", "Sel kommune", "municipality", True),
    _O("dovre-kommune", "Dovre kommune", "municipality", True),
    _O("lesja-kommune", "Lesja kommune", "municipality", True),
    _O("sykkylven-kommune", "Sykkylven kommune", "municipality", True),
    _O("bodo-kommune", "Bodø kommune", "municipality", True),
    _O("sula-kommune", "Sula kommune", "municipality", True),
    _O("giske-kommune", "Giske kommune", "municipality", True),
    _O("vestvagoy-kommune", "Vestvågøy kommune", "municipality", True),
    _O("steinkjer-kommune", "Steinkjer kommune", "municipality", True),
    _O("levanger-kommune", "Levanger kommune", "municipality", True),
    _O("oppdal-kommune", "Oppdal kommune", "municipality", True),
    _O("baerum-kommune", "Bærum kommune", "municipality", True),
    _O("kongsvinger-kommune", "Kongsvinger kommune", "municipality", True),
    _O("trondelag-fylkeskommune", "Trøndelag fylkeskommune", "county-municipality", True),
    _O("innlandet-fylkeskommune", "Innlandet fylkeskommune", "county-municipality", True),
    _O("regionradet-nord-gudbrandsdal", "Regionrådet Nord-Gudbrandsdal", "intermunicipal-council", True),
    # municipal units
    _O("skien-kommune-helse-og-velferd", "Skien kommune (helse og velferd)", "municipal-unit",
       parent="skien-kommune", unit=True),
    _O("faerder-kommune-helse", "Færder kommune, virksomhetsområde HELSE", "municipal-unit",
       parent="faerder-kommune", unit=True),
    _O("faerder-kommune-oppvekst", "Færder kommune, virksomhetsområde OPPVEKST", "municipal-unit",
       parent="faerder-kommune", unit=True),
    _O("ibsen-formidlingssenter", "Ibsen formidlingssenter", "municipal-unit", unit=True),
    _O("utviklingssenter-for-sykehjem-interkommunalt", "Utviklingssenter for sykehjem (interkommunalt)",
       "municipal-unit", unit=True),
    _O("usht-nordland", "Utviklingssenter for sykehjem og hjemmetjenester (USHT) Nordland", "municipal-unit",
       unit=True),
    # universities and colleges
    _O("ntnu", "NTNU", "university", True, en="NTNU", canonical=True),
    _O("uia", "Universitetet i Agder", "university", True),
    _O("oslomet", "OsloMet", "university", True),
    _O("usn", "Universitetet i Sørøst-Norge", "university", True),
    _O("uit", "UiT Norges arktiske universitet", "university", True),
    _O("nord-universitet", "Nord universitet", "university", True),
    _O("hinn", "Høgskolen i Innlandet", "higher-education-institution", True),
    _O("hivolda", "Høgskulen i Volda", "university-college", True),
    _O("vid", "VID vitenskapelige høgskole", "university-college"),
    _O("uib", "Universitetet i Bergen", "university", True),
    _O("hvl", "Høgskulen på Vestlandet", "university-college", True),
    _O("dronning-mauds-minne-hogskole", "Dronning Mauds Minne høgskole", "university-college"),
    _O("bi", "BI", "higher-education-institution"),
    _O("uio", "UiO", "university", True),
    _O("umb", "UMB", "university", True),
    _O("hogskolen-i-akershus", "Høgskolen i Akershus", "university-college", True),
    _O("hogskolen-i-buskerud", "Høgskolen i Buskerud", "university-college", True),
    _O("hogskolen-i-oslo", "Høgskolen i Oslo", "university-college", True),
    _O("diakonhjemmet-hogskole", "Diakonhjemmet Høgskole", "university-college"),
    # university units
    _O("ntnu-institutt-for-helsevitenskap", "NTNU Institutt for helsevitenskap", "university-unit",
       parent="ntnu", unit=True),
    _O("ntnu-fakultet-for-medisin-og-helsevitenskap", "Fakultet for medisin og helsevitenskap",
       "university-unit", parent="ntnu", unit=True, en="Faculty of Medicine and Health Sciences", canonical=True),
    _O("ntnu-institutt-for-havromsoperasjoner-og-byggteknikk", "Institutt for havromsoperasjoner og byggteknikk",
       "university-unit", parent="ntnu", unit=True),
    _O("ntnu-institutt-for-internasjonal-forretningsdrift", "Institutt for internasjonal forretningsdrift",
       "university-unit", parent="ntnu", unit=True),
    _O("ntnu-institutt-for-ikt-og-realfag", "Institutt for IKT og realfag", "university-unit",
       parent="ntnu", unit=True),
    _O("ntnu-institutt-for-biologiske-fag", "Institutt for biologiske fag", "university-unit",
       parent="ntnu", unit=True),
    _O("usn-fakultet-for-humaniora-idretts-og-utdanningsvitenskap",
       "USN Fakultet for humaniora, idretts- og utdanningsvitenskap (HIU)", "university-unit",
       parent="usn", unit=True),
    _O("usn-fakultet-for-helse-og-sosialvitenskap", "USN Fakultet for helse- og sosialvitenskap (HS)",
       "university-unit", parent="usn", unit=True),
    _O("uit-nasjonalt-senter-for-distriktsmedisin",
       "UiT Norges arktiske universitet – Nasjonalt senter for distriktsmedisin (NSDM)", "university-unit",
       parent="uit", unit=True),
    _O("uit-senter-for-omsorgsforskning-nord",
       "UiT Norges arktiske universitet – Senter for omsorgsforskning Nord (SOF)", "university-unit",
       parent="uit", unit=True),
    _O("nord-universitet-fakultet-for-sykepleie-og-helsevitenskap",
       "Nord universitet – Fakultet for sykepleie og helsevitenskap", "university-unit",
       parent="nord-universitet", unit=True),
    # research institutes and others
    _O("sintef", "SINTEF", "research-institute"),
    _O("norce", "NORCE", "research-institute"),
    _O("nibio", "NIBIO", "research-institute", True),
    _O("copenhagen-institute-for-futures-studies", "Copenhagen Institute for Futures Studies",
       "research-institute", lang="en"),
    _O("helse-bergen", "Helse Bergen", "health-trust", True),
    _O("helse-nord-trondelag", "Helse Nord-Trøndelag", "health-trust", True),
    # a hospital: orgtype has no hospital concept, health-trust is the closest
    _O("haraldsplass-diakonale-sykehus", "Haraldsplass Diakonale Sykehus", "health-trust"),
    _O("folkehelseinstituttet", "Folkehelseinstituttet", "other", True),
    _O("ks", "KS", "association"),
    _O("ks-fid", "KS, avdeling for Forskning, innovasjon og digitalisering (FID)", "association",
       parent="ks", unit=True),
    _O("nasjonalparken-naeringshage", "Nasjonalparken Næringshage", "business-garden"),
    _O("hogskolesenteret-i-kongsvinger", "Høgskolesenteret i Kongsvinger", "study-centre"),
    # groups: several organisations named as one participant; the group stays, and each organisation its name
    # lists is linked by foaf:member (groups that name no organisation have no members)
    _O("alesund-ntnu-ntnu-departments",
       "NTNU Institutt for havromsoperasjoner og byggteknikk; Institutt for internasjonal forretningsdrift; "
       "Institutt for IKT og realfag; Institutt for biologiske fag", "university-unit", group=True,
       members=("ntnu-institutt-for-havromsoperasjoner-og-byggteknikk",
                "ntnu-institutt-for-internasjonal-forretningsdrift",
                "ntnu-institutt-for-ikt-og-realfag", "ntnu-institutt-for-biologiske-fag")),
    _O("alesund-ntnu-framtidslaben-municipalities", "Sykkylven, Bodø, Sula, Giske", "municipality", group=True,
       members=("sykkylven-kommune", "bodo-kommune", "sula-kommune", "giske-kommune")),
    _O("alesund-ntnu-framtidslaben-knowledge-partners",
       "SINTEF, NORCE, Copenhagen Institute for Futures Studies", "research-institute", group=True,
       members=("sintef", "norce", "copenhagen-institute-for-futures-studies")),
    _O("kristiansand-uia-other-agder-municipalities", "other Agder municipalities", "municipality",
       group=True, lang="en"),
    _O("bergen-kunnskapskommunen-hov-municipalities",
       "Bergen, Alver, Askøy, Austrheim, Bjørnafjorden, Masfjorden, Osterøy, Vaksdal, Voss herad",
       "municipality", group=True,
       members=("bergen-kommune", "alver-kommune", "askoy-kommune", "austrheim-kommune", "bjornafjorden-kommune",
                "masfjorden-kommune", "osteroy-kommune", "vaksdal-kommune", "voss-herad")),
    _O("bergen-kunnskapskommunen-hov-knowledge-institutions",
       "Universitetet i Bergen; Høgskulen på Vestlandet; NORCE; Helse Bergen; Haraldsplass Diakonale Sykehus; "
       "Folkehelseinstituttet; VID vitenskapelige høgskole", "knowledge-institution", group=True,
       members=("uib", "hvl", "norce", "helse-bergen", "haraldsplass-diakonale-sykehus", "folkehelseinstituttet",
                "vid")),
    _O("vestvagoy-kunnskapskommunen-hon-nordland-municipalities", "six Nordland municipalities led by Vestvågøy",
       "municipality", group=True, lang="en"),
    _O("vestvagoy-kunnskapskommunen-hon-lofoten-municipalities", "the Lofoten municipalities", "municipality",
       group=True, lang="en"),
    _O("nord-gudbrandsdal-ntnu-municipalities", "Skjåk, Lom, Vågå, Sel, Dovre, Lesja", "municipality",
       group=True, members=("skjak-kommune", "lom-kommune", "vaga-kommune", "sel-kommune", "dovre-kommune",
                            "lesja-kommune")),
    _O("innherred-nord-ntnu-research-institutes", "SINTEF; NIBIO", "research-institute", group=True,
       members=("sintef", "nibio")),
    _O("innherred-nord-ntnu-other-partners", "Helse Nord-Trøndelag; Dronning Mauds Minne høgskole", "other",
       group=True, members=("helse-nord-trondelag", "dronning-mauds-minne-hogskole")),
    _O("baerum-kunnskapskommunen-2008-institutions",
       "BI, UiO, UMB, Høgskolen i Akershus, Høgskolen i Buskerud, Høgskolen i Oslo, Diakonhjemmet Høgskole",
       "higher-education-institution", group=True,
       members=("bi", "uio", "umb", "hogskolen-i-akershus", "hogskolen-i-buskerud", "hogskolen-i-oslo",
                "diakonhjemmet-hogskole")),
)}

#: Name as written in the YAML (participants, size `of`, anchoring, resources, funding) -> organisation slug.
NAMES: dict[str, str] = {
    **{o.label: o.slug for o in ORGANISATIONS.values()},
    "NTNU (NTNU i Ålesund)": "ntnu",
    "NTNU (Trondheim)": "ntnu",
    "NTNU Fakultet for medisin og helsevitenskap": "ntnu-fakultet-for-medisin-og-helsevitenskap",
    "Universitetet i Agder (UiA)": "uia",
    "UiA": "uia",
    "Universitetet i Sørøst-Norge (USN)": "usn",
    "USN": "usn",
    "Høgskolen i Innlandet (HINN)": "hinn",
    "Høgskolen i Innlandet (HINN); Universitetet i Innlandet from 2024-11-08": "hinn",
    "Regionrådet Nord-Gudbrandsdal (Interkommunalt politisk råd for Nord-Gudbrandsdal)":
        "regionradet-nord-gudbrandsdal",
    "Regionrådet": "regionradet-nord-gudbrandsdal",
    "Innlandet fylkeskommune (fylkesutvalget, unanimous)": "innlandet-fylkeskommune",
    "OsloMet strategic funds (strategiske midler)": "oslomet",
}

#: The two main partners, for "both".
_MAIN: dict[str, tuple[str, str]] = {
    "trondheim-ntnu": ("trondheim-kommune", "ntnu"),
    "alesund-ntnu": ("alesund-kommune", "ntnu"),
    "kristiansand-uia": ("kristiansand-kommune", "uia"),
    "oslo-oslomet": ("oslo-kommune", "oslomet"),
    "drammen-usn": ("drammen-kommune", "usn"),
    "skien-usn": ("skien-kommune", "usn"),
    "farder-usn": ("faerder-kommune", "usn"),
    "kongsvinger-hinn": ("kongsvinger-kommune", "hinn"),
}

#: References that only make sense inside one partnership: (slug, text) -> org slugs; "@partnership" = itself.
#: An empty tuple means: several or unnamed organisations, keep the text only.
_LOCAL_REFS: dict[tuple[str, str], tuple[str, ...]] = {
    ("bergen-kunnskapskommunen-hov", "member municipalities"): ("bergen-kunnskapskommunen-hov-municipalities",),
    ("bergen-kunnskapskommunen-hov", "all member municipalities"):
        ("bergen-kunnskapskommunen-hov-municipalities",),
    ("bergen-kunnskapskommunen-hov", "all 9 municipalities and 7 institutions"):
        ("bergen-kunnskapskommunen-hov-municipalities", "bergen-kunnskapskommunen-hov-knowledge-institutions"),
    ("nord-gudbrandsdal-ntnu", "municipalities"): ("nord-gudbrandsdal-ntnu-municipalities",),
    ("vestvagoy-kunnskapskommunen-hon", "member municipalities"): ("@partnership",),
    ("vestvagoy-kunnskapskommunen-hon", "universities"): (),
    ("vestvagoy-kunnskapskommunen-hon", "Kunnskapskommunen HelseOmsorg Nord"): ("@partnership",),
    ("innherred-nord-ntnu", "universities and institutes"): (),
    ("oppdal-ntnu", "collaboration"): (),
    ("nord-gudbrandsdal-ntnu", "region (employer not stated)"): (),
    ("baerum-kunnskapskommunen", "NTNU/Bærum"): ("ntnu", "baerum-kommune"),
    ("skien-usn", "unused joint business grant funds allocated to Grenlandssamarbeidet IPR"): (),
}

#: YAML `kind` -> orgtype concept (the table above is authoritative; this is checked against it).
_KINDS: dict[str, str] = {
    "municipality": "municipality", "university": "university", "university_college": "university-college",
    "research_institute": "research-institute", "university_unit": "university-unit",
    "municipal_unit": "municipal-unit", "county": "county-municipality",
    "intermunicipal_council": "intermunicipal-council", "knowledge_institution": "knowledge-institution",
    "association": "association", "business_garden": "business-garden", "study_centre": "study-centre",
    "other": "other",
}

# --------------------------------------------------------------------------------------------------
# Reviewed per-item tables (keyed by partnership slug and 0-based index in the YAML list).
# --------------------------------------------------------------------------------------------------

#: participant role text -> role concepts. Absent key: no role text (no org:role).
_ROLES: dict[tuple[str, int], tuple[str, ...]] = {
    ("trondheim-ntnu", 0): ("partner",), ("trondheim-ntnu", 1): ("partner",), ("trondheim-ntnu", 2): ("other",),
    ("alesund-ntnu", 0): ("partner", "driving-force"), ("alesund-ntnu", 1): ("partner",),
    ("alesund-ntnu", 2): ("other",), ("alesund-ntnu", 3): ("other",), ("alesund-ntnu", 4): ("other",),
    ("alesund-ntnu", 5): ("partner",), ("alesund-ntnu", 6): ("partner",), ("alesund-ntnu", 7): ("knowledge-partner",),
    ("kristiansand-uia", 0): ("partner", "driving-force"), ("kristiansand-uia", 1): ("partner",),
    ("kristiansand-uia", 2): ("other",), ("kristiansand-uia", 3): ("other",),
    ("oslo-oslomet", 0): ("partner",), ("oslo-oslomet", 1): ("partner", "initiator"),
    ("drammen-usn", 0): ("partner",), ("drammen-usn", 1): ("partner",),
    ("skien-usn", 0): ("partner",), ("skien-usn", 1): ("partner",), ("skien-usn", 2): ("other",),
    ("farder-usn", 0): ("partner",), ("farder-usn", 1): ("partner",),
    ("bergen-kunnskapskommunen-hov", 0): ("member-municipality", "co-funder"),
    ("bergen-kunnskapskommunen-hov", 1): ("partner", "co-funder"),
    ("bergen-kunnskapskommunen-hov", 2): ("other",), ("bergen-kunnskapskommunen-hov", 3): ("other",),
    ("vestvagoy-kunnskapskommunen-hon", 0): ("initiator", "driving-force"),
    ("vestvagoy-kunnskapskommunen-hon", 3): ("other",), ("vestvagoy-kunnskapskommunen-hon", 4): ("other",),
    ("vestvagoy-kunnskapskommunen-hon", 5): ("other",),
    ("vestvagoy-kunnskapskommunen-hon", 6): ("member-municipality",),
    ("vestvagoy-kunnskapskommunen-hon", 7): ("member-municipality",),
    ("nord-gudbrandsdal-ntnu", 0): ("project-owner",), ("nord-gudbrandsdal-ntnu", 1): ("member-municipality",),
    ("nord-gudbrandsdal-ntnu", 2): ("partner",), ("nord-gudbrandsdal-ntnu", 3): ("other",),
    ("innherred-nord-ntnu", 0): ("initiator",), ("innherred-nord-ntnu", 1): ("partner",),
    ("innherred-nord-ntnu", 2): ("other",), ("innherred-nord-ntnu", 4): ("other",),
    ("innherred-nord-ntnu", 5): ("other",),
    ("oppdal-ntnu", 0): ("partner",), ("oppdal-ntnu", 1): ("partner",), ("oppdal-ntnu", 2): ("partner",),
    ("oppdal-ntnu", 3): ("other",),
    ("baerum-kunnskapskommunen", 1): ("partner",), ("baerum-kunnskapskommunen", 2): ("partner",),
    ("baerum-kunnskapskommunen", 3): ("other",),
    ("kongsvinger-hinn", 2): ("other",),
}

#: initiator entry -> participant indices that get role:initiator (empty: the initiator is not a participant).
_INITIATORS: dict[tuple[str, int], tuple[int, ...]] = {
    ("trondheim-ntnu", 0): (0, 1),
    ("alesund-ntnu", 0): (0,), ("alesund-ntnu", 1): (1,),
    ("kristiansand-uia", 0): (0, 1),
    ("oslo-oslomet", 0): (1,),
    ("drammen-usn", 0): (0, 1),
    ("skien-usn", 0): (0, 1), ("skien-usn", 1): (0, 1),
    ("farder-usn", 0): (),
    ("bergen-kunnskapskommunen-hov", 0): (),
    ("vestvagoy-kunnskapskommunen-hon", 0): (0,),
    ("nord-gudbrandsdal-ntnu", 0): (),
    ("innherred-nord-ntnu", 0): (0,),
}

#: anchoring level text as written -> (anchor concepts, language of the text).
_LEVELS: dict[str, tuple[tuple[str, ...], str]] = {
    "ordfører": (("mayor",), "nb"),
    "rektor": (("rector",), "nb"),
    "formannskapet": (("executive-committee",), "nb"),
    "dekanmøtet": (("dean",), "nb"),
    "ordfører + rektor": (("mayor", "rector"), "nb"),
    "ordfører (Rita Ottervik) + rektor (Anne Borg)": (("mayor", "rector"), "nb"),
    "toppledelse (top management)": (("top-management",), "nb"),
    "kommunedirektør (Astrid Eidsvik)": (("chief-executive",), "nb"),
    "viserektor NTNU i Ålesund (Annik Magerholm Fet)": (("pro-rector",), "nb"),
    "rådmann (Astrid J. Eidsvik)": (("chief-executive",), "nb"),
    "dekan, Fakultet for medisin og helsevitenskap (Björn Gustafsson)": (("dean",), "nb"),
    "bystyret": (("municipal-council",), "nb"),
    "styret (university board)": (("university-board",), "nb"),
    "bystyret + UiA styret": (("municipal-council", "university-board"), "nb"),
    "byrådsleder": (("city-government",), "nb"),
    "kommunestyret": (("municipal-council",), "nb"),
    "rektoratet": (("rector",), "nb"),
    "ordfører (Monica Myrvold Berg) + rektor (Petter Aasen)": (("mayor", "rector"), "nb"),
    "not named in visible text": (("not-stated",), "en"),
    "political and administrative": (("political", "administrative"), "en"),
    "dekan HS (Pia Cecilie Bing-Jonsson), dekan HIU (Per-Ludvik Kjendlie)": (("dean",), "nb"),
    "virksomhetsdirektør oppvekst (Hilde Schjerven); virksomhetsdirektør helse (Anita Archer)":
        (("service-area-director",), "nb"),
    "byrådet": (("city-government",), "nb"),
    "rådmann": (("chief-executive",), "nb"),
    "assisterende rådmann": (("administrative",), "nb"),
    "helse- og omsorgssjef or close advisers": (("service-area-director",), "en"),
    "ordfører and kommunaldirektør": (("mayor", "service-area-director"), "en"),
    "institutt- og fakultetsledelse (institute and faculty management)": (("head-of-department", "dean"), "nb"),
    "Regionrådet + municipal economic plans (økonomiplaner)": (("regional-council",), "en"),
    "viserektor NTNU Gjøvik; rektors stab for nyskaping": (("pro-rector",), "nb"),
    "not visible (text cut off)": (("not-stated",), "en"),
    "ordfører (Anne Berit Lein)": (("mayor",), "nb"),
    "rektor (Hanne Solheim Hansen)": (("rector",), "nb"),
    "political": (("political",), "en"),
    "ordfører (Eli Wathne)": (("mayor",), "nb"),
    "rektor (Peer Jacob Svenkerud)": (("rector",), "nb"),
}

#: `organisation` entries that are not a body (agreements, a single post, a missing group) -> statement.
_NOT_BODIES: frozenset[tuple[str, int]] = frozenset({
    ("alesund-ntnu", 0), ("kristiansand-uia", 2), ("oslo-oslomet", 2), ("skien-usn", 1),
    ("innherred-nord-ntnu", 0), ("bergen-kunnskapskommunen-hov", 3),
})
#: body names written in English (all others are Norwegian as written).
_ENGLISH_BODIES: frozenset[str] = frozenset({
    "project managers", "group to find good projects (set up under the health agreement)",
    "UiA leadership meets formannskapet",
})

#: `other` entries -> the questionnaire field (field: concept) each is about. Every entry must be listed.
_OTHER_FIELDS: dict[tuple[str, int], str] = {
    # the municipality's strategy for service development and innovation (KS intro, next to the two agreements)
    ("alesund-ntnu", 0): "anchoring",
    # rektor and byråd speaking at the formalisation
    ("oslo-oslomet", 0): "anchoring",
    # the three city districts taking part
    ("oslo-oslomet", 1): "participants",
    # student council decided by kommunestyret
    ("drammen-usn", 0): "organisation-and-resources",
    # the earlier Campus Drammen agreement and the earlier rent support: how the partnership arose
    ("drammen-usn", 1): "origin", ("drammen-usn", 2): "origin",
    # who was first to call itself universitetskommune
    ("drammen-usn", 3): "origin",
    # named contact persons (kommunalsjef, prosjektleiar)
    ("skien-usn", 0): "organisation-and-resources",
    # the parties aim to extend to other fields
    ("skien-usn", 1): "focus",
    # the innovation centre that is the arena for NTNU presence in Oppdal
    ("oppdal-ntnu", 0): "collaboration-forms",
    # listed among city collaborations in the KS overview
    ("kongsvinger-hinn", 0): "participants",
}

#: purposes that are one of the shared purpose: concepts.
_PURPOSES: dict[tuple[str, int], str] = {
    ("trondheim-ntnu", 3): "knowledge-access",
    ("trondheim-ntnu", 4): "research-education-arena",
    ("trondheim-ntnu", 5): "two-way-knowledge-transfer",
}
_ENGLISH_PURPOSE_LABELS = frozenset({"Mutual commitment"})

#: duration entry -> term: concept where the note says so.
_TERM_TYPES: dict[tuple[str, int], str] = {
    ("trondheim-ntnu", 0): "initial-period", ("trondheim-ntnu", 1): "renewal", ("trondheim-ntnu", 2): "renewal",
    ("trondheim-ntnu", 3): "pilot", ("trondheim-ntnu", 4): "pilot",
    ("kristiansand-uia", 1): "strategy-horizon",
    ("oslo-oslomet", 0): "pilot",
}
#: duration entry -> xsd:duration stated in the note ("eight years in total", "four-year pilot").
_TERM_LENGTHS: dict[tuple[str, int], str] = {("trondheim-ntnu", 3): "P8Y", ("trondheim-ntnu", 4): "P4Y"}

#: areas entry -> concepts (area: unless prefixed "form:").
_AREAS: dict[tuple[str, int], tuple[str, ...]] = {
    ("trondheim-ntnu", 0): ("helse-og-velferd",), ("trondheim-ntnu", 1): ("oppvekst-og-utdanning",),
    ("trondheim-ntnu", 2): ("byutvikling",), ("trondheim-ntnu", 3): ("innovasjon-og-omstilling",),
    ("trondheim-ntnu", 4): ("smart-by-og-kommune",),
    ("trondheim-ntnu", 5): ("oppvekst-og-utdanning", "helse-og-velferd", "byutvikling", "smart-by-og-kommune"),
    ("trondheim-ntnu", 6): ("laering-og-utdanning",), ("trondheim-ntnu", 7): ("laering-og-utdanning",),
    ("alesund-ntnu", 0): ("helse-og-velferd",), ("alesund-ntnu", 1): ("baerekraft",),
    ("alesund-ntnu", 2): ("digitalisering",), ("alesund-ntnu", 3): ("baerekraft", "digitalisering"),
    ("oslo-oslomet", 0): ("folkehelse",),
    ("drammen-usn", 0): ("tjenesteutvikling",), ("drammen-usn", 1): ("samfunnsutvikling",),
    ("skien-usn", 0): ("laering-og-utdanning",), ("skien-usn", 1): ("forskning",),
    ("skien-usn", 2): ("tjenesteutvikling",), ("skien-usn", 3): ("form:combined-positions",),
    ("skien-usn", 5): ("helse-og-velferd",),
    ("farder-usn", 0): ("oppvekst-og-utdanning",), ("farder-usn", 1): ("helse-og-omsorg",),
    ("farder-usn", 2): ("laering-og-utdanning", "forskning", "tjenesteutvikling"),
    ("bergen-kunnskapskommunen-hov", 0): ("helse-og-omsorg",), ("bergen-kunnskapskommunen-hov", 1): ("forskning",),
    ("nord-gudbrandsdal-ntnu", 0): ("helse-og-omsorg", "sikkerhet-og-beredskap", "oppvekst-og-utdanning"),
    ("innherred-nord-ntnu", 0): ("naering-og-biookonomi",),
    ("kongsvinger-hinn", 0): ("baerekraft", "digitalisering"),
    ("kongsvinger-hinn", 1): ("helse-og-velferd", "baerekraft"),
}

#: collaboration_forms entry -> form: concepts.
_FORMS: dict[tuple[str, int], tuple[str, ...]] = {
    ("trondheim-ntnu", 0): ("university-schools",), ("trondheim-ntnu", 1): ("combined-positions",),
    ("trondheim-ntnu", 2): ("student-theses-and-practice",), ("trondheim-ntnu", 3): ("joint-research-projects",),
    ("skien-usn", 0): ("joint-research-projects", "student-theses-and-practice"),
    ("skien-usn", 2): ("student-theses-and-practice",),
    ("bergen-kunnskapskommunen-hov", 0): ("continuing-education", "student-theses-and-practice"),
    ("bergen-kunnskapskommunen-hov", 1): ("joint-research-projects",),
    ("bergen-kunnskapskommunen-hov", 2): ("annual-conference",),
    ("vestvagoy-kunnskapskommunen-hon", 0): ("network-gatherings",),
    ("vestvagoy-kunnskapskommunen-hon", 1): ("annual-conference",),
    ("oppdal-ntnu", 1): ("student-theses-and-practice", "joint-research-projects"),
}

#: action_plans entry -> status: concept where clear.
_PLAN_STATUS: dict[tuple[str, int], str] = {
    ("kristiansand-uia", 0): "adopted", ("kristiansand-uia", 1): "under-development",
}
#: lessons entry -> lesson: concept.
_LESSON_TOPICS: dict[tuple[str, int], str] = {
    ("oppdal-ntnu", 0): "clear-focus", ("oslo-oslomet", 0): "clear-focus",
    ("bergen-kunnskapskommunen-hov", 0): "clear-focus", ("vestvagoy-kunnskapskommunen-hon", 0): "clear-focus",
}

#: size keys -> (stat: concept, unit, qualifier or None).
_SIZE_KEYS: dict[str, tuple[str, URIRef, str | None]] = {
    "inhabitants": ("population", UNIT.NUM, None),
    "inhabitants_over": ("population", UNIT.NUM, "more-than"),
    "inhabitants_approx": ("population", UNIT.NUM, "approximately"),
    "inhabitants_range": ("population", UNIT.NUM, None),
    "area_km2": ("area", UNIT.KiloM2, None),
    "staff_approx": ("staff", UNIT.NUM, "approximately"),
    "permanent_staff_approx": ("permanent-staff", UNIT.NUM, "approximately"),
    "temporary_staff_approx": ("temporary-staff", UNIT.NUM, "approximately"),
    "students_approx": ("students", UNIT.NUM, "approximately"),
    "practice_students_per_year_approx": ("practice-students-per-year", UNIT.NUM, "approximately"),
    "faculties": ("faculties", UNIT.NUM, None),
    "bachelor_programmes": ("bachelor-programmes", UNIT.NUM, None),
    "master_programmes": ("master-programmes", UNIT.NUM, None),
    "phd_programmes": ("phd-programmes", UNIT.NUM, None),
    "campuses": ("campuses", UNIT.NUM, None),
}
_AREA_STATS = frozenset({"population", "area"})
#: non-municipal territories named in `size.of`: (slug, text) -> (area slug, label).
_REGIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("innherred-nord-ntnu", "Innherred region"): ("innherred", "Innherred"),
}
#: `size.of` texts with no number: kept as a field:size statement.
_SIZE_STATEMENTS: frozenset[tuple[str, str]] = frozenset({
    ("kristiansand-uia", "Agder"), ("nord-gudbrandsdal-ntnu", "member municipalities"),
})

#: notes that are Norwegian quotes rather than English paraphrases.
_NORWEGIAN_NOTES = frozenset({"'ved inngangen til 2020'"})

_TRANSLIT = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


def _slugify(text: str) -> str:
    """Lower-case ASCII kebab-case, æøå as ae o a."""
    return re.sub(r"[^a-z0-9]+", "-", text.translate(_TRANSLIT).lower()).strip("-")


def _date_literal(value: object) -> Literal | None:
    """A typed literal for YYYY-MM-DD, YYYY-MM or YYYY; None for anything else."""
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return Literal(text, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return Literal(text, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    return None


def _number(value: object) -> Literal:
    """xsd:integer for whole numbers, xsd:decimal otherwise."""
    if isinstance(value, bool):
        raise InputError(f"not a number: {value!r}")
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    return Literal(Decimal(str(value)), datatype=XSD.decimal)


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _nb(text: str) -> Literal:
    return Literal(text, lang="nb")


class _Item:
    """Builds the named graph of one YAML item."""

    def __init__(self, item: dict[str, Any], base: str, yaml_source: URIRef) -> None:
        self.item = item
        self.slug: str = item["slug"]
        self.base = base
        self.yaml_source = yaml_source
        self.graph_iri = URIRef(f"{base}graph/{self.slug}")
        self.dataset = Dataset()
        bind_prefixes(self.dataset)
        # rdflib pre-binds "schema" to https://schema.org/; towngown uses http://schema.org/
        self.dataset.bind("schema", SCHEMA, override=True, replace=True)
        self.g: Graph = self.dataset.graph(self.graph_iri)
        self.p = self.iri("partnership", self.slug)
        self.sources: dict[str, tuple[URIRef, str]] = {}
        self.used: set[URIRef] = set()
        self.orgs_done: set[str] = set()
        self.memberships: list[URIRef | None] = []
        self.report: URIRef | None = None
        for src in item.get("sources", []):
            self.sources[src["id"]] = (URIRef(src["url"]), src["seen"])
        urls = [url for url, _ in self.sources.values()]
        self.shared_urls = {u for u in urls if urls.count(u) > 1}

    # ---- helpers ------------------------------------------------------------------------------
    def iri(self, kind: str, slug: str) -> URIRef:
        return URIRef(f"{self.base}id/{kind}/{slug}")

    def concept(self, scheme: str, name: str) -> URIRef:
        return URIRef(f"{self.base}id/concept/{scheme}/{name}")

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.g.add((s, p, o))

    def bnode(self, *parts: object) -> BNode:
        """A blank node with a stable id, so serialisations do not change between runs."""
        digest = hashlib.sha1("|".join(str(p) for p in (self.slug, *parts)).encode()).hexdigest()[:20]
        return BNode(f"b{digest}")

    def evidence(self, subject: URIRef, source_id: str | None, for_property: URIRef | None = None) -> None:
        """Attach tg:evidence pointing at the item's source ``source_id`` (None: the compiled YAML file)."""
        if source_id is None:
            url, seen = self.yaml_source, None
        else:
            if source_id not in self.sources:
                raise InputError(f"{self.slug}: source {source_id!r} is not in the item's sources")
            url, seen = self.sources[source_id]
            self.used.add(url)
        ev = self.bnode("evidence", subject, source_id, for_property)
        self.add(subject, TG.evidence, ev)
        self.add(ev, RDF.type, OA.SpecificResource)
        self.add(ev, OA.hasSource, url)
        if for_property is not None:
            self.add(ev, TG.forProperty, for_property)
        if seen is not None and url in self.shared_urls:
            # two stored versions of one URL: say which one this fact was read from
            self.add(ev, DCTERMS.description, _en(f"{source_id}: {seen}"))

    def refs(self, text: str) -> tuple[URIRef, ...]:
        """Organisations a text names: 'both', a local reference, or a name in NAMES."""
        if text == "both":
            slugs: tuple[str, ...] = _MAIN[self.slug]
        elif (self.slug, text) in _LOCAL_REFS:
            slugs = _LOCAL_REFS[(self.slug, text)]
        elif text in NAMES:
            slugs = (NAMES[text],)
        else:
            raise InputError(f"{self.slug}: organisation text {text!r} is not in the mapping tables")
        return tuple(self.p if s == "@partnership" else self.iri("organisation", s) for s in slugs)

    def organisation(self, slug: str, source_id: str, written: str | None = None) -> URIRef:
        """Describe an organisation (and its parent) once per graph; add evidence from ``source_id``."""
        spec = ORGANISATIONS[slug]
        o = self.iri("organisation", slug)
        self.evidence(o, source_id)
        if written is not None and written != spec.label and not spec.canonical:
            self.add(o, SKOS.altLabel, Literal(written, lang=spec.lang))
        if slug in self.orgs_done:
            return o
        self.orgs_done.add(slug)
        self.add(o, SKOS.prefLabel, Literal(spec.label, lang=spec.lang))
        if spec.en is not None:
            self.add(o, SKOS.prefLabel, _en(spec.en))
        self.add(o, ORG.classification, self.concept("orgtype", spec.kind))
        if spec.group:
            self.add(o, RDF.type, TG.OrganisationGroup)
        elif spec.unit:
            self.add(o, RDF.type, ORG.OrganizationalUnit)
        else:
            self.add(o, RDF.type, ORG.Organization)
            if spec.public:
                self.add(o, RDF.type, CV.PublicOrganisation)
            if spec.kind in ("municipality", "county-municipality"):
                self.add(o, RDF.type, SCHEMA.GovernmentOrganization)
            if spec.kind in ("university", "university-college", "higher-education-institution"):
                self.add(o, RDF.type, SCHEMA.CollegeOrUniversity)
        if spec.parent:
            self.add(o, ORG.unitOf, self.organisation(spec.parent, source_id))
        return o

    def org_for(self, o: URIRef, source_id: str) -> None:
        """Describe a referenced organisation (not the partnership itself)."""
        if o != self.p:
            self.organisation(str(o).rsplit("/", 1)[1], source_id)

    def statement(self, kind: str, n: int, field: str, source_id: str, *,
                  description: Literal | None = None, report: bool = False) -> URIRef:
        s = self.iri("statement", f"{self.slug}-{kind}-{n}")
        self.add(s, RDF.type, TG.StatusStatement if report else TG.SourcedStatement)
        self.add(s, TG.field, self.concept("field", field))
        if description is not None:
            self.add(s, DCTERMS.description, description)
        self.add(self.the_report() if report else self.p, TG.statement, s)
        self.evidence(s, source_id)
        return s

    def the_report(self) -> URIRef:
        if self.report is None:
            self.report = self.iri("report", f"{self.slug}-sources")
            self.add(self.report, RDF.type, TG.StatusReport)
            self.add(self.report, TG.reportsOn, self.p)
            self.add(self.report, SKOS.prefLabel, _en(f"Status statements from the sources of {self.slug}"))
        return self.report

    def report_source(self, source_id: str) -> None:
        report = self.the_report()
        self.add(report, PROV.wasDerivedFrom, self.sources[source_id][0])
        self.evidence(report, source_id)

    def statistic(self, target: URIRef, n: int, key: str, value: object, entry: dict[str, Any]) -> None:
        stat_name, unit, qualifier = _SIZE_KEYS[key]
        v = self.iri("statistic", f"{self.slug}-size-{n}-{stat_name}")
        self.add(target, TG.hasStatistic, v)
        self.add(v, RDF.type, TG.StatisticalValue)
        self.add(v, TG.statisticType, self.concept("stat", stat_name))
        self.add(v, QUDT.unit, unit)
        if key == "inhabitants_range":
            low, high = value  # type: ignore[misc]
            self.add(v, TG.minimumValue, _number(low))
            self.add(v, TG.maximumValue, _number(high))
        else:
            self.add(v, QUDT.numericValue, _number(value))
        if qualifier:
            self.add(v, TG.valueQualifier, self.concept("qualifier", qualifier))
        if entry.get("as_of"):
            date = _date_literal(entry["as_of"])
            if date is None:
                raise InputError(f"{self.slug}: as_of {entry['as_of']!r} is not a date")
            self.add(v, TG.referenceDate, date)
        if entry.get("note"):
            note = entry["note"]
            self.add(v, DCTERMS.description, _nb(note) if note in _NORWEGIAN_NOTES else _en(note))
        self.evidence(v, entry["source"])

    # ---- sections ------------------------------------------------------------------------------
    def build(self) -> Dataset:
        item, p = self.item, self.p
        self.add(p, RDF.type, TG.UniversityMunicipalityPartnership)
        self.add(p, RDF.type, SCHEMA.Project)
        self.add(p, SKOS.prefLabel, _nb(item["name"]["nb"]))
        self.add(p, SKOS.prefLabel, _en(item["name"]["en"]))
        self.add(p, TG.inKsCollection, Literal(bool(item["in_ks_collection"])))
        for seen in item.get("ks_fields_seen", []):
            self.add(p, TG.ksFieldsSeen, _en(seen))
        if item.get("ks_note"):
            self.add(p, DCTERMS.description, _en(item["ks_note"]))
        for note in item.get("conflicts", []):
            self.add(p, TG.conflictNote, _en(note))
        self.evidence(p, None)
        for section in (self.participants, self.initiators, self.background, self.size, self.anchoring,
                        self.organisation_bodies, self.resources, self.funding, self.purposes, self.duration,
                        self.areas, self.forms, self.action_plans, self.milestones, self.results, self.lessons,
                        self.other):
            section()
        self.describe_graph()
        return self.dataset

    def participants(self) -> None:
        n = 0
        for i, entry in enumerate(self.item["participants"]):
            if "kind" not in entry:  # an overview note, not an organisation
                self.memberships.append(None)
                self.statement("participants", i + 1, "participants", entry["source"],
                               description=_en(entry["note"]))
                continue
            n += 1
            name = entry["name"]
            if name not in NAMES:
                raise InputError(f"{self.slug}: participant {name!r} is not in the organisation table")
            slug = NAMES[name]
            spec = ORGANISATIONS[slug]
            if _KINDS[entry["kind"]] != spec.kind:
                logger.debug("%s: %r kind %s, table says %s", self.slug, name, entry["kind"], spec.kind)
            o = self.organisation(slug, entry["source"], written=name)
            if spec.group and entry.get("count") is not None:
                self.add(o, TG.memberCount, _number(entry["count"]))
            for member in spec.members:
                # the organisations the group's name lists, on the evidence of the participant entry
                self.add(o, FOAF.member, self.organisation(member, entry["source"]))
            if spec.members:
                self.evidence(o, entry["source"], FOAF.member)
            m = self.iri("membership", f"{self.slug}-{i + 1}")
            self.memberships.append(m)
            self.add(m, RDF.type, ORG.Membership)
            self.add(m, ORG.organization, self.p)
            self.add(m, ORG.member, o)
            self.add(self.p, ORG.hasMembership, m)
            if spec.canonical and name != spec.label:
                # the shared description (data/gjovik-ntnu.trig) gets no altLabel; the name as written stays here
                self.add(m, DCTERMS.description, _en(f"Participant as written: {name}"))
            if entry.get("role"):
                self.add(m, DCTERMS.description, _en(entry["role"]))
                roles = _ROLES.get((self.slug, i))
                if roles is None:
                    raise InputError(f"{self.slug}: no role mapping for participant {i} ({name!r})")
                for role in roles:
                    self.add(m, ORG.role, self.concept("role", role))
            self.evidence(m, entry["source"])
        logger.debug("%s: %d memberships", self.slug, n)

    def initiators(self) -> None:
        for i, entry in enumerate(self.item.get("initiators", [])):
            s = self.statement("initiators", i + 1, "initiators", entry["source"], description=_en(entry["how"]))
            self.add(s, SKOS.prefLabel, _nb(entry["name"]) if entry["name"] in NAMES else _en(entry["name"]))
            if (self.slug, i) not in _INITIATORS:
                raise InputError(f"{self.slug}: no initiator mapping for entry {i}")
            for k in _INITIATORS[(self.slug, i)]:
                m = self.memberships[k]
                assert m is not None
                self.add(m, ORG.role, self.concept("role", "initiator"))
                self.evidence(m, entry["source"], ORG.role)

    def background(self) -> None:
        for i, entry in enumerate(self.item.get("background", [])):
            self.statement("origin", i + 1, "origin", entry["source"], description=_en(entry["text"]))

    def other(self) -> None:
        for i, entry in enumerate(self.item.get("other", [])):
            if (self.slug, i) not in _OTHER_FIELDS:
                raise InputError(f"{self.slug}: no field mapping for other entry {i}")
            self.statement("other", i + 1, _OTHER_FIELDS[(self.slug, i)], entry["source"],
                           description=_en(entry["text"]))

    def size(self) -> None:
        for i, entry in enumerate(self.item.get("size", [])):
            n, of, src = i + 1, entry["of"], entry["source"]
            keys = [k for k in entry if k in _SIZE_KEYS]
            if not keys:
                s = self.statement("size", n, "size", src, description=_en(entry["note"]))
                self.add(s, SKOS.prefLabel, _nb(of) if of in NAMES or of[:1].isupper() else _en(of))
                continue
            if (self.slug, of) in _SIZE_STATEMENTS:
                raise InputError(f"{self.slug}: size of {of!r} has numbers but is listed as a statement")
            if (self.slug, of) in _REGIONS:
                area_slug, label = _REGIONS[(self.slug, of)]
                area = self.iri("area", area_slug)
                self.add(area, RDF.type, SCHEMA.Place)
                self.add(area, SKOS.prefLabel, _nb(label))
                self.add(self.p, DCTERMS.spatial, area)
                self.evidence(area, src)
                org_target = area_target = area
            else:
                (target,) = self.refs(of)
                self.org_for(target, src)
                org_target = area_target = target
                if any(_SIZE_KEYS[k][0] in _AREA_STATS for k in keys) and target != self.p:
                    spec = ORGANISATIONS[str(target).rsplit("/", 1)[1]]
                    if spec.kind == "municipality" and not spec.group:
                        area_label = spec.label.removesuffix(" kommune")
                        area_target = self.iri("area", _slugify(area_label))
                        self.add(area_target, RDF.type, CV.AdminUnit)
                        self.add(area_target, RDF.type, SCHEMA.AdministrativeArea)
                        self.add(area_target, SKOS.prefLabel, _nb(area_label))
                        self.add(target, DCTERMS.spatial, area_target)
                        self.evidence(area_target, src)
            for key in keys:
                where = area_target if _SIZE_KEYS[key][0] in _AREA_STATS else org_target
                self.statistic(where, n, key, entry[key], entry)
            if of == "member municipalities" and org_target == self.p:
                for key in keys:
                    v = self.iri("statistic", f"{self.slug}-size-{n}-{_SIZE_KEYS[key][0]}")
                    self.add(v, DCTERMS.description,
                             _en("Range over the member municipalities, each (as the source gives it)"))

    def anchoring(self) -> None:
        for i, entry in enumerate(self.item.get("anchoring", [])):
            a = self.iri("anchoring", f"{self.slug}-{i + 1}")
            src = entry["source"]
            self.add(a, RDF.type, TG.Anchoring)
            self.add(self.p, TG.anchoring, a)
            level = entry["level"]
            if level not in _LEVELS:
                raise InputError(f"{self.slug}: anchoring level {level!r} is not in the level table")
            concepts, lang = _LEVELS[level]
            for c in concepts:
                self.add(a, TG.anchoringLevel, self.concept("anchor", c))
            self.add(a, SKOS.prefLabel, Literal(level, lang=lang))
            self.add(a, DCTERMS.description, _en(entry["how"]))
            for o in self.refs(entry["organisation"]):
                self.org_for(o, src)
                self.add(a, TG.anchoringOrganisation, o)
            if entry["organisation"] not in NAMES and entry["organisation"] != "both":
                self.add(a, DCTERMS.description, _en(f"Organisation as written: {entry['organisation']}"))
            if entry.get("date"):
                date = _date_literal(entry["date"])
                self.add(a, *((DCTERMS.date, date) if date is not None else (TG.dateText, _en(entry["date"]))))
            self.evidence(a, src)

    def organisation_bodies(self) -> None:
        for i, entry in enumerate(self.item.get("organisation", [])):
            src, body = entry["source"], entry["body"]
            if (self.slug, i) in _NOT_BODIES:
                parts = [body] + [f"{k}: {entry[k]}" for k in ("count", "members", "meets", "note") if k in entry]
                self.statement("organisation", i + 1, "organisation-and-resources", src,
                               description=_en("; ".join(str(x) for x in parts)))
                continue
            b = self.iri("body", f"{self.slug}-{i + 1}")
            self.add(b, RDF.type, TG.SteeringGroup if "styringsgruppe" in body.lower() else TG.CollaborationBody)
            self.add(b, ORG.unitOf, self.p)
            self.add(self.p, TG.collaborationBody, b)
            self.add(b, SKOS.prefLabel, Literal(body, lang="en" if body in _ENGLISH_BODIES else "nb"))
            if entry.get("members"):
                self.add(b, TG.membersDescription, _en(entry["members"]))
            if entry.get("meets"):
                self.add(b, TG.meetingFrequency, _en(entry["meets"]))
            if entry.get("count") is not None:
                self.add(b, TG.memberCount, _number(entry["count"]))
            if entry.get("chaired_by"):
                self.add(b, DCTERMS.description, _en(f"Chaired by: {entry['chaired_by']}"))
            if entry.get("note"):
                self.add(b, DCTERMS.description, _en(entry["note"]))
            self.evidence(b, src)

    def resources(self) -> None:
        for i, entry in enumerate(self.item.get("resources", [])):
            c = self.iri("commitment", f"{self.slug}-{i + 1}")
            src = entry["source"]
            kind = TG.InKindContribution if "in-kind" in entry["what"] else TG.ResourceCommitment
            self.add(c, RDF.type, kind)
            self.add(self.p, TG.hasCommitment, c)
            self.add(c, DCTERMS.description, _en(entry["what"]))
            if entry.get("note"):
                self.add(c, DCTERMS.description, _en(entry["note"]))
            for o in self.refs(entry["from"]):
                self.org_for(o, src)
                self.add(c, TG.committedBy, o)
            if entry["from"] not in NAMES and entry["from"] != "both":
                self.add(c, DCTERMS.description, _en(f"From: {entry['from']}"))
            if entry.get("fte_percent") is not None:
                self.add(c, TG.fteShare, Literal(Decimal(str(entry["fte_percent"])), datatype=XSD.decimal))
            if entry.get("count") is not None:
                self.add(c, TG.positionCount, _number(entry["count"]))
            self.evidence(c, src)

    def funding(self) -> None:
        for i, entry in enumerate(self.item.get("funding", [])):
            f = self.iri("funding", f"{self.slug}-{i + 1}")
            src = entry["source"]
            self.add(f, RDF.type, TG.FundingContribution)
            self.add(self.p, TG.funding, f)
            funders = self.refs(entry["from"])
            for o in funders:
                self.org_for(o, src)
                self.add(f, SCHEMA.funder, o)
            if entry["from"] not in NAMES or len(funders) != 1:
                self.add(f, DCTERMS.description, _en(f"From: {entry['from']}"))
            elif entry["from"] != ORGANISATIONS[NAMES[entry["from"]]].label:
                self.add(f, DCTERMS.description, _en(f"From: {entry['from']}"))
            if entry.get("to"):
                self.add(f, DCTERMS.description, _en(f"To: {entry['to']}"))
            if entry.get("what"):
                self.add(f, DCTERMS.description, _en(entry["what"]))
            amount = entry.get("amount_nok", entry.get("amount_nok_per_year"))
            if amount is not None:
                m = self.bnode("amount", f)
                self.add(f, SCHEMA.amount, m)
                self.add(m, RDF.type, SCHEMA.MonetaryAmount)
                self.add(m, SCHEMA.value, _number(amount))
                self.add(m, SCHEMA.currency, Literal("NOK", datatype=XSD.string))
            if "amount_nok_per_year" in entry:
                self.add(f, SCHEMA.repeatFrequency, Literal("P1Y", datatype=XSD.string))
                self.add(f, DCTERMS.description, _en("Amount per year"))
            if entry.get("period"):
                self.add(f, TG.dateText, _en(entry["period"]))
            self.evidence(f, src)

    def purposes(self) -> None:
        for i, entry in enumerate(self.item.get("purposes", [])):
            s = self.statement("purpose", i + 1, "purpose", entry["source"], description=_en(entry["text"]))
            if entry.get("label_nb"):
                label = entry["label_nb"]
                self.add(s, SKOS.prefLabel, _en(label) if label in _ENGLISH_PURPOSE_LABELS else _nb(label))
            if (self.slug, i) in _PURPOSES:
                concept = self.concept("purpose", _PURPOSES[(self.slug, i)])
                self.add(s, TG.concept, concept)
                self.add(self.p, ORG.purpose, concept)
                self.evidence(self.p, entry["source"], ORG.purpose)

    def duration(self) -> None:
        for i, entry in enumerate(self.item.get("duration", [])):
            t = self.iri("term", f"{self.slug}-{i + 1}")
            self.add(t, RDF.type, TIME.ProperInterval)
            self.add(self.p, TG["term"], t)
            for key, prop, suffix in (("start", TIME.hasBeginning, "beginning"), ("end", TIME.hasEnd, "end")):
                if entry.get(key) is None:
                    continue
                date = _date_literal(entry[key])
                if date is None:
                    raise InputError(f"{self.slug}: duration {key} {entry[key]!r} is not a date")
                instant = self.iri("term", f"{self.slug}-{i + 1}-{suffix}")
                self.add(t, prop, instant)
                self.add(instant, RDF.type, TIME.Instant)
                self.add(instant, {XSD.date: TIME.inXSDDate, XSD.gYear: TIME.inXSDgYear,
                                   XSD.gYearMonth: TIME.inXSDgYearMonth}[date.datatype], date)
            if entry.get("note"):
                self.add(t, DCTERMS.description, _en(entry["note"]))
            if (self.slug, i) in _TERM_TYPES:
                self.add(t, TG.termType, self.concept("term", _TERM_TYPES[(self.slug, i)]))
            if (self.slug, i) in _TERM_LENGTHS:
                self.add(t, TIME.hasXSDDuration, Literal(_TERM_LENGTHS[(self.slug, i)], datatype=XSD.duration))
            self.evidence(t, entry["source"])

    def _labelled(self, kind: str, field: str, entries: Sequence[dict[str, Any]],
                  table: dict[tuple[str, int], tuple[str, ...]], default_scheme: str, prop: URIRef) -> None:
        for i, entry in enumerate(entries):
            src = entry["source"]
            s = self.statement(kind, i + 1, field, src,
                               description=_en(entry["note"]) if entry.get("note") else None)
            if entry.get("name_nb"):
                self.add(s, SKOS.prefLabel, _nb(entry["name_nb"]))
            english = entry.get("en") or entry.get("name_en")
            if english:
                self.add(s, SKOS.prefLabel, _en(english))
            for name in table.get((self.slug, i), ()):
                scheme, _, local = name.rpartition(":")
                scheme = scheme or default_scheme
                concept = self.concept(scheme, local)
                self.add(s, TG.concept, concept)
                the_prop = TG.collaborationForm if scheme == "form" else prop
                self.add(self.p, the_prop, concept)
                self.evidence(self.p, src, the_prop)

    def areas(self) -> None:
        self._labelled("area", "focus", self.item.get("areas", []), _AREAS, "area", TG.collaborationArea)

    def forms(self) -> None:
        self._labelled("form", "collaboration-forms", self.item.get("collaboration_forms", []), _FORMS, "form",
                       TG.collaborationForm)

    def action_plans(self) -> None:
        for i, entry in enumerate(self.item.get("action_plans", [])):
            s = self.statement("action-plan", i + 1, "action-plans", entry["source"],
                               description=_en(entry["status"]), report=True)
            if (self.slug, i) in _PLAN_STATUS:
                self.add(s, TG.status, self.concept("status", _PLAN_STATUS[(self.slug, i)]))
            self.report_source(entry["source"])

    def lessons(self) -> None:
        for i, entry in enumerate(self.item.get("lessons", [])):
            lesson = self.iri("lesson", f"{self.slug}-{i + 1}")
            self.add(lesson, RDF.type, TG.LessonLearned)
            self.add(self.the_report(), TG.lesson, lesson)
            self.add(lesson, DCTERMS.description, _en(entry["text"]))
            if (self.slug, i) in _LESSON_TOPICS:
                self.add(lesson, TG.lessonTopic, self.concept("lesson", _LESSON_TOPICS[(self.slug, i)]))
            self.evidence(lesson, entry["source"])
            self.report_source(entry["source"])

    def milestones(self) -> None:
        for i, entry in enumerate(self.item.get("milestones", [])):
            m = self.iri("milestone", f"{self.slug}-{i + 1}")
            self.add(m, RDF.type, TG.Milestone)
            self.add(self.p, TG.milestone, m)
            date = _date_literal(entry["date"])
            self.add(m, *((DCTERMS.date, date) if date is not None else (TG.dateText, _en(str(entry["date"])))))
            self.add(m, DCTERMS.description, _en(entry["what"]))
            self.evidence(m, entry["source"])

    def results(self) -> None:
        for i, entry in enumerate(self.item.get("results", [])):
            r = self.iri("result", f"{self.slug}-{i + 1}")
            self.add(r, RDF.type, TG.Result)
            self.add(self.p, TG.result, r)
            extra = [f"{k}: {entry[k]}" for k in ("funded", "pending") if k in entry]
            self.add(r, DCTERMS.description, _en(entry["what"] + (f" ({'; '.join(extra)})" if extra else "")))
            if entry.get("count") is not None:
                self.add(r, TG["count"], _number(entry["count"]))
            if entry.get("count_approx") is not None:
                self.add(r, TG["count"], _number(entry["count_approx"]))
                self.add(r, TG.valueQualifier, self.concept("qualifier", "approximately"))
            if entry.get("as_of"):
                self.add(r, TG.dateText, _en(str(entry["as_of"])))
            self.evidence(r, entry["source"])

    def describe_graph(self) -> None:
        gi = self.graph_iri
        self.add(gi, RDF.type, TG.PartnershipGraph)
        self.add(gi, FOAF.primaryTopic, self.p)
        self.add(gi, DCTERMS.license, LICENSE)
        self.add(gi, PROV.wasDerivedFrom, self.yaml_source)
        y = self.yaml_source
        self.add(y, RDF.type, FOAF.Document)
        self.add(y, DCTERMS.identifier, Literal("ks-partnerships.yaml", datatype=XSD.string))
        self.add(y, DCTERMS.created, Literal(_COMPILED, datatype=XSD.date))
        self.add(y, DCTERMS.description, _en(
            "Reference facts compiled from the KS collection 'Samarbeid mellom kommuner og universitet' "
            "and the partners' own public pages; every fact cites its page"))
        for source_id, (url, seen) in sorted(self.sources.items()):
            if url not in self.used:
                logger.debug("%s: source %s is listed but cites no fact", self.slug, source_id)
                continue
            self.add(gi, PROV.wasDerivedFrom, url)
            self.add(url, RDF.type, FOAF.Document)
            text = f"{source_id}: {seen}" if url in self.shared_urls else seen
            self.add(url, DCTERMS.description, _en(text))


def _load(yaml_path: Path) -> list[dict[str, Any]]:
    try:
        items = yaml.safe_load(Path(yaml_path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"{yaml_path}: not valid YAML: {exc}") from exc
    if not isinstance(items, list) or not all(isinstance(i, dict) and "slug" in i for i in items):
        raise InputError(f"{yaml_path}: expected a list of items with a slug")
    return items


def convert(yaml_path: Path, base_iri: str = DEFAULT_BASE) -> dict[str, Dataset]:
    """Convert the reference YAML into slug -> dataset holding the one named graph ``<base>graph/<slug>``."""
    base = base_iri if base_iri.endswith("/") else base_iri + "/"
    yaml_source = URIRef(f"{base}id/source/ks-partnerships-yaml")
    out: dict[str, Dataset] = {}
    for item in _load(yaml_path):
        if item["slug"] in out:
            raise InputError(f"{yaml_path}: duplicate slug {item['slug']!r}")
        out[item["slug"]] = _Item(item, base, yaml_source).build()
    logger.info("converted %s: %d partnership graphs, %d triples", yaml_path, len(out),
                sum(len(ds) for ds in out.values()))
    return out


def write_all(yaml_path: Path, out_dir: Path) -> list[Path]:
    """Write ``out_dir/<slug>.trig`` for every partnership in the YAML; return the paths, sorted."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for slug, dataset in sorted(convert(yaml_path).items()):
        path = out_dir / f"{slug}.trig"
        path.write_text(dataset.serialize(format="trig"), encoding="utf-8")
        paths.append(path)
    return paths

