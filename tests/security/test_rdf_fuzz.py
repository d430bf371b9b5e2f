"""Random and mutated RDF in every accepted syntax to /validate and PUT /graphs/<slug> (with and without a valid
token), and random paths under /id/: never a 500, and the store is unchanged after every rejected request."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st
from rdflib import Dataset

from towngown.tokens import create_token

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [ROOT / "data" / "partnerships" / "oppdal-ntnu.trig", ROOT / "tests" / "data" / "valid-minimal.trig",
         *sorted((ROOT / "tests" / "data" / "invalid").glob("*"))[:6]]
FORMATS = {"application/trig": "trig", "text/turtle": "turtle", "application/n-triples": "nt11",
           "application/n-quads": "nquads", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}


def _texts() -> dict[str, list[bytes]]:
    """Each seed file in every accepted syntax (those it can be written in)."""
    cached = getattr(_texts, "cached", None)
    if cached is None:
        cached = {media: [] for media in FORMATS}
        for path in SEEDS:
            dataset = Dataset()
            try:
                dataset.parse(path, format="trig")
            except Exception:  # noqa: BLE001 - a broken seed is kept as raw bytes only
                cached["application/trig"].append(path.read_bytes())
                continue
            for media, fmt in FORMATS.items():
                try:
                    target = dataset if fmt in ("trig", "nquads", "json-ld") else dataset.graph(
                        next(g.identifier for g in dataset.graphs() if len(g)))
                    cached[media].append(target.serialize(format=fmt).encode())
                except Exception:  # noqa: BLE001, S112 - not every seed fits every syntax
                    continue
        _texts.cached = cached  # type: ignore[attr-defined]
    return cached


@st.composite
def mutated(draw):  # noqa: ANN001, ANN201
    """A media type and a body: a real file in that syntax with bytes or lines flipped, cut, doubled or inserted."""
    media = draw(st.sampled_from(sorted(FORMATS)))
    body = bytearray(draw(st.sampled_from(_texts()[media] or [b""])))
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["byte", "cut", "line", "dup", "insert"]))
        at = draw(st.integers(0, max(0, len(body) - 1)))
        if kind == "byte" and body:
            body[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            body = body[:at]
        elif kind == "line":
            lines = bytes(body).split(b"\n")
            lines.pop(draw(st.integers(0, len(lines) - 1)))
            body = bytearray(b"\n".join(lines))
        elif kind == "dup":
            body = body[:at] + body[at:at + 200] + body[at:]
        else:
            body[at:at] = draw(st.sampled_from([b"<", b"\"", b"{", b"}", b"@prefix", b"\x00", b"\xff\xfe",
                                                 "\u202e".encode(), b"<javascript:alert(1)>", b"_:b ", b"."]))
    return media, bytes(body)


FUZZ = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def test_mutated_rdf_never_breaks_validate_or_publish(site) -> None:  # noqa: ANN001
    """Mutated RDF to /validate, and to PUT /graphs/oppdal-ntnu with no token, a wrong token and a valid one:
    never a 500, and a rejected PUT leaves the store's dump exactly as it was."""
    client = site.app.test_client()
    token, _ = create_token(site.settings, "Fuzz", ["oppdal-ntnu"])
    seen: dict[int, int] = {}

    @FUZZ
    @given(mutated())
    def check(case: tuple[str, bytes]) -> None:
        media, body = case
        answer = client.post("/validate", data=body, headers={"Content-Type": media, "Accept": "application/json"})
        assert answer.status_code < 500, answer.get_data(as_text=True)[:300]
        for auth in ("none", "wrong", "valid"):
            before = sorted(site.store.dump("nquads").splitlines())
            headers = {"Content-Type": media}
            if auth != "none":
                headers["Authorization"] = f"Bearer {token if auth == 'valid' else token[:-2] + 'xx'}"
            put = client.put("/graphs/oppdal-ntnu", data=body, headers=headers)
            seen[put.status_code] = seen.get(put.status_code, 0) + 1
            assert put.status_code < 500, put.get_data(as_text=True)[:300]
            if put.status_code >= 400:
                assert sorted(site.store.dump("nquads").splitlines()) == before

    site.app.extensions["towngown.auth_limiter"].limit = 0  # the fuzzer is not a brute-forcer
    check()
    print(f"\nmutated RDF: PUT answers {dict(sorted(seen.items()))}, 500s: 0")


def test_random_paths_under_id_never_give_500(site) -> None:  # noqa: ANN001
    """Random text (any Unicode, slashes, dots, percent signs) after /id/ answers 200, 3xx, 400, 404 or 406."""
    client = site.app.test_client()

    @FUZZ
    @given(st.text(min_size=0, max_size=60))
    def check(rest: str) -> None:
        answer = client.get("/id/" + rest.replace("?", "%3F").replace("#", "%23"))
        assert answer.status_code < 500, answer.get_data(as_text=True)[:300]

    check()
