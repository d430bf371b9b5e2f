"""`towngown publish FILE --to URL --token T` from a user's machine to a real towngown server."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import RDF

from towngown.cli import main
from towngown.tokens import create_token

ROOT = Path(__file__).resolve().parents[2]
OPPDAL = ROOT / "data" / "partnerships" / "oppdal-ntnu.trig"
ORG = Namespace("http://www.w3.org/ns/org#")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command in-process as `towngown ...`: exit code, stdout, stderr."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_publish_a_file_prints_the_new_version(publishing_site, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    """Publishing oppdal-ntnu.trig with its token prints version 1 and its ETag (the slug read from the file's graph);
    the second time version 2, and --if-match with the old ETag fails with exit 1 and the server's reason."""
    site = publishing_site
    token, _ = create_token(site.settings, "Oppdal kommune", ["oppdal-ntnu"])
    code, out, err = _run(capsys, "publish", str(OPPDAL), "--to", site.url, "--token", token)
    assert code == 0, err
    assert "published oppdal-ntnu as version 1" in out and '"v1"' in out
    code, out, _ = _run(capsys, "publish", str(OPPDAL), "--to", site.url, "--token", token, "--if-match", "v1")
    assert code == 0 and "version 2" in out
    code, out, err = _run(capsys, "publish", str(OPPDAL), "--to", site.url, "--token", token, "--if-match", "v1")
    assert code == 1 and "412" in err and "v2" in err


def test_publish_reports_violations_and_refusals(publishing_site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    """An invalid Turtle file (its slug read from the partnership it describes) exits 1 listing each violation; a
    token for another partnership exits 1 with 403; an unreachable server exits 1 with one line, never a traceback."""
    site = publishing_site
    token, _ = create_token(site.settings, "Oppdal kommune", ["oppdal-ntnu"])
    graph = Dataset()
    graph.parse(OPPDAL, format="trig")
    broken = Graph()
    for s, p, o, _ in graph.quads((None, None, None, None)):
        broken.add((s, p, o))
    membership = URIRef("https://w3id.org/towngown/id/membership/oppdal-ntnu-broken")
    broken.add((URIRef("https://w3id.org/towngown/id/partnership/oppdal-ntnu"), ORG.hasMembership, membership))
    broken.add((membership, RDF.type, ORG.Membership))
    invalid = tmp_path / "mine.ttl"
    invalid.write_text(broken.serialize(format="turtle"), encoding="utf-8")
    code, _, err = _run(capsys, "publish", str(invalid), "--to", site.url, "--token", token)
    assert code == 1 and "422" in err and "oppdal-ntnu" in err
    assert "Violation: field 1 Participants: https://w3id.org/towngown/id/membership/oppdal-ntnu-broken" in err
    other, _ = create_token(site.settings, "Skien kommune", ["skien-usn"])
    code, _, err = _run(capsys, "publish", str(OPPDAL), "--to", site.url, "--token", other)
    assert code == 1 and "403" in err
    code, _, err = _run(capsys, "publish", str(OPPDAL), "--to", "http://127.0.0.1:9", "--token", token)
    assert code == 1 and "cannot be reached" in err and "Traceback" not in err
