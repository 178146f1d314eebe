"""gridserver: the central sync server of GridClient (FastAPI + SQLAlchemy).

Depends on :mod:`gridcore` (the domain and the wire protocol), never on gridclient."""

#: Released together with gridcore and gridclient, at the same version
#: (tests/packaging/test_version.py checks the three agree).
__version__ = "0.7.0"

__all__ = ["__version__"]
