"""towngown: the open knowledge graph of university-municipality partnerships."""

__version__ = "0.1.0"
