"""Entry point for ``uvicorn --factory`` worker processes (``gridserver serve --workers``)."""

from __future__ import annotations

from fastapi import FastAPI

from gridserver.app import create_app
from gridserver.config import Settings
from gridserver.reqlog import configure_logging


def app() -> FastAPI:
    configure_logging()  # a spawned worker: the request log and errors reach stderr too
    return create_app(Settings.from_env())
