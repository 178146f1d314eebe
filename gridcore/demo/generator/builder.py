"""The builder: the random streams, and the parts called in the order of the draws."""

from __future__ import annotations

import gc
import random
from datetime import date

from gridcore.demo.generator import (
    areas,
    events,
    households,
    mediations,
    organizations,
    patrols,
    places,
    programs,
    visits,
)
from gridcore.demo.generator.drafts import Grid
from gridcore.demo.generator.draws import Draws
from gridcore.demo.generator.model import DEFAULT_SEED, SIZES, Dataset, SizeSpec, load_catalog
from gridcore.domain.catalog import EventCatalog


def generate(
    size: str | SizeSpec = "S",
    seed: int = DEFAULT_SEED,
    *,
    today: date | None = None,
    catalog: EventCatalog | None = None,
) -> Dataset:
    """A complete demo dataset; ``size`` is a key of :data:`SIZES` or a custom spec.

    Everything happens before ``today`` (default: the local date), the last action a
    minute before it starts. ``catalog`` defaults to :func:`load_catalog`; any catalog
    with active categories works.
    """
    if isinstance(size, SizeSpec):
        spec = size
    else:
        try:
            spec = SIZES[size]
        except KeyError:
            raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}") from None
    spec.check()
    builder = Builder(
        spec,
        seed,
        today if today is not None else date.today(),
        catalog if catalog is not None else load_catalog(),
    )
    # Millions of small acyclic objects: the cyclic collector would walk the growing heap
    # again and again for nothing (a fifth of the time for L).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return builder.build()
    finally:
        if collecting:
            gc.enable()


class Builder(Draws):
    """One dataset, part by part. The main stream (:attr:`rng`) draws the areas, then
    grid by grid the households, organizations, visits and events, then the mediations;
    the patrols, the places and the program records each draw from a stream of their
    own, so adding them changed none of the records drawn before them. Changing the
    order of the calls below changes the records a seed gives."""

    def __init__(self, spec: SizeSpec, seed: int, today: date, catalog: EventCatalog) -> None:
        super().__init__(spec, seed, today, catalog)
        # Program records draw from their own generator, so adding them changed none of
        # the other records a seed gives.
        self.program_rng = random.Random(f"program-records-{seed}")

    def build(self) -> Dataset:
        grids = areas.build_areas(self)
        for index, grid in enumerate(grids):
            households.fill_grid(self, grid)
            organizations.add_organizations(self, grid)
            visits.add_visits(self, grid)
            events.add_events(self, grid, events.coverage(self, grid) if index == 0 else [])
        events.number_events(self, grids)
        patrols.add_patrols(self, grids, random.Random(self.seed * 7919 + 3))
        # Last, so that adding them changed none of the records drawn before.
        for grid in grids:
            mediations.add_mediations(self, grid)
        self._all_places(grids)
        for grid in grids:
            programs.add_program_records(self, grid, self.program_rng)
        return self.ds

    def _all_places(self, grids: list[Grid]) -> None:
        """Places and their checks, drawn last from a generator of their own so that
        adding them changed none of the records generated before them."""
        names = {u.username: u.display_name for u in self.ds.users}
        with self.stream(random.Random(f"places-{self.seed}")):
            for grid in grids:
                places.add_places(self, grid, names.get(grid.worker, grid.worker))
