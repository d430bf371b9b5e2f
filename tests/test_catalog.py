"""The stored-query catalog: headers, typed parameters, broken files and safe binding."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parser import parseQuery

from towngown.catalog import PARAMETER_TYPES, Catalog, StoredQuery, load_catalog
from towngown.errors import InputError, NotFound, TowngownError

GOOD = '''#+ title: {nb: "Prøve", en: "Probe"}
#+ description: {nb: "Gir parameterne tilbake.", en: "Echoes the parameters."}
#+ parameters:
#+   text:
#+     type: string
#+     description: {nb: "Tekst", en: "Text"}
#+   thing:
#+     type: iri
#+     description: {nb: "Ting", en: "Thing"}
#+   day:
#+     type: date
#+     description: {nb: "Dag", en: "Day"}
#+   count:
#+     type: integer
#+     description: {nb: "Antall", en: "Count"}
#+     default: 3
#+   colour:
#+     type: string
#+     description: {nb: "Farge", en: "Colour"}
#+     enum: [red, green]
#+   member:
#+     type: iri
#+     description: {nb: "Medlem", en: "Member"}
#+     enum_query: "SELECT ?m WHERE { ?m a <http://example.org/Member> }"
# WHERE { this comment must not be taken for the WHERE group
SELECT ?_text ?_thing ?_day ?_count ?_colour ?_member (COUNT(*) AS ?n)
WHERE {
  OPTIONAL { ?s ?p ?o }
}
GROUP BY ?_text ?_thing ?_day ?_count ?_colour ?_member
'''


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A queries folder with one good query and three broken ones."""
    (tmp_path / "probe.rq").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad-yaml.rq").write_text(
        '#+ title: {nb: "x", en: "y"\n#+ description: [\nSELECT * WHERE { ?s ?p ?o }\n', encoding="utf-8"
    )
    (tmp_path / "bad-sparql.rq").write_text(
        '#+ title: {nb: "x", en: "y"}\n#+ description: {nb: "x", en: "y"}\nSELECT * WHERE { ?s ?p \n', encoding="utf-8"
    )
    (tmp_path / "no-english.rq").write_text(
        '#+ title: {nb: "x"}\n#+ description: {nb: "x", en: "y"}\nSELECT * WHERE { ?s ?p ?o }\n', encoding="utf-8"
    )
    return tmp_path


@pytest.fixture()
def probe(folder: Path) -> StoredQuery:
    """The good query of the tmp folder."""
    return load_catalog(folder).get("probe")


def _run(sparql: str) -> dict[str, object]:
    """Run a bound probe on an empty graph and return its one row keyed by variable name."""
    rows = list(Graph().query(sparql))
    assert len(rows) == 1
    return {str(k): v for k, v in rows[0].asdict().items()}


# --- the real queries/ folder ------------------------------------------------------------------------------------


def test_every_stored_query_loads_without_error() -> None:
    """Every file in queries/ loads: its header is valid YAML, its SPARQL parses, its parameters are used."""
    catalog = load_catalog()
    assert len(catalog) >= 14
    assert {q.name: q.error for q in catalog.broken} == {}


def test_every_stored_query_parses_with_rdflib() -> None:
    """Every stored query parses with rdflib's SPARQL parser exactly as written (it runs unchanged elsewhere)."""
    for query in load_catalog():
        parseQuery(query.sparql)


def test_every_stored_query_is_documented_in_both_languages() -> None:
    """Every stored query has a title and description in nb and en, and every parameter a type and description."""
    for query in load_catalog():
        for text in (query.title, query.description):
            assert text.get("nb") and text.get("en"), query.name
        for parameter in query.parameters:
            assert parameter.type in PARAMETER_TYPES, (query.name, parameter.name)
            assert parameter.description.get("nb") and parameter.description.get("en"), (query.name, parameter.name)


def test_names_are_kebab_case_file_stems() -> None:
    """The public name of a stored query is its file stem, in kebab-case."""
    for query in load_catalog():
        assert query.path is not None and query.path.stem == query.name
        assert query.name == query.name.lower() and "_" not in query.name and " " not in query.name


def test_the_research_questions_are_all_answered() -> None:
    """The catalogue has a stored query for each comparison question of the questionnaire."""
    names = set(load_catalog().names)
    assert {
        "participants-and-roles", "initiators", "anchoring-levels", "committed-resources", "phd-positions",
        "conditional-commitments", "funding", "agreement-terms", "partnerships-active-on", "collaboration-areas",
        "collaboration-forms", "action-plan-milestone-result-status", "shared-purposes",
        "fte-per-10000-inhabitants", "fact-source",
    } <= names


