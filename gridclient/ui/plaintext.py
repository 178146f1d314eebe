"""User data is text, never markup: the one helper every widget uses to show stored or
received text (names, addresses, titles, descriptions, conflict values, messages).

Qt guesses: a ``QLabel``, a tool tip or a message box whose text *looks* like HTML
(``Qt::mightBeRichText``: a known tag before the first line break) renders it as rich
text, so ``<h1 style="color:red">…`` shows as a red headline and ``<img src="file:…">``
(or a UNC path on Windows) makes Qt read a local file or reach out to the network. So:

- :class:`TextLabel` (or :func:`plain` on an existing label) fixes a label to
  ``Qt.PlainText``: whatever it is given is shown literally;
- :func:`escape` is for the few places that compose rich text on purpose (a link in the
  status bar, a coloured banner): every piece of data goes through it;
- :func:`tooltip` makes a tool tip that shows its text literally (tool tips have no
  text format of their own: the text is escaped and wrapped in a paragraph).

Item models are plain already (a view paints ``DisplayRole`` as text); line edits and
``QPlainTextEdit`` are plain by nature; ``QTextEdit`` is filled with ``setPlainText``.
``tests/ui/test_markup_injection.py`` plants markup in every text field of every record
kind and grabs every dialog and list.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["TextLabel", "escape", "plain", "tooltip"]


def escape(text: object) -> str:
    """``text`` made safe to put inside rich text (``<``, ``>``, ``&`` and quotes)."""
    return html.escape("" if text is None else str(text), quote=True)


def tooltip(text: object) -> str:
    """A tool tip that shows ``text`` literally, line breaks kept."""
    if text is None or text == "":
        return ""
    return f"<p style='white-space:pre-wrap'>{escape(text)}</p>"


def plain(label: QLabel) -> QLabel:
    """Fix ``label`` to plain text; returns it."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class TextLabel(QLabel):
    """A label that shows its text literally, whatever it holds."""

    def __init__(self, text: str | QWidget | None = "", parent: QWidget | None = None) -> None:
        if isinstance(text, QWidget):  # QLabel(parent), as QLabel allows
            parent = text
            text = None
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        if text:
            self.setText(text)
