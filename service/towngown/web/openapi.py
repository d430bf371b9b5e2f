"""The OpenAPI 3.1 document, generated from the stored query files."""

from __future__ import annotations

from .. import __version__
from ..catalog import MAX_PAGE_SIZE, Catalog, Parameter

__all__ = ["openapi_document"]

_SCHEMAS = {
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "language": {"type": "string", "pattern": "^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$"},
    "boolean": {"type": "boolean"},
}
_RESULTS = {
    "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
    "application/sparql-results+xml": {"schema": {"type": "string"}},
    "text/csv": {"schema": {"type": "string"}},
    "text/tab-separated-values": {"schema": {"type": "string"}},
}
_GRAPH = {m: {"schema": {"type": "string"}} for m in ("text/turtle", "application/n-triples", "application/rdf+xml")}
_GRAPH["application/ld+json"] = {"schema": {"type": ["object", "array"]}}
_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _parameter(parameter: Parameter) -> dict:
    schema = dict(_SCHEMAS.get(parameter.type, {"type": "string"}))
    if parameter.enum is not None:
        schema["enum"] = [_typed(parameter.type, v) for v in parameter.enum]
    if parameter.default is not None:
        schema["default"] = _typed(parameter.type, parameter.default)
    description = parameter.description.get("en", "")
    if parameter.description.get("nb"):
        description += f" (nb: {parameter.description['nb']})"
    if parameter.enum_query:
        description += " Allowed values: the answers of the parameter's enum_query (see /queries.json)."
    description += " Repeat the parameter to give several values: the query then answers for any of them."
    return {
        "name": parameter.name,
        "in": "query",
        "required": parameter.required,
        "description": description.strip(),
        "schema": schema,
    }


def _typed(type_: str, value: str) -> object:
    try:
        if type_ == "integer":
            return int(value)
        if type_ == "decimal":
            return float(value)
        if type_ == "boolean":
            return value.lower() in ("true", "1")
    except ValueError:
        return value
    return value


def _problem_responses(*codes: str) -> dict:
    words = {"400": "Bad parameter or query (names the parameter)", "404": "Not found", "406": "No acceptable format",
             "403": "Updates are refused", "415": "Unsupported content type", "503": "Time or size limit reached, or store unavailable"}
    return {code: {"description": words[code], "content": _PROBLEM} for code in codes}


_RDF_IN = {m: {"schema": {"type": "string"}} for m in (
    "text/turtle", "application/trig", "application/n-triples", "application/n-quads", "application/rdf+xml",
)}
_RDF_IN["application/ld+json"] = {"schema": {"type": ["object", "array"]}}
_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}}
_JSON_ANY = {"application/json": {"schema": {"type": "object"}}}


def _page_parameters(default: int) -> list[dict]:
    """``_size`` and ``_next``: how a paged answer is asked for, page by page (Datasette's names)."""
    return [
        {"name": "_size", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": default},
         "description": f"Rows per page (default {default}, at most {MAX_PAGE_SIZE})."},
        {"name": "_next", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0, "default": 0},
         "description": "Where the page starts (a row offset). Take it from the `next` URL of the previous page (also "
                        "in the `Link: <...>; rel=\"next\"` header); there is no `next` on the last page."},
    ]


def _site_paths() -> dict[str, dict]:
    """The routes besides /sparql and the stored queries: validation, publishing, lists, comparison, health."""
    facets = [
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
        for name, text in (
            ("area", "Collaboration area (concept slug or IRI)."), ("institution", "Organisation (slug or IRI)."),
            ("orgtype", "Type of institution (concept slug or IRI)."), ("actionplan", "Status of action plans."),
            ("year", "Active in this year."), ("q", "Words in the label."),
        )
    ]
    facets[4]["schema"] = {"type": "integer", "minimum": 1900, "maximum": 2200}
    written = {"200": {"description": "Replaced: the new version", "content": _JSON_ANY},
               "201": {"description": "Created: the first version", "content": _JSON_ANY},
               **_problem_responses("400", "403", "415"),
               "401": {"description": "No or invalid token", "content": _PROBLEM},
               "404": {"description": "No such graph", "content": _PROBLEM},
               "412": {"description": "If-Match failed (lost update prevented)", "content": _PROBLEM},
               "413": {"description": "Body over the size limit", "content": _PROBLEM},
               "422": {"description": "Violations of the shapes, or data about another partnership", "content": _PROBLEM | _JSON_ANY},
               "429": {"description": "Too many failed authentications", "content": _PROBLEM},
               "507": {"description": "The data directory cannot be written", "content": _PROBLEM}}
    return {
        "/healthz": {"get": {"operationId": "health", "summary": "Whether the store answers",
                             "responses": {"200": {"description": "Up", "content": _JSON_ANY},
                                           "503": {"description": "Store down", "content": _JSON_ANY}}}},
        "/partnerships.json": {"get": {"operationId": "partnershipList", "summary": "Partnerships, filtered by facets",
                                       "parameters": facets + _page_parameters(100),
                                       "responses": {"200": {"description": "The list", "content": _JSON_ANY}, **_problem_responses("400")}}},
        "/compare.json": {"get": {"operationId": "compare", "summary": "Partnerships side by side, with indicators",
                                  "parameters": [{"name": "p", "in": "query", "required": False, "style": "form", "explode": True,
                                                  "schema": {"type": "array", "items": {"type": "string"}},
                                                  "description": "Partnership slugs."}],
                                  "responses": {"200": {"description": "The comparison", "content": _JSON_ANY}, **_problem_responses("400", "404")}}},
        "/validate": {"post": {"operationId": "validate", "summary": "Validate RDF against the shapes (writes nothing)",
                               "requestBody": {"required": True, "content": _RDF_IN},
                               "responses": {"200": {"description": "The validation report", "content": _JSON_ANY},
                                             **_problem_responses("400", "415"),
                                             "413": {"description": "Body over the size limit", "content": _PROBLEM}}}},
        "/graphs/{slug}": {
            "get": {"operationId": "getGraph", "summary": "The current graph of a partnership", "parameters": [_SLUG],
                    "responses": {"200": {"description": "The graph", "content": _GRAPH}, "304": {"description": "Not modified"},
                                  **_problem_responses("404", "406")}},
            "put": {"operationId": "putGraph", "summary": "Publish a partnership's graph as a new version",
                    "security": [{"bearerAuth": []}], "parameters": [_SLUG],
                    "requestBody": {"required": True, "content": _RDF_IN}, "responses": written},
            "delete": {"operationId": "deleteGraph", "summary": "Delete a partnership's graph (recorded as a version)",
                       "security": [{"bearerAuth": []}], "parameters": [_SLUG], "responses": written},
        },
        "/graphs/{slug}/versions": {"get": {"operationId": "graphVersions", "summary": "The versions of a graph",
                                            "parameters": [_SLUG],
                                            "responses": {"200": {"description": "Versions", "content": _JSON_ANY}, **_problem_responses("404", "406")}}},
    }