def test_enum_queries_and_enums_parse() -> None:
    """Every enum_query parses, and fixed enums hold values of the parameter's type."""
    for query in load_catalog():
        for parameter in query.parameters:
            if parameter.enum_query:
                parseQuery(parameter.enum_query)
            for value in parameter.enum or ():
                parameter.to_term(value)


def test_every_parameterised_query_still_parses_when_bound() -> None:
    """Binding every parameter of every stored query (with a value of its type) gives a query that parses."""
    samples = {"iri": "https://w3id.org/towngown/id/partnership/gjovik-ntnu", "string": "x", "date": "2024-06-01",
               "integer": "1", "decimal": "1.5", "language": "nb", "boolean": "true"}
    for query in load_catalog():
        values = {p.name: (p.enum[0] if p.enum else samples[p.type]) for p in query.parameters}
        parseQuery(query.bind(values))


# --- loading ----------------------------------------------------------------------------------------------------


def test_a_broken_file_is_listed_with_its_error_and_the_others_load(folder: Path) -> None:
    """A file with bad YAML, bad SPARQL or a missing language is listed with its error; the good one loads."""
    catalog = load_catalog(folder)
    assert isinstance(catalog, Catalog)
    assert set(catalog.names) == {"probe", "bad-yaml", "bad-sparql", "no-english"}
    assert catalog.get("probe").error is None
    broken = {q.name: q.error for q in catalog.broken}
    assert set(broken) == {"bad-yaml", "bad-sparql", "no-english"}
    assert "header" in broken["bad-yaml"]
    assert "SPARQL" in broken["bad-sparql"]
    assert "en" in broken["no-english"]


def test_a_broken_query_refuses_to_bind(folder: Path) -> None:
    """Binding a broken stored query raises instead of sending broken SPARQL on."""
    with pytest.raises(Exception, match="broken"):
        load_catalog(folder).get("bad-sparql").bind({})


def test_get_of_an_unknown_name_is_not_found(folder: Path) -> None:
    """Asking the catalog for a name it does not hold raises NotFound (404)."""
    with pytest.raises(NotFound):
        load_catalog(folder).get("no-such-query")


def test_header_is_read_into_typed_parameters(probe: StoredQuery) -> None:
    """The #+ header gives title, description and parameters with type, default, enum and enum_query."""
    assert probe.title == {"nb": "Prøve", "en": "Probe"}
    params = {p.name: p for p in probe.parameters}
    assert [p.name for p in probe.parameters] == ["text", "thing", "day", "count", "colour", "member"]
    assert params["count"].type == "integer" and params["count"].default == "3"
    assert params["colour"].enum == ("red", "green")
    assert params["member"].enum_query is not None
    assert params["thing"].variable == "_thing"


def test_a_parameter_not_used_in_the_query_is_an_error(tmp_path: Path) -> None:
    """A declared parameter whose ?_name variable does not occur in the query marks the file broken."""
    (tmp_path / "unused.rq").write_text(
        '#+ title: {nb: "x", en: "y"}\n#+ description: {nb: "x", en: "y"}\n#+ parameters:\n'
        '#+   gone:\n#+     type: string\n#+     description: {nb: "x", en: "y"}\n'
        "SELECT * WHERE { ?s ?p ?o }\n",
        encoding="utf-8",
    )
    assert "gone" in (load_catalog(tmp_path).get("unused").error or "")


# --- binding ----------------------------------------------------------------------------------------------------


def test_unparameterised_query_is_unchanged_apart_from_defaults(probe: StoredQuery) -> None:
    """With no values given, only the defaults are bound, and the text is otherwise the file's."""
    bound = probe.bind({})
    assert "VALUES ?_count" in bound and "VALUES ?_text" not in bound
    assert bound.replace('\n  VALUES ?_count { "3"^^<http://www.w3.org/2001/XMLSchema#integer> }', "") == probe.sparql


