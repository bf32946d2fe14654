"""Exceptions whose messages name the file, field or parameter at fault and how to fix it."""


class ProtestmapError(Exception):
    """Base class for every expected, user-facing failure."""


class DataError(ProtestmapError):
    """Input data cannot be used as it is (bad file, bad column, bad value)."""


class SchemaError(DataError):
    """A stored table does not match the schema protestmap writes."""


class BoundaryError(ProtestmapError):
    """Region boundaries cannot be fetched, verified or read."""


class GeocodeError(ProtestmapError):
    """The gazetteer cannot be loaded (a place that does not resolve is data, not an error)."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (a library's multi-line text is cut there)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class StoreError(ProtestmapError):
    """The store on object storage cannot be reached, found or used with these credentials."""
