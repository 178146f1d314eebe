"""The one chunk helper (``gridclient.storage.chunks``), and that the store's id-list
queries go through it: a list far beyond SQLite's bound-parameter limit still works."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import event

from gridclient.storage import Store
from gridclient.storage.chunks import IN_LIST_MAX, chunked
from gridclient.storage.lookups import Lookups
from gridcore.domain.entities import Household
from tests.unit.storage.factories import ACTOR, household

ROOT = Path(__file__).resolve().parents[3]


def test_sequences_and_iterables_split_in_order() -> None:
    assert list(chunked([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]
    assert list(chunked(iter(range(5)), 2)) == [[0, 1], [2, 3], [4]]
    assert list(chunked((n for n in range(4)), 4)) == [[0, 1, 2, 3]]
    assert list(chunked([], 3)) == [] and list(chunked(iter(()), 3)) == []
    assert [len(c) for c in chunked(range(1001))] == [IN_LIST_MAX, IN_LIST_MAX, 1]
    with pytest.raises(ValueError):
        list(chunked([1], 0))


def test_a_generator_is_consumed_one_chunk_at_a_time() -> None:
    taken: list[int] = []

    def numbers() -> object:
        for n in range(10):
            taken.append(n)
            yield n

    chunks = chunked(numbers(), 3)  # type: ignore[call-overload]
    assert next(chunks) == [0, 1, 2] and taken == [0, 1, 2]


def test_long_id_lists_run_as_statements_of_at_most_one_chunk(store: Store) -> None:
    """SQLite refuses a statement with more bound parameters than its build allows
    (999 in old builds); every id-list query binds at most ``IN_LIST_MAX`` ids."""
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    asked = [f"missing-{n}" for n in range(1_600)] + [home.id]
    bound: list[int] = []

    def count(_conn, _cursor, _statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if isinstance(parameters, tuple | list | dict) and not _many:
            bound.append(len(parameters))

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.read() as repos:
            found = repos.records.get_many(Household, asked)
            actions = repos.records.actions_of_events(asked)
        areas = Lookups(store.engine).areas_by_id(asked)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert list(found) == [home.id] and areas == {} and len(actions) == len(asked)
    assert max(bound) <= IN_LIST_MAX + 2
    assert sum(1 for n in bound if n >= IN_LIST_MAX) >= 9  # 4 chunks for each of 3 calls


def _inline_chunking(tree: ast.AST) -> list[int]:
    """Lines that chunk an id list by hand: ``.in_(ids[a : b])``, a ``range(0, len(…),
    500)`` loop, or a private ``_IN_CHUNK`` bound."""
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "in_"
            and any(
                isinstance(a, ast.Subscript) and isinstance(a.slice, ast.Slice) for a in node.args
            )
        ):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "range"
            and len(node.args) == 3
            and isinstance(node.args[2], ast.Constant)
            and node.args[2].value == IN_LIST_MAX
        ):
            lines.append(node.lineno)
        if isinstance(node, ast.Name) and node.id.endswith("IN_CHUNK"):
            lines.append(node.lineno)
    return lines


def test_no_module_chunks_in_lists_by_itself() -> None:
    """The four private helpers and the inline loops are gone; a new one would be
    the fifth."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in ("gridclient", "gridserver", "gridcore")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in path.parts
        for line in _inline_chunking(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []
    assert _inline_chunking(ast.parse("q.where(t.c.id.in_(ids[s : s + 500]))")) == [1]