def test_values_are_bound_as_rdf_terms_and_the_query_runs(probe: StoredQuery) -> None:
    """Bound values arrive in the results as the RDF terms of their declared types (VALUES inside the WHERE group)."""
    row = _run(probe.bind({"text": "hei", "thing": "https://example.org/a", "day": "2024-06-01", "count": "7",
                           "colour": "red"}))
    assert row["_text"] == Literal("hei")
    assert row["_thing"] == URIRef("https://example.org/a")
    assert row["_day"] == Literal("2024-06-01", datatype=XSD.date)
    assert row["_count"] == Literal(7)
    assert row["_colour"] == Literal("red")


def test_values_block_goes_into_the_outer_where_group_not_a_comment(probe: StoredQuery) -> None:
    """The VALUES block is inserted right after the '{' of the real WHERE, not after the WHERE in a comment."""
    bound = probe.bind({"text": "x"})
    assert bound.index("VALUES ?_text") > bound.index("\nWHERE {")
    parseQuery(bound)


@pytest.mark.parametrize(
    "hostile",
    ['x" } ; DROP ALL ; SELECT * { "', "x' } }", 'a"""b', "ends with backslash \\", 'quote then backslash "\\',
     "new\nline } #", "}\n} UNION { ?s ?p ?o", "\t tab \r return"],
)
def test_a_string_value_cannot_change_the_query(probe: StoredQuery, hostile: str) -> None:
    """A string value with quotes, braces, backslashes or newlines stays one literal: the query parses, still has
    one result row, and returns the value unchanged."""
    bound = probe.bind({"text": hostile})
    parseQuery(bound)
    row = _run(bound)
    assert str(row["_text"]).replace("\t", " ") == hostile.replace("\t", " ")  # rdflib's parser expands tabs
    assert bound.count("VALUES") == 2  # the given one and the default of `count`


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("thing", "not an iri"),
        ("thing", "ftp://example.org/x"),
        ("thing", "mailto:someone@example.org"),
        ("thing", "https://example.org/a> } ; <x"),
        ("thing", "https://example.org/{x}"),
        ("day", "2024-13-01"),
        ("day", "1 June 2024"),
        ("day", "2024-06-01T00:00:00"),
        ("count", "seven"),
        ("count", "1.5"),
        ("count", "3 } "),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_naming_the_parameter(probe: StoredQuery, name: str, value: str) -> None:
    """A value that is not of the parameter's type raises InputError whose message and detail name the parameter."""
    with pytest.raises(InputError) as caught:
        probe.bind({name: value})
    assert name in str(caught.value)
    assert caught.value.detail["parameter"] == name
    assert caught.value.status == 400


def test_a_value_outside_the_enum_is_refused(probe: StoredQuery) -> None:
    """A value outside a fixed enumeration raises InputError naming the parameter."""
    with pytest.raises(InputError) as caught:
        probe.bind({"colour": "blue"})
    assert caught.value.detail["parameter"] == "colour"
    assert "colour" in str(caught.value)


def test_enum_query_values_are_checked_with_the_callers_resolver(probe: StoredQuery) -> None:
    """With a resolver, an enum_query parameter accepts only the values the resolver returns, and the resolver
    receives the enum_query text."""
    seen: list[str] = []

    def resolve(sparql: str) -> list[str]:
        seen.append(sparql)
        return ["https://example.org/m1"]

    assert "<https://example.org/m1>" in probe.bind({"member": "https://example.org/m1"}, resolve_enum=resolve)
    with pytest.raises(InputError) as caught:
        probe.bind({"member": "https://example.org/m2"}, resolve_enum=resolve)
    assert caught.value.detail["parameter"] == "member"
    assert seen and "Member" in seen[0]


def test_an_unknown_parameter_is_refused(probe: StoredQuery) -> None:
    """A parameter name the query does not declare raises InputError naming it."""
    with pytest.raises(InputError) as caught:
        probe.bind({"nonsense": "1"})
    assert caught.value.detail["parameter"] == "nonsense"
    assert "nonsense" in str(caught.value)


def test_a_required_parameter_must_be_given(tmp_path: Path) -> None:
    """A required parameter without value or default raises InputError naming it; an empty string counts as absent."""
    (tmp_path / "req.rq").write_text(
        '#+ title: {nb: "x", en: "y"}\n#+ description: {nb: "x", en: "y"}\n#+ parameters:\n'
        '#+   r:\n#+     type: iri\n#+     description: {nb: "x", en: "y"}\n#+     required: true\n'
        "SELECT * WHERE { ?_r ?p ?o }\n",
        encoding="utf-8",
    )
    query = load_catalog(tmp_path).get("req")
    for values in ({}, {"r": ""}):
        with pytest.raises(InputError) as caught:
            query.bind(values)
        assert caught.value.detail["parameter"] == "r"


