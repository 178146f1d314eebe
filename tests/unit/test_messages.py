"""The messages the storage and sync layers give the UI (gridcore.messages): every one has
Chinese and English with the same placeholders, every ``_msg("…")`` call names a message
its module's catalog has, and no Chinese sentence is left outside the catalogs."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from gridclient.storage import errors as storage_errors
from gridclient.sync import errors as sync_errors
from gridcore.domain.enums import EntityKind
from gridcore.messages import CATALOGS, Catalog, Message, placeholders, plain
from gridcore.protocol import ErrorBody

ROOT = Path(__file__).resolve().parents[2]

CONVERTED = [
    "gridclient.storage.errors",
    "gridclient.storage.keys",
    "gridclient.storage.migrate",
    "gridclient.storage.store",
    "gridclient.storage.uow",
    "gridclient.sync.credentials",
    "gridclient.sync.engine",
    "gridclient.sync.errors",
    "gridclient.sync.transport",
]
"""The modules whose user-facing sentences are messages (issue 17)."""

NOT_MESSAGES = {
    "gridclient.storage.uow": {
        # Written into the household's notes and the parked op (stored data, not a
        # sentence shown once), and a domain validation error (not converted yet).
        "申请迁入",
        "已申请乡镇/街道迁入本户",
        "人户分离",
        "实际居住本户",
        "身份证号",
        "（户籍已在其他网格登记",  # the pieces of the note's f-string
        "），",
        "：",
        "，",
        "（",
        "）",
        "（已申请迁移，等待乡镇/街道处理）",
        "调解记录所属的事件不能更改",
    },
    "gridclient.sync.engine": {"未知的记录类型"},  # a held record's stored reason
}

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

for _name in CONVERTED:
    importlib.import_module(_name)


def _entries() -> list[tuple[str, str, str]]:
    return [
        (name, msgid, zh) for name, catalog in CATALOGS.items() for msgid, zh in catalog.items()
    ]


def test_every_converted_module_has_a_catalog() -> None:
    assert set(CONVERTED) <= set(CATALOGS)


@pytest.mark.parametrize(("module", "msgid", "zh"), _entries())
def test_both_languages_render_with_the_same_placeholders(module: str, msgid: str, zh: str) -> None:
    assert placeholders(msgid) == placeholders(zh), module
    params = {name: f"<{name}>" for name in placeholders(msgid)}
    message = CATALOGS[module](msgid, **params)
    for text in (message.zh, message.en):
        assert "{" not in text and "}" not in text, text
        assert all(f"<{name}>" in text for name in params), text
    if msgid != "{text}":
        assert CJK.search(message.zh), f"not Chinese: {message.zh!r}"
        assert not CJK.search(message.en), f"not English: {message.en!r}"


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _module_tree(name: str) -> ast.Module:
    path = ROOT.joinpath(*name.split(".")).with_suffix(".py")
    return ast.parse(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("module", CONVERTED)
def test_every_call_names_a_message_of_its_catalog(module: str) -> None:
    """``_msg("…", name=…)``: the id is in the module's catalog and the keywords are its
    placeholders (a typo would otherwise fail only when the error is raised)."""
    catalog = CATALOGS[module]
    calls = [
        node
        for node in ast.walk(_module_tree(module))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_msg"
    ]
    assert calls, module
    for call in calls:
        msgid = _literal(call.args[0])
        assert msgid is not None, f"{module}:{call.lineno}: the id must be a literal"
        assert msgid in catalog, f"{module}:{call.lineno}: no Chinese for {msgid!r}"
        keywords = {k.arg for k in call.keywords}
        if None not in keywords:  # ``**counts`` is checked by rendering below
            assert keywords == placeholders(msgid), f"{module}:{call.lineno}"


@pytest.mark.parametrize("module", CONVERTED)
def test_no_chinese_sentence_outside_the_catalog(module: str) -> None:
    """String literals with Chinese are catalog values (or listed in NOT_MESSAGES);
    docstrings and comments may quote the domain's terms."""
    tree = _module_tree(module)
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Catalog"
        ):
            allowed |= {id(n) for n in ast.walk(node)}
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and _literal(body[0].value) is not None:
                allowed.add(id(body[0].value))
        if isinstance(node, ast.Expr) and _literal(node.value) is not None:
            allowed.add(id(node.value))  # attribute docstrings
    left = set()
    for node in ast.walk(tree):
        text = _literal(node) if isinstance(node, ast.expr) else None  # f-string parts too
        if text and id(node) not in allowed and CJK.search(text):
            left.add(text)
    left -= NOT_MESSAGES.get(module, set())
    assert not left, left


def test_str_is_chinese_and_render_en_is_english() -> None:
    error = storage_errors.RecordNotFound(EntityKind.HOUSEHOLD, "h-1")
    assert str(error) == "找不到该记录（household h-1），可能已被删除或移出您的范围。"
    assert error.user_message.render("en") == (
        "The record (household h-1) was not found; it may have been deleted or moved out "
        "of your area."
    )


def test_parameters_that_are_messages_or_lists_render_in_the_same_language() -> None:
    error = storage_errors.KeyFileError(Path("/data/a.key"), plain("x"))
    assert "（x）" in str(error)
    from gridclient.storage import keys

    with pytest.raises(storage_errors.KeyFileError) as info:
        keys.unlock(Path("/nonexistent/gridclient.key"), "pw")
    assert "（文件不存在）" in str(info.value)
    assert "(the file does not exist)" in info.value.user_message.en
    stale = storage_errors.StaleRecord(EntityKind.RESIDENT, "r-1", ["phone", "name"])
    assert "（phone、name）" in str(stale)
    assert "(phone, name)" in stale.user_message.en


def test_plain_text_renders_the_same_in_every_language() -> None:
    message = plain("服务器说明")
    assert message.zh == message.en == message.render("fr") == "服务器说明"


def test_sync_errors_keep_chinese_message_and_the_servers_own_words() -> None:
    error = sync_errors.NetworkError()
    assert error.message == str(error) == error.user_message.zh
    assert error.user_message.en.startswith("Cannot reach the server.")
    refused = sync_errors.error_from_response(
        409, ErrorBody(code="scope_changed", message="范围已变更")
    )
    assert str(refused) == "范围已变更"
    assert refused.user_message.en == "范围已变更"  # server reasons are not translated yet


def test_an_unknown_id_fails_where_it_is_made() -> None:
    catalog = Catalog("tests.unit.test_messages", {"Known {x}": "已知 {x}"})
    try:
        assert isinstance(catalog("Known {x}", x=1), Message)
        with pytest.raises(KeyError):
            catalog("Unknown")
    finally:
        del CATALOGS["tests.unit.test_messages"]
