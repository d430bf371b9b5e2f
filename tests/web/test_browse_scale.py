"""Pages at scale: a partnership page and /compare cost the same number of store queries whatever the number of
partnerships, and offer a bounded set of partnerships to compare with (plus a field for any other)."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from rdflib import Graph, URIRef

from towngown.browse.partnership import RELATED_LIMIT
from towngown.compare import CHOOSER_LIMIT, MAX_COLUMNS
from towngown.config import Settings
from towngown.publish import collect
from towngown.resources import data_dir, ontology_dir
from towngown.store import OxigraphEngine, SparqlStore
from towngown.web import create_app

ROOT = Path(__file__).resolve().parents[2]
ORG = "http://www.w3.org/ns/org#"
PARTNERSHIP = "https://w3id.org/towngown/id/partnership/"
#: More partnerships than any list on the pages may show.
COUNT = CHOOSER_LIMIT + 10


class Counting:
    """Counts the queries a store is sent (wraps the real store's query_raw; the store still answers)."""

    def __init__(self, store: SparqlStore) -> None:
        self.store = store
        self.count = 0
        self._original = store.query_raw

    def __enter__(self) -> "Counting":
        def counted(*args: object, **kwargs: object):  # noqa: ANN202
            self.count += 1
            return self._original(*args, **kwargs)  # type: ignore[arg-type]

        self.store.query_raw = counted  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        del self.store.query_raw


def _generate(count: int, out: Path) -> list[Path]:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.generate(count, out)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, SparqlStore, object]]:
    """An app over its own engine holding ontology/, data/ and COUNT synthetic partnerships (bench/generate.py)."""
    folder = tmp_path_factory.mktemp("synthetic")
    _generate(COUNT, folder)
    dataset, _ = collect([ontology_dir(), data_dir(), folder])
    with OxigraphEngine(None, timeout_s=10.0) as running:
        store = SparqlStore(f"{running.base_url}/query", f"{running.base_url}/update", f"{running.base_url}/store", timeout_s=10.0)
        store.replace_graphs({str(g.identifier): g for g in dataset.graphs() if len(g)})
        union = Graph()
        for graph in dataset.graphs():
            union += graph
        yield create_app(Settings(http_cache=False), store), store, union
        store.close()


def _html(app: Flask, url: str) -> str:
    response = app.test_client().get(url, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def _members(graph: Graph, slug: str) -> set[str]:
    me = URIRef(PARTNERSHIP + slug)
    memberships = set(graph.objects(me, URIRef(ORG + "hasMembership"))) | set(graph.subjects(URIRef(ORG + "organization"), me))
    return {str(m) for ms in memberships for m in graph.objects(ms, URIRef(ORG + "member"))}


def test_partnership_page_offers_a_bounded_list_sharing_a_member(big) -> None:  # noqa: ANN001
    """With more partnerships than fit, a page offers at most RELATED_LIMIT to compare with, each sharing a member
    organisation with it, and a form that compares it with any other partnership by its slug."""
    app, _, dataset = big
    page = _html(app, "/id/partnership/bench-000007")
    section = page.split('id="compare-with"')[1].split("</section>")[0]
    others = re.findall(r'href="/compare\?p=bench-000007&amp;p=([a-z0-9-]+)"', section)
    assert 0 < len(others) <= RELATED_LIMIT and "bench-000007" not in others
    mine = _members(dataset, "bench-000007")
    assert all(_members(dataset, other) & mine for other in others)
    assert '<form class="compare-other" method="get" action="/compare">' in section
    assert '<input type="hidden" name="p" value="bench-000007">' in section
    assert 'href="/partnerships"' in section


def test_typed_slugs_are_compared(big) -> None:  # noqa: ANN001
    """The slugs typed in the form's text field (separated by spaces or commas) join the chosen ones as columns."""
    app, _, _ = big
    document = app.test_client().get("/compare.json", query_string={"p": ["bench-000007", "bench-000100, bench-000003"]}).get_json()
    assert [p["slug"] for p in document["partnerships"]] == ["bench-000007", "bench-000100", "bench-000003"]


def test_store_queries_do_not_grow_with_partnerships_or_columns(loaded_store, big) -> None:  # noqa: ANN001
    """A partnership page sends as many store queries over COUNT more partnerships as over data/ alone, and /compare
    sends as many for ten columns as for one (each stored query runs once for all columns)."""
    big_app, big_store, _ = big
    small_app = create_app(Settings(http_cache=False), loaded_store)
    with Counting(loaded_store) as small:
        _html(small_app, "/id/partnership/gjovik-ntnu")
    with Counting(big_store) as large:
        _html(big_app, "/id/partnership/gjovik-ntnu")
    assert large.count == small.count
    with Counting(big_store) as one:
        _html(big_app, "/compare?p=bench-000001")
    ten = "&".join(f"p=bench-{n:06d}" for n in range(0, COUNT, COUNT // 10))
    with Counting(big_store) as many:
        _html(big_app, "/compare?" + ten)
    assert many.count == one.count


def test_chooser_and_add_links_are_bounded(big) -> None:  # noqa: ANN001
    """/compare without p offers CHOOSER_LIMIT checkboxes, a text field for any other slug and a link to the list;
    a comparison offers at most RELATED_LIMIT partnerships to add, none of them already a column."""
    app, _, _ = big
    choose = _html(app, "/compare")
    assert len(re.findall(r'<input type="checkbox" name="p"', choose)) == CHOOSER_LIMIT
    assert '<input id="compare-slugs" name="p" type="text"' in choose and 'href="/partnerships?lang=nb"' in choose
    page = _html(app, "/compare?p=bench-000001&p=bench-000002")
    added = re.findall(r'<a href="/compare\?p=bench-000001&amp;p=bench-000002&amp;p=([a-z0-9-]+)&amp;lang=nb"', page)
    assert 0 < len(added) <= RELATED_LIMIT and not {"bench-000001", "bench-000002"} & set(added)


def test_too_many_columns_is_400(big) -> None:  # noqa: ANN001
    """More than MAX_COLUMNS partnerships in one comparison is refused with 400 naming p."""
    app, _, _ = big
    response = app.test_client().get("/compare.json", query_string={"p": [f"bench-{n:06d}" for n in range(MAX_COLUMNS + 1)]})
    assert response.status_code == 400 and response.get_json()["parameter"] == "p"


def test_concept_page_lists_a_bounded_number_of_partnerships(big) -> None:  # noqa: ANN001
    """A concept used by more partnerships than USED_IN_LIMIT (every synthetic one is anchored at the mayor) lists
    that many, says there are more and links to the list of partnerships."""
    from towngown.browse.listing import USED_IN_LIMIT

    app, _, _ = big
    page = _html(app, "/id/concept/anchor/mayor")
    section = page.split('id="used-in"')[1].split("</section>")[0]
    listed = re.findall(r'href="/id/partnership/([a-z0-9-]+)"', section)
    assert COUNT > USED_IN_LIMIT and len(listed) == USED_IN_LIMIT
    assert 'href="/partnerships"' in section