def test_binding_works_with_aggregates_and_construct(tmp_path: Path) -> None:
    """VALUES goes into the outer WHERE group of an aggregate query and of a CONSTRUCT (after its template)."""
    header = ('#+ title: {nb: "x", en: "y"}\n#+ description: {nb: "x", en: "y"}\n#+ parameters:\n'
              '#+   s:\n#+     type: iri\n#+     description: {nb: "x", en: "y"}\n')
    (tmp_path / "agg.rq").write_text(
        header + "SELECT ?_s (COUNT(?o) AS ?n) WHERE { ?_s ?p ?o { SELECT ?x WHERE { ?x ?y ?z } } } GROUP BY ?_s\n",
        encoding="utf-8",
    )
    (tmp_path / "con.rq").write_text(header + "CONSTRUCT { ?_s ?p ?o } WHERE { ?_s ?p ?o }\n", encoding="utf-8")
    catalog = load_catalog(tmp_path)
    agg = catalog.get("agg").bind({"s": "https://example.org/s"})
    assert agg.index("VALUES") < agg.index("SELECT ?x")
    con = catalog.get("con").bind({"s": "https://example.org/s"})
    assert con.index("VALUES") > con.index("WHERE")
    for text in (agg, con):
        parseQuery(text)


# --- several values, and the binding inside sub-selects ---------------------------------------------------------

SUB_HEADER = ('#+ title: {nb: "x", en: "y"}\n#+ description: {nb: "x", en: "y"}\n#+ parameters:\n'
              '#+   p:\n#+     type: iri\n#+     description: {nb: "x", en: "y"}\n')
EX = "http://example.org/"
# two partnerships with members; a and b share member m1 (described in both graphs in real data)
SUB_DATA = f"""
<{EX}a> <{EX}member> <{EX}m1>, <{EX}m2> . <{EX}b> <{EX}member> <{EX}m1> . <{EX}c> <{EX}member> <{EX}m3> .
<{EX}m1> <{EX}name> "one" . <{EX}m2> <{EX}name> "two" . <{EX}m3> <{EX}name> "three" .
"""


def _sub_query(tmp_path: Path, body: str) -> StoredQuery:
    """A stored query with one iri parameter ?_p and the given body."""
    (tmp_path / "sub.rq").write_text(SUB_HEADER + body, encoding="utf-8")
    query = load_catalog(tmp_path).get("sub")
    assert query.ok, query.error
    return query


def _rows(sparql: str) -> set[tuple[str, ...]]:
    """The answer of ``sparql`` over SUB_DATA, as a set of rows of strings."""
    graph = Graph().parse(data=SUB_DATA, format="turtle")
    return {tuple(str(v) if v is not None else "" for v in row) for row in graph.query(sparql)}


def test_several_values_for_one_parameter_bind_all_of_them(probe: StoredQuery) -> None:
    """A sequence of values becomes one VALUES block with each term; the query answers for any of them."""
    bound = probe.bind({"thing": ["https://example.org/a", "https://example.org/b"]})
    assert "VALUES ?_thing { <https://example.org/a> <https://example.org/b> }" in bound
    rows = list(Graph().query(bound))
    assert {str(r.asdict()["_thing"]) for r in rows} == {"https://example.org/a", "https://example.org/b"}


def test_each_of_several_values_is_checked(probe: StoredQuery) -> None:
    """One bad value among several is refused with the parameter named; an empty sequence means not given."""
    with pytest.raises(InputError) as caught:
        probe.bind({"thing": ["https://example.org/a", "not an iri"]})
    assert caught.value.detail["parameter"] == "thing"
    with pytest.raises(InputError):
        probe.bind({"colour": ["red", "blue"]})
    assert "VALUES ?_thing" not in probe.bind({"thing": []})


def test_binding_reaches_a_sub_select_that_projects_the_parameter(tmp_path: Path) -> None:
    """A sub-select that projects ?_p and binds it in a triple pattern gets the VALUES block too, and the answer is
    the one of the outer binding alone (counts per bound partnership, not over all)."""
    query = _sub_query(tmp_path, "SELECT ?_p ?n WHERE {\n"
                                 "  { SELECT ?_p (COUNT(?m) AS ?n) WHERE { ?_p <http://example.org/member> ?m } GROUP BY ?_p }\n"
                                 "}\n")
    bound = query.bind({"p": [EX + "a", EX + "c"]})
    assert bound.count("VALUES ?_p") == 2
    assert bound.index("VALUES ?_p", bound.index("COUNT")) > bound.index("COUNT")
    assert _rows(bound) == {(EX + "a", "2"), (EX + "c", "1")}


