"""The one place that finds ontology/, shapes/, data/ and queries/ (installed wheel or checkout)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["resource_dir", "ontology_dir", "shapes_dir", "data_dir", "queries_dir", "RDF_SUFFIXES"]

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_data"
_CHECKOUT = _PACKAGE.parent.parent

#: File suffixes towngown reads as RDF, mapped to rdflib parser names.
RDF_SUFFIXES: dict[str, str] = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nt": "nt11",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


def resource_dir(name: str) -> Path:
    """The folder ``name`` (ontology, shapes, data, queries): the wheel's copy if installed, else the checkout's."""
    installed = _INSTALLED / name
    if installed.is_dir():
        return installed
    checkout = _CHECKOUT / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"towngown resource folder {name!r} not found in {_INSTALLED} or {_CHECKOUT}")


def ontology_dir() -> Path:
    return resource_dir("ontology")


def shapes_dir() -> Path:
    return resource_dir("shapes")


def data_dir() -> Path:
    return resource_dir("data")


def queries_dir() -> Path:
    return resource_dir("queries")
