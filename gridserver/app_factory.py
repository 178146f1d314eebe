"""Entry point for ``uvicorn --factory`` worker processes (``gridserver serve --workers``)."""

from __future__ import annotations

from fastapi import FastAPI

from gridserver.app import create_app
from gridserver.config import Settings


def app() -> FastAPI:
    return create_app(Settings.from_env())
