"""gridserver: the central sync server of GridClient (FastAPI + SQLAlchemy)."""

__version__ = "0.1.0"
