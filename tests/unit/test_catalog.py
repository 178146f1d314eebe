from __future__ import annotations

import pytest

from gridcore.domain.catalog import CatalogError, EventCatalog
from gridcore.domain.enums import Urgency

DOC = {
    "version": "2026-01",
    "categories": [
        {
            "code": "JF01",
            "name": "邻里纠纷",
            "group": "dispute",
            "ledger": "appeal",
            "time_limits": {"critical": 0, "urgent": 3, "normal": 15},
        },
        {
            "code": "YH01",
            "name": "消防安全隐患",
            "group": "hazard",
            "ledger": "complaint",
            "time_limits": {"critical": 0, "normal": 3},
            "active": False,
        },
    ],
}


def test_round_trip() -> None:
    catalog = EventCatalog.from_json(DOC)
    assert len(catalog) == 2 and "JF01" in catalog
    assert catalog.get("JF01").limit_days(Urgency.URGENT) == 3
    assert [c.code for c in catalog.active()] == ["JF01"]
    assert EventCatalog.from_json(catalog.to_json()) == catalog


def test_categories_are_hashable() -> None:
    catalog = EventCatalog.from_json(DOC)
    assert len(set(catalog)) == 2


def test_unknown_code_says_to_sync() -> None:
    with pytest.raises(CatalogError, match="同步事项清单"):
        EventCatalog.from_json(DOC).get("NOPE")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("categories"), "categories"),
        (lambda d: d["categories"][0].pop("name"), "缺少字段"),
        (lambda d: d["categories"][0].update(group="weather"), "取值无效"),
        (lambda d: d["categories"][0].update(time_limits={}), "办理时限"),
        (lambda d: d["categories"][0].update(time_limits={"soon": 1}), "紧急程度"),
        (lambda d: d["categories"][0].update(time_limits={"normal": -1}), "0–3650 的整数"),
        (lambda d: d["categories"][0].update(time_limits={"normal": "3"}), "0–3650 的整数"),
        (lambda d: d["categories"][1].update(code="JF01"), "重复"),
        (lambda d: d["categories"][0].update(code=" "), "不能为空"),
        (lambda d: d["categories"][0].update(active="false"), "true 或 false"),
    ],
)
def test_bad_documents_are_explained(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    import copy

    doc = copy.deepcopy(DOC)
    mutate(doc)
    with pytest.raises(CatalogError, match=message):
        EventCatalog.from_json(doc)
