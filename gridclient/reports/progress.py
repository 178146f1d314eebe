"""Progress and cancel for the long steps of a report (Qt-free).

Building a report (:func:`gridclient.reports.data.build_report`), laying it out
(:func:`gridclient.reports.render.paginate`) and painting it
(:func:`gridclient.reports.render.paint`) each take an optional :data:`Step`: a callable
``step(done, total)`` called between chunks of rows and between pages. ``total`` is 0
while the amount of work is not known yet (rows still being read). The callable may
raise :class:`gridclient.cancel.Cancelled` to stop the work there; the UI's step checks
its task's cancel flag and reports progress, the command line passes none.
"""

from __future__ import annotations

from gridclient.storage.chunks import ROWS_PER_TICK, Tick, ticking

__all__ = ["ROWS_PER_TICK", "Step", "ticking"]

Step = Tick
"""``step(done, total)``; may raise :class:`~gridclient.cancel.Cancelled`."""
