from __future__ import annotations

import threading
from typing import Any

import pytest

from gridclient.storage.writer import Writer
from gridclient.ui.tasks import Cancelled, TaskContext, TaskRunner


def test_result_arrives_on_the_ui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    ui_thread = threading.get_ident()
    seen: dict[str, object] = {}

    def work(ctx: TaskContext) -> int:
        seen["worker"] = threading.get_ident()
        ctx.progress(1, 2, "half")
        return 42

    def done(result: object) -> None:
        seen["result"] = result
        seen["callback"] = threading.get_ident()

    handle = runner.submit(work, on_done=done)
    qtbot.waitUntil(lambda: handle.done)
    assert seen["result"] == 42
    assert seen["callback"] == ui_thread != seen["worker"]
    runner.shutdown()


def test_errors_are_delivered_not_lost(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    errors: list[BaseException] = []

    def boom(ctx: TaskContext) -> None:
        raise ValueError("坏数据")

    handle = runner.submit(boom, on_error=errors.append)
    qtbot.waitUntil(lambda: handle.done)
    assert isinstance(errors[0], ValueError)
    runner.shutdown()


def test_cooperative_cancel(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    started = threading.Event()
    errors: list[BaseException] = []

    def long_work(ctx: TaskContext) -> None:
        started.set()
        while True:
            ctx.check()
            threading.Event().wait(0.01)

    handle = runner.submit(long_work, on_error=errors.append)
    assert started.wait(5)
    handle.cancel()
    qtbot.waitUntil(lambda: handle.done)
    assert isinstance(errors[0], Cancelled)
    runner.shutdown()


def test_synchronous_runner_for_tests() -> None:
    runner = TaskRunner(synchronous=True)
    progress: list[tuple[int, int, str]] = []
    results: list[object] = []

    def work(ctx: TaskContext) -> str:
        ctx.progress(3, 3, "done")
        return "ok"

    runner.submit(work, on_done=results.append, on_progress=lambda *a: progress.append(a))
    assert results == ["ok"] and progress == [(3, 3, "done")]
    assert not runner.busy()


def test_the_write_lane_is_the_stores_one_writer(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Write jobs run one at a time, in order, on the writer's thread."""
    runner = TaskRunner()
    writer = Writer()
    runner.bind_writer(writer)
    active = 0
    peak = 0
    order: list[int] = []
    threads: set[str] = set()
    lock = threading.Lock()

    def write(n: int) -> Any:
        def job(ctx: TaskContext) -> None:
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            threads.add(threading.current_thread().name)
            threading.Event().wait(0.02)
            order.append(n)
            with lock:
                active -= 1

        return job

    handles = [runner.submit(write(n), lane="write") for n in range(5)]
    qtbot.waitUntil(lambda: all(h.done for h in handles))
    assert peak == 1 and order == [0, 1, 2, 3, 4]
    assert len(threads) == 1 and next(iter(threads)).startswith("gridclient-writer")
    runner.shutdown()
    writer.close()


def test_the_write_lane_needs_a_writer() -> None:
    with pytest.raises(RuntimeError):
        TaskRunner().submit(lambda ctx: None, lane="write")


@pytest.mark.parametrize("lane", ["read", "cpu", "net"])
def test_pooled_lanes_run(qtbot, lane) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    results: list[object] = []
    handle = runner.submit(lambda ctx: lane, on_done=results.append, lane=lane)
    qtbot.waitUntil(lambda: handle.done)
    assert results == [lane]
    runner.shutdown()


def test_a_result_for_a_destroyed_widget_is_dropped_not_raised(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A window closed while its reads were in flight: the results find its widgets gone
    and are dropped (a bound method of a destroyed widget is not called; a closure that
    touches one stops there), and an unrelated error still surfaces."""
    from PySide6.QtWidgets import QLabel

    runner = TaskRunner()
    label = QLabel()
    gate = threading.Event()

    def slow(ctx: TaskContext) -> str:
        gate.wait(5)
        return "迟到的结果"

    bound = runner.submit(slow, on_done=label.setText)
    closure = runner.submit(slow, on_done=lambda text: label.setText(text))
    label.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(label))
    gate.set()
    qtbot.waitUntil(lambda: bound.done and closure.done)  # no exception in the event loop

    def bug(_result: object) -> None:
        raise RuntimeError("a real bug")

    with qtbot.captureExceptions() as caught:
        handle = runner.submit(lambda ctx: 1, on_done=bug)
        qtbot.waitUntil(lambda: handle.done)
    assert [str(exc[1]) for exc in caught] == ["a real bug"]
    runner.shutdown()
