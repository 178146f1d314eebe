"""A small in-process sampling profiler for the benches (py-spy is not installed here,
and ``cProfile`` sees only the thread that enables it, while a pull writes on the
store's writer thread and fetches on a helper thread).

Every ``interval`` seconds a daemon thread takes every other thread's Python stack
(``sys._current_frames``). A sample whose innermost frame is a thread waiting for work
(a queue, a lock, a future) counts as idle. :meth:`Sampler.report` gives, per thread,
the busy samples and the share of them each function is on the stack (inclusive) and
innermost (self). The sampler holds the GIL briefly each time: run it in a profile run
of its own, not in the run whose figures are recorded.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from types import FrameType

#: Innermost functions that mean "waiting for work", not working.
_IDLE = frozenset(
    {
        ("threading.py", "wait"),
        ("threading.py", "_wait_for_tstate_lock"),
        ("queue.py", "get"),
        ("thread.py", "_worker"),
        ("_base.py", "result"),
        ("_base.py", "exception"),
        ("selectors.py", "select"),
    }
)


def _stack(frame: FrameType | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    while frame is not None:
        code = frame.f_code
        out.append((Path(code.co_filename).name, code.co_name))
        frame = frame.f_back
    return out


class Sampler:
    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.samples: dict[str, list[tuple[tuple[str, str], ...]]] = defaultdict(list)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self.seconds = 0.0

    def start(self) -> None:
        self._started = time.perf_counter()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.seconds = time.perf_counter() - self._started

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(self.interval):
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident != me:
                    self.samples[names.get(ident, str(ident))].append(tuple(_stack(frame)))

    def report(self, top: int = 35) -> str:
        lines = [f"sampled for {self.seconds:.1f} s every {self.interval * 1000:.0f} ms"]
        for name, stacks in sorted(self.samples.items()):
            busy = [s for s in stacks if s and s[0] not in _IDLE]
            lines.append(f"\n== thread {name}: {len(stacks)} samples, {len(busy)} busy")
            if not busy:
                continue
            inclusive: Counter[tuple[str, str]] = Counter()
            innermost: Counter[tuple[str, str]] = Counter()
            for stack in busy:
                inclusive.update(set(stack))
                innermost[stack[0]] += 1
            lines.append("-- inclusive (share of busy samples)")
            for (file, func), count in inclusive.most_common(top):
                lines.append(f"{100 * count / len(busy):5.1f} %  {file}:{func}")
            lines.append("-- self (innermost Python frame; C work counts to its caller)")
            for (file, func), count in innermost.most_common(top):
                lines.append(f"{100 * count / len(busy):5.1f} %  {file}:{func}")
        return "\n".join(lines) + "\n"
