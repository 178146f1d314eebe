"""Synthetic demo data: ``gridclient --demo``, ``gridserver load-demo`` and the benchmarks.

Pure Python over the domain types; no Qt, no database. See :mod:`.generator`.
"""

from __future__ import annotations

from gridcore.demo.generator import (
    DEMO_PASSWORD,
    SIZES,
    Dataset,
    DemoUser,
    SizeSpec,
    demo_role,
    generate,
    load_catalog,
)

__all__ = [
    "DEMO_PASSWORD",
    "SIZES",
    "Dataset",
    "DemoUser",
    "SizeSpec",
    "demo_role",
    "generate",
    "load_catalog",
]
