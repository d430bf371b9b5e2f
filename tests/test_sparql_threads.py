"""SPARQL parsing from many threads at once (gthread workers, the threaded dev server) stays correct."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_concurrent_first_parses_all_succeed() -> None:
    """In a fresh process, 8 threads parsing every stored query at once (the first parses, where pyparsing's
    grammar is not thread-safe) all succeed, and parsing keeps working afterwards."""
    script = textwrap.dedent(
        """
        from collections import Counter
        from concurrent.futures import ThreadPoolExecutor
        import towngown.sparql
        from rdflib.plugins.sparql import prepareQuery
        from rdflib.plugins.sparql.parser import parseQuery
        from towngown.resources import queries_dir
        texts = [p.read_text(encoding="utf-8") for p in sorted(queries_dir().glob("*.rq"))] * 4
        def parse(text):
            try:
                parseQuery(text)
                return "ok"
            except Exception as exc:
                return type(exc).__name__
        with ThreadPoolExecutor(8) as pool:
            print(Counter(pool.map(parse, texts)))
            print(Counter(pool.map(lambda t: type(prepareQuery(t)).__name__, texts[:8])))
        print(parse(texts[0]))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0, done.stderr[-2000:]
    assert lines[0].startswith("Counter({'ok'") and "Error" not in lines[0], lines[0]
    assert "Query" in lines[1] and lines[2] == "ok", lines
