"""One label per enum value: ``gridcore.domain.enums`` holds it, nothing else restates it.

``EntityKind`` was named three times (the server's messages, ``gridclient status``, the
conflict list) and the three disagreed (户/住户, 人口/居民/Resident, 走访/走访记录).
"""

from __future__ import annotations

import ast
from enum import StrEnum
from pathlib import Path

import pytest

from gridcore.domain import enums
from gridcore.domain.enums import EntityKind

ROOT = Path(__file__).resolve().parents[2]
LABELLED = [
    cls
    for cls in vars(enums).values()
    if isinstance(cls, type) and issubclass(cls, StrEnum) and hasattr(cls, "label")
]


def test_entity_kinds_have_one_label_each() -> None:
    labels = {kind: kind.label for kind in EntityKind}
    assert labels[EntityKind.HOUSEHOLD] == "住户"
    assert labels[EntityKind.RESIDENT] == "人员"
    assert labels[EntityKind.VISIT] == "走访记录"
    assert all(label and label != kind.value for kind, label in labels.items())
    assert len(set(labels.values())) == len(labels)


@pytest.mark.parametrize("cls", LABELLED, ids=lambda c: c.__name__)
def test_every_labelled_enum_labels_every_value(cls: type[StrEnum]) -> None:
    for member in cls:
        assert member.label != member.value, member  # type: ignore[attr-defined]


def _is_translation(node: ast.expr) -> bool:
    """``tr("…")``, ``self.tr("…")``, ``QCoreApplication.translate(ctx, "…")``."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in {"tr", "translate", "_", "QT_TRANSLATE_NOOP"}


def _enum_keyed_label_tables(tree: ast.AST, names: set[str]) -> list[int]:
    """Lines of dict literals that map members of a labelled enum to texts (``{Kind.A:
    "…"}`` or ``{Kind.A: tr("…")}``)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict) or len(node.keys) < 3:
            continue
        owners = {
            key.value.id
            for key in node.keys
            if isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name)
        }
        texts = [
            v
            for v in node.values
            if _is_translation(v) or (isinstance(v, ast.Constant) and isinstance(v.value, str))
        ]
        if len(owners) == 1 and owners <= names and len(texts) == len(node.values):
            found.append(node.lineno)
    return found


def test_no_module_keeps_its_own_labels_for_an_enum() -> None:
    names = {cls.__name__ for cls in LABELLED}
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in ("gridcore", "gridclient", "gridserver")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in path.parts
        for line in _enum_keyed_label_tables(ast.parse(path.read_text(encoding="utf-8")), names)
    ]
    assert offenders == []
    sample = 'X = {EntityKind.AREA: "区划", EntityKind.VISIT: "走访", EntityKind.EVENT: tr("e")}'
    assert _enum_keyed_label_tables(ast.parse(sample), names) == [1]
