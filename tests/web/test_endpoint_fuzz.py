"""Property-based: whatever is thrown at /sparql, the answer is never a 500 and the store never changes."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SPARQL_WORDS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "*", "FILTER",
    "OPTIONAL", "UNION", "GRAPH", "SERVICE", "<http://127.0.0.1:1/>", "LIMIT", "10", "\"x\"@nb", ".", ";",
    "INSERT", "DATA", "DELETE", "DROP", "ALL", "LOAD", "PREFIX", "tg:", "<https://w3id.org/towngown/ontology#>",
    "COUNT(*)", "AS", "?n", "GROUP BY", "ORDER BY", "VALUES", "BIND", "#", "\n", "'", "\\",
]
query_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(SPARQL_WORDS), max_size=40).map(" ".join),
)
header_value = st.text(alphabet=string.printable.replace("\r", "").replace("\n", ""), max_size=80)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(query=query_text, accept=header_value, fmt=st.one_of(st.none(), header_value))
def test_random_queries_and_headers_never_500(client, query: str, accept: str, fmt: str | None) -> None:  # noqa: ANN001
    """Random and word-salad queries with random Accept headers and format values get 2xx or a 4xx/503 problem."""
    params = {"query": query}
    if fmt is not None:
        params["format"] = fmt
    response = client.get("/sparql", query_string=params, headers={"Accept": accept})
    assert response.status_code < 500 or response.status_code == 503, response.data[:300]
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["detail"]


@FUZZ
@given(body=st.binary(max_size=300), content_type=header_value)
def test_random_posts_never_500(client, body: bytes, content_type: str) -> None:  # noqa: ANN001
    """Random bodies with random content types get an answer below 500 (or 503 for a limit)."""
    response = client.post("/sparql", data=body, headers={"Content-Type": content_type})
    assert response.status_code < 500 or response.status_code == 503, response.data[:300]


def test_store_unchanged_after_fuzzing(client, loaded_store) -> None:  # noqa: ANN001
    """After the random requests above, the store holds exactly what was loaded."""
    rows = loaded_store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    from towngown.publish import collect
    from towngown.resources import data_dir, ontology_dir

    dataset, _ = collect([ontology_dir(), data_dir()])
    expected = sum(len(g) for g in dataset.graphs())
    assert int(rows[0]["n"]) == expected
