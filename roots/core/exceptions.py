"""Domain errors raised by services; the API and views map them to HTTP status codes."""

from __future__ import annotations


class ConflictError(Exception):
    """A state change that is not allowed now (HTTP 409)."""


class PreconditionFailedError(Exception):
    """The client edited a stale version of the record (HTTP 412)."""
