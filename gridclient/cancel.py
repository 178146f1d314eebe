"""The one cancellation type.

A person (or shutdown) stopped a long job; nothing failed. Every long job raises a
:class:`Cancelled` (the sync engine's :class:`gridclient.sync.errors.Cancelled` and the
importer's ``ImportCancelled`` are subclasses, so their callers can still tell them apart),
and the task runner treats any of them as a cancel, not an error.
"""

from __future__ import annotations


class Cancelled(Exception):
    """Raised inside a job once its cancel was requested."""
