"""Deterministic synthetic demo data for ``gridclient --demo``, ``gridserver load-demo``
and the benchmarks.

One made-up county (code ``369921``, "青溪县"; neither is meant to be real) with
townships, villages (村委会) and communities (居委会), grids and ten-household micro-grids,
households and residents with valid ID numbers (GB 11643), special groups, organizations,
two years of visits and events whose histories walk the domain state machine, and two
months of daily patrols (巡查) linked to the events reported on them.

Everything is drawn from ``random.Random`` streams seeded with ``seed`` and from
``today``: the same
``(size, seed, today)`` always gives the same records, ids included.

Demo accounts (demo only; every password is :data:`DEMO_PASSWORD`, ``demo1234``):
``admin``; ``township01`` … one per township; ``worker01`` … one per grid (three digits
when there are more than 99 grids).

The parts, in the order the builder calls them (``builder``): ``areas`` (the county down
to the grids, and the accounts), ``households`` and ``people`` (micro-grids, households,
residents, their tags), ``organizations``, ``visits``, ``events`` and ``history`` (an
event's actions through the state machine), ``patrols``, ``mediations``, ``places`` and
``programs``; all of them draw from ``draws.Draws``. ``model`` holds the public types.
"""

from __future__ import annotations

from gridcore.demo.generator.builder import generate
from gridcore.demo.generator.model import (
    COUNTY_CODE,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    HISTORY_DAYS,
    PATROL_DAYS,
    SIZES,
    Dataset,
    DemoUser,
    SizeSpec,
    demo_role,
    load_catalog,
)

__all__ = [
    "COUNTY_CODE",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "HISTORY_DAYS",
    "PATROL_DAYS",
    "SIZES",
    "Dataset",
    "DemoUser",
    "SizeSpec",
    "demo_role",
    "generate",
    "load_catalog",
]
