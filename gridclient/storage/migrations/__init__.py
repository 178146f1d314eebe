"""Alembic migrations of the local store, shipped inside the package and run in-process
by :mod:`gridclient.storage.migrate` (no alembic.ini, no subprocess)."""