@pytest.mark.parametrize(
    "body",
    [
        # does not project ?_p: it counts over all partnerships, and must keep doing so
        "SELECT ?_p ?all WHERE { ?_p <http://example.org/member> ?x\n"
        "  { SELECT (COUNT(?q) AS ?all) WHERE { ?q <http://example.org/member> ?m } } }",
        # LIMIT: restricting the rows first would change which rows are kept
        "SELECT ?_p ?m WHERE { { SELECT ?_p ?m WHERE { ?_p <http://example.org/member> ?m } ORDER BY ?m LIMIT 1 } }",
        # ?_p only in an OPTIONAL inside it: not bound in every row
        "SELECT ?_p ?m WHERE { ?_p <http://example.org/member> ?m\n"
        "  { SELECT ?_p ?m WHERE { ?m <http://example.org/name> ?n OPTIONAL { ?_p <http://example.org/member> ?m } } } }",
        # below MINUS
        "SELECT ?_p ?m WHERE { ?_p <http://example.org/member> ?m\n"
        "  MINUS { SELECT ?_p ?m WHERE { ?_p <http://example.org/member> ?m FILTER(?m = <http://example.org/m2>) } } }",
        # an OPTIONAL below the query level: its left side need not bind ?_p
        "SELECT ?_p ?m ?x WHERE { ?_p <http://example.org/member> ?m\n"
        "  { ?m <http://example.org/name> ?x OPTIONAL { SELECT ?_p ?m WHERE { ?_p <http://example.org/member> ?m } } } }",
    ],
    ids=["not-projected", "limit", "optional-inside", "minus", "deep-optional"],
)
def test_binding_stays_out_of_sub_selects_where_it_could_change_the_answer(tmp_path: Path, body: str) -> None:
    """Where a VALUES block inside a sub-select could change the answer, only the outer WHERE group gets it, and the
    answer is the same as binding it there alone."""
    query = _sub_query(tmp_path, body + "\n")
    bound = query.bind({"p": EX + "a"})
    assert bound.count("VALUES ?_p") == 1
    assert _rows(bound) == _rows(body.replace("WHERE {", f"WHERE {{ VALUES ?_p {{ <{EX}a> }}", 1))


def test_binding_reaches_union_branches_and_a_marked_lookup_table(tmp_path: Path) -> None:
    """UNION branches that use ?_p get the block, and so does a sub-select marked as a lookup table (restricted to
    the keys of the bound partnership); the answer is unchanged."""
    body = ("SELECT ?_p ?m ?n WHERE {\n"
            "  { ?_p <http://example.org/member> ?m } UNION { ?m <http://example.org/memberOf> ?_p }\n"
            "  OPTIONAL {\n"
            "    # towngown:lookup: one name per member of the bound partnerships\n"
            "    SELECT ?m (SAMPLE(?l) AS ?n) WHERE {\n"
            "      { SELECT DISTINCT ?m WHERE { ?_p <http://example.org/member> ?m } }\n"
            "      ?m <http://example.org/name> ?l\n"
            "    } GROUP BY ?m\n"
            "  }\n"
            "}\n")
    query = _sub_query(tmp_path, body)
    bound = query.bind({"p": EX + "a"})
    assert bound.count("VALUES ?_p") == 4  # outer, two branches, the lookup's inner DISTINCT
    assert _rows(bound) == {(EX + "a", EX + "m1", "one"), (EX + "a", EX + "m2", "two")}
    unmarked = _sub_query(tmp_path, body.replace("# towngown:lookup", "# a comment"))
    assert unmarked.bind({"p": EX + "a"}).count("VALUES ?_p") == 3


PAGED = '''#+ title: {nb: "Sider", en: "Pages"}
#+ description: {nb: "Tallene en til fem.", en: "The numbers one to five."}
#+ pagination: 2
#+ parameters:
#+   above:
#+     type: integer
#+     description: {nb: "Større enn", en: "Greater than"}
SELECT ?n WHERE {
  VALUES ?n { 1 2 3 4 5 }
  FILTER(!BOUND(?_above) || ?n > ?_above)
}
ORDER BY ?n
# a trailing comment
'''