def openapi_document(catalog: Catalog, server_url: str) -> dict:
    """An OpenAPI 3.1 description of /sparql, /void, the dumps and every working stored query."""
    paths: dict[str, dict] = {
        "/sparql": {
            "get": {
                "operationId": "sparqlQuery",
                "summary": "Run a read-only SPARQL 1.1 query (SPARQL 1.1 Protocol)",
                "description": "Without `query`, returns the SPARQL 1.1 Service Description. SERVICE is refused unless allow-listed.",
                "parameters": [
                    {"name": "query", "in": "query", "required": False, "schema": {"type": "string"}, "description": "The SPARQL query."},
                    {"name": "default-graph-uri", "in": "query", "required": False, "schema": {"type": "array", "items": {"type": "string", "format": "iri"}}, "style": "form", "explode": True},
                    {"name": "named-graph-uri", "in": "query", "required": False, "schema": {"type": "array", "items": {"type": "string", "format": "iri"}}, "style": "form", "explode": True},
                    {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json", "xml", "csv", "tsv", "turtle", "nt", "rdfxml", "jsonld"]}},
                ],
                "responses": {"200": {"description": "Results or graph", "content": _RESULTS | _GRAPH}, **_problem_responses("400", "403", "406", "503")},
            },
            "post": {
                "operationId": "sparqlQueryPost",
                "summary": "Run a read-only SPARQL 1.1 query sent in the body",
                "requestBody": {"required": True, "content": {
                    "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}},
                    "application/sparql-query": {"schema": {"type": "string"}},
                }},
                "responses": {"200": {"description": "Results or graph", "content": _RESULTS | _GRAPH}, **_problem_responses("400", "403", "406", "415", "503")},
            },
        },
        "/void": {"get": {"operationId": "void", "summary": "VoID + DCAT-AP-NO description of the dataset", "responses": {"200": {"description": "The description", "content": _GRAPH}, **_problem_responses("406")}}},
        "/dump.trig": {"get": {"operationId": "dumpTrig", "summary": "Every graph as TriG", "responses": {"200": {"description": "TriG", "content": {"application/trig": {"schema": {"type": "string"}}}}}}},
        "/dump.nq": {"get": {"operationId": "dumpNquads", "summary": "Every graph as N-Quads", "responses": {"200": {"description": "N-Quads", "content": {"application/n-quads": {"schema": {"type": "string"}}}}}}},
        "/queries.json": {"get": {"operationId": "listQueries", "summary": "The stored queries and their documentation", "responses": {"200": {"description": "The catalogue", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    }
    paths.update(_site_paths())
    for query in catalog:
        if not query.ok:
            continue
        operation = {
            "operationId": "query_" + query.name.replace("-", "_"),
            "summary": query.title.get("en", query.name),
            "description": f"{query.description.get('en', '')}\n\nnb: {query.title.get('nb', '')}. {query.description.get('nb', '')}".strip(),
            "tags": ["stored queries", *query.tags],
            "parameters": [_parameter(p) for p in query.parameters]
            + (_page_parameters(query.pagination) if query.pagination is not None else []),
            "responses": {"200": {"description": "The results", "content": _RESULTS}, **_problem_responses("400", "406", "503")},
        }
        paths[f"/queries/{query.name}"] = {"get": operation}
        for suffix, media in (("json", "application/sparql-results+json"), ("csv", "text/csv")):
            paths[f"/queries/{query.name}.{suffix}"] = {"get": operation | {
                "operationId": f"query_{query.name.replace('-', '_')}_{suffix}",
                "responses": {"200": {"description": "The results", "content": {media: _RESULTS[media]}}, **_problem_responses("400", "503")},
            }}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "towngown API",
            "version": __version__,
            "description": "The open knowledge graph of university-municipality partnerships: SPARQL endpoint and stored research queries.",
            "license": {"name": "CC BY 4.0 (data)", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                                          "description": "A publishing token (towngown token create)."}},
                       "schemas": {
            "Problem": {"type": "object", "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}, "parameter": {"type": "string"}}, "required": ["title", "status", "detail"]},
            "SparqlResults": {"type": "object", "properties": {"head": {"type": "object"}, "results": {"type": "object"}, "boolean": {"type": "boolean"}}, "required": ["head"]},
        }},
    }
