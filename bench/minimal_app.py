"""The floor of any Flask web tier on this machine, for the /sparql target of `make bench`.

Two routes under the same gunicorn settings as `towngown serve` (gthread, 4 threads): ``/static`` answers fixed
bytes (Flask and gunicorn alone), ``/proxy?query=`` passes the query to the engine with urllib3 and returns its
answer as it is (a minimal Flask app over the store: no checks, no limits, no negotiation). towngown's /sparql
does that plus its protocol, limit and security checks.

    ENGINE_URL=http://127.0.0.1:PORT/query .venv/bin/gunicorn --chdir bench -k gthread --threads 4 minimal_app:app
"""

from __future__ import annotations

import os

import urllib3
from flask import Flask, Response, request

app = Flask(__name__, static_folder=None)
_pool = urllib3.PoolManager(maxsize=8)
_ENGINE = os.environ.get("ENGINE_URL", "http://127.0.0.1:7878/query")
_STATIC = b'{"head":{"vars":["label"]},"results":{"bindings":[]}}'


@app.get("/static")
def static() -> Response:
    """Fixed bytes: the cost of Flask and gunicorn for one request."""
    return Response(_STATIC, mimetype="application/sparql-results+json")


@app.get("/proxy")
def proxy() -> Response:
    """The query passed to the engine and its answer passed back."""
    answer = _pool.request("POST", _ENGINE, fields={"query": request.args.get("query", "")}, encode_multipart=False,
                           headers={"Accept": "application/sparql-results+json"})
    return Response(answer.data, status=answer.status, mimetype=answer.headers.get("Content-Type"))