def _paged(tmp_path: Path, text: str = PAGED) -> StoredQuery:
    path = tmp_path / "paged.rq"
    path.write_text(text, encoding="utf-8")
    return load_catalog(tmp_path).get("paged")


def _numbers(sparql: str) -> list[int]:
    return [int(row.n) for row in Graph().query(sparql)]


def test_pagination_header_slices_the_outermost_query(tmp_path: Path) -> None:
    """A `#+ pagination: N` query is paged; bind(limit=, offset=) appends LIMIT/OFFSET after its ORDER BY, also
    with parameters bound, and without them the query gives every row as before."""
    query = _paged(tmp_path)
    assert query.ok and query.paged and query.pagination == 2
    assert _numbers(query.bind({})) == [1, 2, 3, 4, 5]
    assert _numbers(query.bind({}, limit=2)) == [1, 2]
    assert _numbers(query.bind({}, limit=2, offset=2)) == [3, 4]
    assert _numbers(query.bind({"above": "1"}, limit=3, offset=1)) == [3, 4, 5]
    parseQuery(query.bind({"above": "1"}, limit=3, offset=1))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("SELECT ?n WHERE { VALUES ?n { 1 2 } FILTER(!BOUND(?_above)) }\n", "ORDER BY"),
        ("SELECT ?n WHERE { { SELECT ?n WHERE { VALUES ?n { 1 } } ORDER BY ?n } FILTER(!BOUND(?_above)) }\n", "ORDER BY"),
        ("SELECT ?n WHERE { VALUES ?n { 1 2 } FILTER(!BOUND(?_above)) } ORDER BY ?n LIMIT 1\n", "LIMIT"),
    ],
)
def test_paged_query_without_a_stable_order_is_broken(tmp_path: Path, body: str, problem: str) -> None:
    """A paged query needs ORDER BY on its outermost query (one in a sub-select does not count) and no LIMIT of
    its own; otherwise the file is listed as broken, naming pagination and what is missing."""
    header = PAGED[: PAGED.index("SELECT")]
    query = _paged(tmp_path, header + body)
    assert not query.ok
    assert "pagination" in query.error and problem in query.error


def test_only_paged_queries_can_be_sliced(folder: Path) -> None:
    """bind(limit=) on a query without a pagination header is refused."""
    probe = load_catalog(folder).get("probe")
    assert not probe.paged
    with pytest.raises(TowngownError, match="not paged"):
        probe.bind({}, limit=1)


def test_negative_offset_is_refused(tmp_path: Path) -> None:
    """A negative offset is an InputError naming _next."""
    with pytest.raises(InputError) as caught:
        _paged(tmp_path).bind({}, offset=-1)
    assert caught.value.detail.get("parameter") == "_next"


@pytest.mark.parametrize("value", ["0", "many", "100000", "true"])
def test_bad_pagination_header_is_broken(tmp_path: Path, value: str) -> None:
    """A pagination that is not a page size from 1 to the maximum makes the file broken."""
    query = _paged(tmp_path, PAGED.replace("#+ pagination: 2", f"#+ pagination: {value}"))
    assert not query.ok and "pagination" in query.error


def test_enum_query_is_asked_only_about_the_given_values() -> None:
    """Checking a value against an enum_query asks the query about that value alone (VALUES on its variable), so a
    check costs the same however many partnerships there are; a value it does not return is refused."""
    from towngown.errors import InputError

    asked: list[str] = []
    known = {"https://w3id.org/towngown/id/partnership/gjovik-ntnu"}

    def resolve(sparql: str) -> list[str]:
        asked.append(sparql)
        return [iri for iri in known if f"<{iri}>" in sparql]

    query = load_catalog().get("committed-resources")
    bound = query.bind({"partnership": "https://w3id.org/towngown/id/partnership/gjovik-ntnu"}, resolve)
    assert "gjovik-ntnu" in bound
    assert len(asked) == 1 and "VALUES ?partnership { <https://w3id.org/towngown/id/partnership/gjovik-ntnu> }" in asked[0]
    with pytest.raises(InputError) as refused:
        query.bind({"partnership": "https://w3id.org/towngown/id/partnership/nowhere"}, resolve)
    assert refused.value.detail["parameter"] == "partnership"
