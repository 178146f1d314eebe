"""Bringing outside data in: the roster import (``roster``: reading a township's Excel
roster, checking every row, writing the accepted ones in one unit of work and the rejected
ones to an error workbook). Below the UI, above sync and storage; no Qt."""
