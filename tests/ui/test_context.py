from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gridclient.storage import Store
from gridclient.ui.context import AppContext, ChangeSet, UserInfo
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.entities import Household
from gridcore.domain.enums import EntityKind, Role
from tests.unit.storage.factories import CHEAP_KDF, PASSWORD, household


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    store = Store.create(tmp_path / "s.db", PASSWORD, username="worker01", kdf=CHEAP_KDF)
    user = UserInfo("worker01", "何子健", Role.WORKER, "李楼村第一网格")
    yield AppContext(store, TaskRunner(synchronous=True), user)
    store.close()


def test_write_commits_rows_and_ops_then_announces_them(ctx: AppContext) -> None:
    seen: list[ChangeSet] = []
    ctx.bus.changed.connect(seen.append)
    created = household()
    results: list[object] = []
    ctx.write(lambda uow: uow.create(created), on_done=results.append)
    assert len(seen) == 1
    assert seen[0].kinds == {EntityKind.HOUSEHOLD} and seen[0].ids == {created.id}
    with ctx.store.read() as repos:
        assert repos.records.get(Household, created.id) == created
        assert [op.entity_id for op in repos.outbox.pending()] == [created.id]


def test_failed_write_announces_nothing_and_reports_the_error(ctx: AppContext) -> None:
    seen: list[ChangeSet] = []
    errors: list[BaseException] = []
    ctx.bus.changed.connect(seen.append)

    def half_then_fail(uow):  # type: ignore[no-untyped-def]
        uow.create(household())
        raise ValueError("校验失败")

    ctx.write(half_then_fail, on_error=errors.append)
    assert seen == [] and isinstance(errors[0], ValueError)
    with ctx.store.read() as repos:
        assert repos.records.counts().get(EntityKind.HOUSEHOLD, 0) == 0
        assert repos.outbox.pending() == []


def test_read_delivers_domain_objects(ctx: AppContext) -> None:
    created = household()
    ctx.write(lambda uow: uow.create(created))
    got: list[object] = []
    ctx.read(lambda repos: repos.records.get(Household, created.id), got.append)
    assert got == [created]
