"""职能部门 on the server: the department list, department accounts and what they may
read and write, dispatch targets checked against the list, and an event dispatched to a
department after its laptop's cursor passed the event still reaching that laptop."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from gridcore.domain.departments import DepartmentError
from gridcore.domain.enums import Role
from gridserver import auth, departments
from gridserver.config import Settings
from gridserver.db import Database
from tests.server.conftest import PASSWORD, Api, World, household, new_id, op, resident
from tests.server.test_cli import _run
from tests.server.test_workflow import ROLES, _event

USERS = {"sfs": "T1-SFS", "pcs": "T1-PCS", "west": "T2-SFS", "xfj1": "XFJ"}
for _user in USERS:
    ROLES[_user] = "department"
ROLES["w3"] = "worker"


@pytest.fixture(autouse=True)
def _departments(db: Database, settings: Settings, world: World) -> None:
    departments.add_department(db, "T1-SFS", "东街道司法所", "320101001000")
    departments.add_department(db, "T1-PCS", "东街道派出所", "320101001000")
    departments.add_department(db, "T1-OLD", "东街道旧城管中队", "320101001000", active=False)
    departments.add_department(db, "T2-SFS", "西镇司法所", "320101101000")
    departments.add_department(db, "XFJ", "区消防救援大队", None)
    for name, code in USERS.items():
        township = "320101101000" if code.startswith("T2") else "320101001000"
        user = auth.NewUser(name, Role.DEPARTMENT, township, "", code)
        auth.add_user(db, settings, user, PASSWORD)


def _act(api: Api, user: str, event_id: str, kind: str, **extra: Any) -> dict[str, Any]:
    action = op(
        "event_action",
        new_id(),
        changes={
            "event_id": event_id,
            "kind": kind,
            "actor": user,
            "actor_role": ROLES[user],
            "at": "2026-11-20T10:00:00+08:00",
            **extra,
        },
    )
    [result] = api.push(api.login(user), [action])
    return result


def _accepted(api: Api, world: World, **event: Any) -> str:
    eid = new_id()
    [made] = api.push(api.login("w1"), [op("event", eid, changes={**_event(world), **event})])
    assert made["status"] == "applied", made
    assert _act(api, "w1", eid, "report")["status"] == "applied"
    assert _act(api, "t1", eid, "accept")["status"] == "applied"
    return eid


def _seen(api: Api, user: str, cursor: str = "") -> tuple[dict[str, set[str]], str]:
    page, cursor = api.pull_all(api.login(user), cursor)
    kinds: dict[str, set[str]] = {}
    for change in page["changes"]:
        kinds.setdefault(change["entity"], set()).add(change["id"])
    return kinds, cursor


def test_a_department_sees_its_events_and_its_townships_areas_only(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid, rid = new_id(), new_id()
    api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("resident", rid, changes=resident(hid)),
        ],
    )
    mine = _accepted(api, world, household_id=hid)
    theirs = _accepted(api, world)
    assert _act(api, "t1", mine, "dispatch", assignee="T1-SFS")["status"] == "applied"
    assert _act(api, "t1", theirs, "dispatch", assignee="T1-PCS")["status"] == "applied"
    seen, _ = _seen(api, "sfs")
    assert seen["event"] == {mine}
    assert len(seen["event_action"]) == 3  # report, accept, dispatch
    assert {"household", "resident", "visit", "organization"}.isdisjoint(seen)
    areas = seen["area"]
    assert world.areas["T1"] in areas and world.areas["G1"] in areas
    assert world.areas["T2"] not in areas and world.areas["G3"] not in areas
    other, _ = _seen(api, "pcs")
    assert other["event"] == {theirs}
    west, _ = _seen(api, "west")
    assert "event" not in west and world.areas["G1"] not in west["area"]
    # Page by page (cursors inside a feed position too), the same records.
    page, _ = api.pull_all(api.login("sfs"), limit=1)
    assert {c["id"] for c in page["changes"]} == set().union(*seen.values())
    assert len(page["changes"]) == sum(len(ids) for ids in seen.values())


def test_an_event_dispatched_after_the_cursor_passed_it_still_arrives(
    api: Api, world: World
) -> None:
    eid = _accepted(api, world)
    seen, cursor = _seen(api, "sfs")  # the department's laptop syncs: not its event yet
    assert "event" not in seen
    _act(api, "w1", eid, "comment", comment="群众又来电催办")
    seen, cursor = _seen(api, "sfs", cursor)
    assert "event" not in seen and "event_action" not in seen
    assert _act(api, "t1", eid, "dispatch", assignee="T1-SFS")["status"] == "applied"
    seen, cursor = _seen(api, "sfs", cursor)  # from the old cursor: the whole history
    assert seen["event"] == {eid}
    assert len(seen["event_action"]) == 4  # report, accept, comment, dispatch
    assert _act(api, "sfs", eid, "handle")["status"] == "applied"
    seen, _ = _seen(api, "sfs", cursor)
    assert len(seen["event_action"]) == 1


def test_department_writes_are_limited_to_steps_on_its_events(api: Api, world: World) -> None:
    eid = _accepted(api, world)
    other = _accepted(api, world)
    sfs = api.login("sfs")
    [refused] = api.push(sfs, [op("household", new_id(), changes=household(world.areas["G1"]))])
    assert refused["reason"] == "role" and "职能部门" in refused["message"]
    r = _act(api, "sfs", eid, "handle")  # not dispatched to it (yet): as if absent
    assert (r["reason"], r["field"]) == ("not_found", "event_id")
    _act(api, "t1", eid, "dispatch", assignee="T1-SFS")
    _act(api, "t1", other, "dispatch", assignee="T1-PCS")
    assert _act(api, "sfs", other, "handle")["reason"] == "not_found"
    r = _act(api, "w1", eid, "handle")  # the grid worker does not handle a department's event
    assert (r["reason"], r["field"]) == ("illegal_transition", "assignee")
    [edit] = api.push(sfs, [op("event", eid, "update", {"title": "改标题"}, base_version=1)])
    assert edit["reason"] == "role"
    r = _act(api, "sfs", eid, "redispatch", assignee="T1-PCS")
    assert r["reason"] == "role" and "职能部门不能执行" in r["message"]
    assert _act(api, "sfs", eid, "handle")["status"] == "applied"
    r = _act(api, "sfs", eid, "hand_back")
    assert (r["reason"], r["field"]) == ("illegal_transition", "comment")
    assert _act(api, "sfs", eid, "hand_back", comment="不属于司法所职责")["status"] == "applied"
    r = _act(api, "sfs", eid, "handle")  # handed back: no longer its to handle
    assert r["reason"] == "illegal_transition"
    # 改派 to the police station: it acts; the justice office keeps its record read-only.
    assert _act(api, "t1", eid, "redispatch", assignee="T1-PCS")["status"] == "applied"
    r = _act(api, "sfs", eid, "feedback", comment="已处理")
    assert (r["reason"], r["field"]) == ("illegal_transition", "assignee")
    assert "本部门" in r["message"]
    r = _act(api, "t1", eid, "feedback", comment="代录")  # it has accounts: it acts itself
    assert (r["reason"], r["field"]) == ("illegal_transition", "assignee")
    assert _act(api, "pcs", eid, "feedback", comment="已调解")["status"] == "applied"
    sfs_seen, _ = _seen(api, "sfs")
    pcs_seen, _ = _seen(api, "pcs")
    assert sfs_seen["event"] == {eid} and pcs_seen["event"] == {eid, other}
    # The justice office follows the event to its end (its derived state stays right).
    assert len(sfs_seen["event_action"]) == 7
    assert len(pcs_seen["event_action"] - sfs_seen["event_action"]) == 3  # other's steps
    assert _act(api, "w1", eid, "verify")["status"] == "applied"


def test_dispatch_targets_come_from_the_townships_list(
    api: Api, world: World, db: Database
) -> None:
    eid = _accepted(api, world)
    for assignee, shown in [
        ("T2-SFS", "“T2-SFS”"),  # another township's
        ("司法所", "“司法所”"),  # free text, now that the township has a list
        ("T1-OLD", "已停用"),
    ]:
        r = _act(api, "t1", eid, "dispatch", assignee=assignee)
        assert (r["reason"], r["field"]) == ("invalid_field", "assignee"), assignee
        assert shown in r["message"] and "东街道司法所" in r["message"]
    assert _act(api, "t1", eid, "dispatch", assignee="XFJ")["status"] == "applied"  # county
    r = _act(api, "t1", eid, "handle", comment="代录")  # XFJ has an account: it acts itself
    assert r["reason"] == "illegal_transition" and "自己的账号" in r["message"]
    # No account of its own: township staff record its steps for it.
    departments.add_department(db, "T1-GTS", "东街道国土所", "320101001000")
    assert _act(api, "t1", eid, "redispatch", assignee="T1-GTS")["status"] == "applied"
    assert _act(api, "t1", eid, "handle", comment="国土所电话告知已到场")["status"] == "applied"
    assert _act(api, "t1", eid, "redispatch", assignee="grid")["status"] == "applied"


def test_a_county_wide_departments_account_reads_its_township_only(api: Api, world: World) -> None:
    east = _accepted(api, world)
    assert _act(api, "t1", east, "dispatch", assignee="XFJ")["status"] == "applied"
    west = new_id()
    event = {**_event(world), "grid_id": world.areas["G3"], "reporter": "w3"}
    api.push(api.login("w3"), [op("event", west, changes=event)])
    assert _act(api, "w3", west, "report")["status"] == "applied"
    assert _act(api, "t2", west, "accept")["status"] == "applied"
    assert _act(api, "t2", west, "dispatch", assignee="XFJ")["status"] == "applied"
    seen, _ = _seen(api, "xfj1")  # the county fire brigade's account in 东街道
    assert seen["event"] == {east}
    assert _act(api, "xfj1", west, "handle")["reason"] == "not_found"
    assert _act(api, "xfj1", east, "handle")["status"] == "applied"


def test_the_list_is_served_with_an_etag(api: Api, world: World, db: Database) -> None:
    t1 = api.login("t1")
    response = api.client.get("/api/v1/departments", headers=t1)
    assert response.status_code == 200
    body = response.json()
    assert [d["code"] for d in body["departments"]] == ["XFJ", "T1-OLD", "T1-PCS", "T1-SFS"]
    assert body["mine"] is None
    etag = response.headers["ETag"]
    again = api.client.get("/api/v1/departments", headers={**t1, "If-None-Match": etag})
    assert again.status_code == 304
    mine = api.client.get("/api/v1/departments", headers=api.login("sfs")).json()
    assert mine["mine"] == "T1-SFS"
    staffed = {d["code"] for d in mine["departments"] if d["staffed"]}
    assert staffed == {"T1-SFS", "T1-PCS", "XFJ"}  # the ones with accounts of their own
    west = api.client.get("/api/v1/departments", headers=api.login("t2")).json()
    assert [d["code"] for d in west["departments"]] == ["XFJ", "T2-SFS"]
    departments.add_department(db, "T1-SFS", "东街道司法所（新）", "320101001000")
    changed = api.client.get("/api/v1/departments", headers={**t1, "If-None-Match": etag})
    assert changed.status_code == 200


def test_department_accounts_are_listed_only_to_clients_that_ask(api: Api, world: World) -> None:
    t1 = api.login("t1")
    plain = api.client.get("/api/v1/directory", headers=t1).json()["users"]
    assert "sfs" not in {u["username"] for u in plain}
    asked = api.client.get("/api/v1/directory", params={"departments": "true"}, headers=t1)
    entry = next(u for u in asked.json()["users"] if u["username"] == "sfs")
    assert entry["role"] == "department"


def test_attachments_travel_both_ways(api: Api, world: World) -> None:
    w1 = api.login("w1")
    photo = b"scene photo"
    sha = hashlib.sha256(photo).hexdigest()
    api.client.put(f"/api/v1/attachments/{sha}", content=photo, headers=w1)
    api.push(w1, [op("attachment", sha, changes={"mime": "image/jpeg", "size": len(photo)})])
    eid = _accepted(api, world, attachments=[sha])
    sfs = api.login("sfs")
    assert api.client.get(f"/api/v1/attachments/{sha}", headers=sfs).status_code == 404
    _act(api, "t1", eid, "dispatch", assignee="T1-SFS")
    assert api.client.get(f"/api/v1/attachments/{sha}", headers=sfs).content == photo
    done = b"after photo"
    after = hashlib.sha256(done).hexdigest()
    api.client.put(f"/api/v1/attachments/{after}", content=done, headers=sfs)
    api.push(sfs, [op("attachment", after, changes={"mime": "image/jpeg", "size": len(done)})])
    r = _act(api, "sfs", eid, "feedback", comment="已处理", attachments=[after])
    assert r["status"] == "applied", r
    assert api.client.get(f"/api/v1/attachments/{after}", headers=api.login("t1")).content == done
    seen, _ = _seen(api, "sfs")
    assert seen["attachment"] == {sha, after}


def test_department_accounts_are_checked(db: Database, settings: Settings, world: World) -> None:
    def add(name: str, role: Role, scope: str | None, department: str | None) -> str:
        with pytest.raises(auth.UserError) as info:
            auth.add_user(db, settings, auth.NewUser(name, role, scope, "", department), PASSWORD)
        return str(info.value)

    assert "--department" in add("d1", Role.DEPARTMENT, "320101001000", None)
    assert "不存在" in add("d2", Role.DEPARTMENT, "320101001000", "NOPE")
    assert "不属于" in add("d3", Role.DEPARTMENT, "320101001000", "T2-SFS")
    assert "乡镇/街道" in add("d4", Role.DEPARTMENT, "320101001001001", "T1-SFS")
    assert "只有职能部门" in add("w9", Role.WORKER, "320101001001001", "T1-SFS")
    with pytest.raises(DepartmentError, match="不是乡镇/街道"):
        departments.add_department(db, "X1", "某所", "320101001001")
    with pytest.raises(DepartmentError, match="部门编码"):
        departments.add_department(db, "司法所", "司法所", None)


def test_load_departments_is_all_or_nothing(db: Database, world: World) -> None:
    good = {"code": "T1-CG", "name": "东街道城管中队", "township": "320101001000"}
    bad = {"code": "T1-X", "name": "", "township": "320101001000"}
    with pytest.raises(DepartmentError, match="第 2 项"):
        departments.load_departments(db, {"departments": [good, bad]})
    with db.engine.connect() as conn:
        assert "T1-CG" not in {d.code for d in departments.all_departments(conn)}
    loaded = departments.load_departments(db, {"departments": [good]})
    assert [d.name for d in loaded] == ["东街道城管中队"]


def test_the_it_guides_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The department commands as docs/it-guide.md writes them."""
    url = f"sqlite:///{tmp_path / 'cli' / 'server.sqlite3'}"

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        return _run(monkeypatch, capsys, url, *argv, stdin=stdin)

    code, _, err = run("init")
    assert code == 0, err
    assert run("add-area", "320101001000", "东街道", "--level", "township")[0] == 0
    code, out, _ = run("add-department", "T1-SFS", "东街道司法所", "--township", "320101001000")
    assert code == 0 and "T1-SFS 东街道司法所" in out
    assert run("add-department", "XFJ", "区消防救援大队")[0] == 0
    code, out, _ = run(
        "add-department", "T1-CG", "东街道城管中队", "--township", "320101001000", "--inactive"
    )
    assert code == 0 and "停用" in out
    listing = tmp_path / "departments.json"
    listing.write_text(
        '{"departments": [{"code": "T1-PCS", "name": "东街道派出所", "township": "320101001000"},'
        ' {"code": "XFJ", "name": "区消防救援大队", "township": null, "active": true}]}',
        encoding="utf-8",
    )
    code, out, _ = run("load-departments", str(listing))
    assert code == 0 and "2 个部门" in out
    code, _, err = run("add-department", "司法所", "司法所")
    assert code == 2 and "部门编码" in err and "Traceback" not in err
    code, out, _ = run(
        "add-user", "qiansf", "--role", "department", "--department", "T1-SFS",
        "--scope", "320101001000", "--display-name", "钱司法", stdin="correct horse 1\n",
    )  # fmt: skip
    assert code == 0, out
    code, _, err = run(
        "add-user", "nodept", "--role", "department", "--area", "320101001000",
        stdin="correct horse 1\n",
    )  # fmt: skip
    assert code == 2 and "--department" in err
    code, out, _ = run("departments")
    lines = out.splitlines()
    assert any(
        line.startswith("T1-SFS\t东街道司法所\t320101001000 东街道\t启用\t账号：qiansf")
        for line in lines
    )
    assert any(line.startswith("T1-CG") and "停用" in line for line in lines)
    assert any(line.startswith("XFJ") and "所有乡镇/街道" in line for line in lines)
