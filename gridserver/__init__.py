"""gridserver: the central sync server of GridClient (FastAPI + SQLAlchemy)."""

# One version for the distribution (see gridclient/__init__.py); the server already
# shares the wire protocol package with the client.
from gridclient import __version__

__all__ = ["__version__"]
