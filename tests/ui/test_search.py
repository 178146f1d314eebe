"""Search over households and residents, and the list filters."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypinyin import Style, lazy_pinyin, pinyin
from pytestqt.qtbot import QtBot

from gridclient.storage.queries import EventStateFilter, natural_key
from gridclient.storage.search import PinyinKeys, SearchIndex
from gridclient.ui.context import AppContext
from gridclient.ui.main_window import MainWindow
from gridclient.ui.search import SearchController
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.agegroups import effective_tags, today_cst
from gridcore.domain.entities import Household, Resident
from gridcore.domain.enums import SpecialGroup
from gridcore.domain.workflow import event_status
from tests.demo_store import DemoStore


@pytest.fixture
def demo(demo_store: DemoStore) -> DemoStore:
    return demo_store


@pytest.fixture
def window(qtbot: QtBot, demo: DemoStore) -> MainWindow:
    win = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.search_controller.is_ready, timeout=5000)  # after the start
    return win


@pytest.fixture
def people(demo: DemoStore) -> tuple[list[Resident], dict[str, Household]]:
    with demo.store.read() as repos:
        households = {h.id: h for h in repos.records.households_of_grid(demo.info.grid_ids[0])}
        residents = [r for h in households for r in repos.records.residents_of_household(h)]
    return residents, households


def _search(qtbot: QtBot, window: MainWindow, text: str) -> tuple[set[str], set[str]]:
    """Type like a person (debounced), wait for the lists to narrow."""
    window.search_box.clear()
    window.search_box.flush()
    answers: list[object] = []
    window.search_controller.results.connect(answers.append)  # after the window's slot
    window.search_box.setText(text)
    qtbot.waitUntil(lambda: bool(answers), timeout=2000)
    window.search_controller.results.disconnect(answers.append)
    return set(window.model.ids()), set(window.resident_model.ids())


def test_search_by_name_finds_the_resident_and_household(
    qtbot: QtBot, window: MainWindow, people: tuple[list[Resident], dict[str, Household]]
) -> None:
    residents, _ = people
    person = residents[10]
    households, found = _search(qtbot, window, person.name)
    assert person.id in found
    assert person.household_id in households
    assert all(person.name in r.name for r in residents if r.id in found)
    assert window.tabs.currentWidget() is window.household_pane


def test_search_by_last_digits_of_the_id_number(
    qtbot: QtBot, window: MainWindow, people: tuple[list[Resident], dict[str, Household]]
) -> None:
    residents, _ = people
    person = next(r for r in residents if len(r.id_number) == 18)
    for digits in (4, 6):
        tail = person.id_number[-digits:]
        _, found = _search(qtbot, window, tail)
        assert person.id in found
        expected = {r.id for r in residents if r.id_number.upper().endswith(tail.upper())}
        expected |= {r.id for r in residents if tail.isdigit() and tail in r.phone}
        assert found == expected
    _, found = _search(qtbot, window, person.id_number)
    assert found == {person.id}


def test_search_by_phone(
    qtbot: QtBot, window: MainWindow, people: tuple[list[Resident], dict[str, Household]]
) -> None:
    residents, _ = people
    person = next(r for r in residents if len(r.phone) == 11)
    _, found = _search(qtbot, window, person.phone)
    assert person.id in found
    _, found = _search(qtbot, window, person.phone[-4:])
    assert person.id in found


def test_search_by_address(
    qtbot: QtBot, window: MainWindow, people: tuple[list[Resident], dict[str, Household]]
) -> None:
    residents, households = people
    household = next(iter(households.values()))
    found_households, found = _search(qtbot, window, household.address)
    assert household.id in found_households
    expected = {r.id for r in residents if household.address in households[r.household_id].address}
    assert found == expected
    assert {h for h in found_households} == {
        h.id for h in households.values() if household.address in h.address
    }


def test_search_by_pinyin_initials_and_full_pinyin_prefix(
    qtbot: QtBot, window: MainWindow, people: tuple[list[Resident], dict[str, Household]]
) -> None:
    residents, _ = people
    person = next(r for r in residents if len(r.name) == 2)
    syllables = lazy_pinyin(person.name)
    initials = "".join(s[0] for s in syllables)  # e.g. 张蕾 → zl
    _, found = _search(qtbot, window, initials)
    assert person.id in found
    for other in (r for r in residents if r.id in found):  # a surname may have readings
        readings = pinyin(other.name[0], heteronym=True, style=Style.NORMAL)[0]
        assert any(reading.startswith(initials[0]) for reading in readings)
    prefix = syllables[0] + syllables[1][0]  # e.g. zhangl
    _, found = _search(qtbot, window, prefix)
    assert person.id in found
    _, found = _search(qtbot, window, initials.upper())  # case and full-width do not matter
    assert person.id in found


def test_clearing_the_search_shows_everything_again(
    qtbot: QtBot, window: MainWindow, people: tuple[list[Resident], dict[str, Household]]
) -> None:
    residents, households = people
    _search(qtbot, window, residents[0].name)
    assert window.resident_model.rowCount() < len(residents)
    window.search_box.clear()
    window.search_box.flush()
    assert window.resident_model.rowCount() == len(residents)
    assert window.model.rowCount() == len(households)


def test_search_follows_edits_through_the_change_bus(
    qtbot: QtBot, window: MainWindow, people: tuple[list[Resident], dict[str, Household]]
) -> None:
    residents, _ = people
    person = residents[5]
    renamed = dataclasses.replace(person, name="欧阳娜娜")
    window.ctx.write(lambda uow: uow.update(renamed, base=person))
    _, found = _search(qtbot, window, "oyn")
    assert person.id in found
    _, found = _search(qtbot, window, person.name)
    assert person.id not in found


def test_special_group_filter(
    window: MainWindow, people: tuple[list[Resident], dict[str, Household]]
) -> None:
    residents, _ = people
    window.tabs.setCurrentWidget(window.resident_pane)
    for group in (SpecialGroup.DISABLED, SpecialGroup.ELDERLY_80):
        window.group.setCurrentIndex(window.group.findData(group.value))
        today = today_cst()  # 老年人 60+/80+ are derived from the birth date
        expected = {r.id for r in residents if group in effective_tags(r, today)}
        assert expected
        assert set(window.resident_model.ids()) == expected


def test_visit_recency_filter(
    window: MainWindow, demo: DemoStore, people: tuple[list[Resident], dict[str, Household]]
) -> None:
    _, households = people
    now = datetime.now(UTC)
    with demo.store.read() as repos:
        visits = repos.records.visits_of_grid(demo.info.grid_ids[0])
    for days in (30, 90):
        window.recency.setCurrentIndex(window.recency.findData(days))
        recent = {v.household_id for v in visits if v.visited_at >= now - timedelta(days=days)}
        assert set(window.model.ids()) == set(households) - recent


def test_household_program_filter(
    window: MainWindow, people: tuple[list[Resident], dict[str, Household]]
) -> None:
    """低保户 / 防返贫监测户 …: the households list narrows to one program, and back."""
    from gridcore.domain.programs import household_programs, program_tags

    _, households = people
    shown = 0
    for code, _label in household_programs():
        tags = set(program_tags(code)[1])
        expected = {i for i, h in households.items() if tags & h.tags}
        window.program.setCurrentIndex(window.program.findData(code))
        assert set(window.model.ids()) == expected, code
        shown += bool(expected)
    assert shown >= 3  # the demo grid has households in several programs
    window.program.setCurrentIndex(0)
    assert set(window.model.ids()) == set(households)


def test_event_state_and_overdue_filters(window: MainWindow, demo: DemoStore) -> None:
    now = datetime.now(UTC)
    with demo.store.read() as repos:
        catalog = repos.catalog.load()
        histories = repos.records.events_of_grid(demo.info.grid_ids[0])
    statuses = {h.event.id: event_status(h.event, h.actions, catalog, now) for h in histories}
    expected = {
        EventStateFilter.ALL: set(statuses),
        EventStateFilter.OPEN: {i for i, s in statuses.items() if s.is_open},
        EventStateFilter.OVERDUE: {i for i, s in statuses.items() if s.is_open and s.overdue},
        EventStateFilter.FINISHED: {i for i, s in statuses.items() if not s.is_open},
    }
    window.tabs.setCurrentWidget(window.event_pane)
    for state, ids in expected.items():
        window.event_state.setCurrentIndex(window.event_state.findData(state.value))
        assert set(window.event_model.ids()) == ids, state
    assert expected[EventStateFilter.OVERDUE]


def test_index_refresh_drops_a_deleted_household(demo: DemoStore) -> None:
    index = SearchIndex.build(demo.store.engine)
    with demo.store.read() as repos:
        household = repos.records.households_of_grid(demo.info.grid_ids[0])[0]
    assert household.id in index.search(household.address).household_ids
    with demo.store.unit_of_work(actor="worker01") as uow:
        uow.delete(household.KIND, household.id)
    index.refresh(demo.store.engine, [household.id])
    assert household.id not in index.search(household.address).household_ids


def test_pinyin_keys_give_every_reading_of_the_surname() -> None:
    keys = PinyinKeys()("曾乐")
    assert "\x1fzl\x1f" in keys and "\x1fcl\x1f" in keys
    assert "zengle" in keys
    assert PinyinKeys()("张三").startswith("\x1fzs\x1fzhangsan")


def test_pinyin_readings_are_pypinyins_for_every_common_character() -> None:
    """The index reads pypinyin's single-character table itself (no phrase dictionary
    in memory); the readings must be exactly what pypinyin gives."""
    keys = PinyinKeys()
    for code in range(0x4E00, 0xA000):
        char = chr(code)
        found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
        expected = tuple(dict.fromkeys(r.lower() for r in (found[0] if found else []) if r))
        expected = tuple(r for r in expected if r.isascii())
        assert keys._readings(char) == expected, char
    assert keys._readings("绿") == ("lv", "lu")  # ü is written v, as Style.NORMAL does


def test_the_window_does_not_import_what_its_first_screen_does_not_need() -> None:
    """pypinyin (0.4 s, 57 MB), Alembic (0.35 s) and the sync stack (pydantic, requests,
    keyring: 0.3 s) load on first use, not with the window."""
    script = (
        "import sys\n"
        "import gridclient.ui.main_window, gridclient.storage.store\n"
        "from gridclient.storage.search import PinyinKeys\n"
        "assert PinyinKeys()('张三').startswith('\\x1fzs\\x1fzhangsan')\n"
        "heavy = {'pypinyin', 'alembic', 'pydantic', 'requests', 'keyring', 'openpyxl'}\n"
        "found = {m.split('.')[0] for m in sys.modules} & heavy\n"
        "found |= {m for m in sys.modules if m.startswith('gridclient.sync.')}\n"
        "print(sorted(found))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.stdout.strip() == "[]"


def test_natural_order_sorts_numbers_by_value() -> None:
    texts = ["1组10号", "1组2号", "1组02号", "10组1号", "2组1号", "1组2号之一", "村委会", "１组3号"]
    assert sorted(texts, key=natural_key) == [
        "1组2号",  # equal to 1组02号 by value; the sort is stable
        "1组02号",
        "1组2号之一",
        "１组3号",  # full-width digits count by value too
        "1组10号",
        "2组1号",
        "10组1号",
        "村委会",
    ]


def test_a_change_saved_while_the_index_builds_is_not_lost(
    demo: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = TaskRunner(synchronous=True)
    ctx = AppContext(demo.store, runner, demo.info)
    controller = SearchController(ctx)
    with demo.store.read() as repos:
        household = repos.records.households_of_grid(demo.info.grid_ids[0])[0]
    before = SearchIndex.build(demo.store.engine)  # what the build read before the change
    monkeypatch.setattr(SearchIndex, "build", classmethod(lambda _cls, _engine: before))
    held: list[tuple[Any, dict[str, Any]]] = []
    real_submit = runner.submit

    def submit(fn: Any, **kw: Any) -> Any:
        if kw.get("lane") == "cpu" and not held:
            held.append((fn, kw))  # the build is still running
            return None
        return real_submit(fn, **kw)

    monkeypatch.setattr(runner, "submit", submit)
    controller.build()
    assert not controller.is_ready
    ctx.write(lambda uow: uow.delete(household.KIND, household.id))
    fn, kw = held[0]
    real_submit(fn, **kw)  # the build finishes, then catches up with the change
    assert controller.is_ready
    index = controller._index
    assert index is not None
    assert household.id not in index.search(household.address).household_ids


def test_the_first_keystroke_starts_the_resident_list(qtbot: QtBot, window: MainWindow) -> None:
    """The resident tab was never shown; a search narrows it too, so typing starts
    building it while the search box waits for the typing to pause."""
    assert window.resident_pane.stale
    window.search_box.setText(" ")
    assert window.resident_pane.stale  # blanks are no search
    window.search_box.setText("张")
    assert not window.resident_pane.stale and window.resident_model.rowCount() > 1000


def test_patching_the_index_gives_what_a_full_build_gives(demo: DemoStore) -> None:
    """Move a resident to another household, rename one, delete a household: the
    patched index answers like one built from scratch."""
    engine = demo.store.engine
    index = SearchIndex.build(engine)
    with demo.store.read() as repos:
        homes = repos.records.households_of_grid(demo.info.grid_ids[0])[:3]
        movers = repos.records.residents_of_household(homes[0].id)
        renamed = repos.records.residents_of_household(homes[1].id)[0]
    mover = movers[-1]
    with demo.store.unit_of_work(actor="worker01") as uow:
        uow.update(dataclasses.replace(mover, household_id=homes[2].id), base=mover)
        uow.update(dataclasses.replace(renamed, name="欧阳娜娜"), base=renamed)
        uow.delete(homes[1].KIND, homes[1].id)
    index.refresh(engine, [mover.id, renamed.id, homes[1].id])
    fresh = SearchIndex.build(engine)
    assert len(index) == len(fresh)
    for query in (mover.name, "欧阳", "oyn", homes[0].address, homes[1].address, "1", "138"):
        assert index.search(query) == fresh.search(query), query
    assert homes[2].id in index.search(mover.name).household_ids


def test_pinyin_table_is_found_in_a_pyinstaller_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing imports pypinyin, so a bundle may hold only its collected data file."""
    import importlib.util

    from gridclient.storage import search as queries

    spec = importlib.util.find_spec("pypinyin")
    assert spec is not None and spec.submodule_search_locations
    source = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    (tmp_path / "pypinyin").mkdir()
    (tmp_path / "pypinyin" / "pinyin_dict.json").write_bytes(source.read_bytes())
    monkeypatch.setattr(importlib.util, "find_spec", lambda _name: None)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert PinyinKeys()("张三").startswith("\x1fzs\x1fzhangsan")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "elsewhere"))
    with pytest.raises(ModuleNotFoundError):
        queries._char_readings()
