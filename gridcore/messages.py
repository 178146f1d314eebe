"""User-facing text from below the UI, as message ids the UI renders in its language.

The storage and sync layers (and the CLI, the logs, the server) have no Qt, so they
cannot call ``QCoreApplication.translate``; before this module they wrote Chinese
sentences, and ``gridclient --lang en`` showed English windows with Chinese errors. Now
the code that raises builds a :class:`Message`:

* ``msgid`` is the English source text with ``{name}`` placeholders (the same habit as
  the UI's ``self.tr("… {name} …")``), ``params`` the values to put in;
* the Simplified Chinese text sits beside the code that raises, in a :class:`Catalog`
  (a plain ``{english: chinese}`` dict per module, so ``grep`` finds both wordings);
* ``str(message)`` (and :attr:`Message.zh`) is Chinese, the product's default language:
  the command line, the logs and every existing ``str(exc)`` stay as they were;
* :meth:`Message.render` gives the English text for ``--lang en``. The UI renders an
  error's :attr:`user_message` in its language (``gridclient.ui.i18n.ui_text``).

Why a Python catalog and not Qt's ``.ts`` for these: the Chinese must exist without Qt
(command line, logs, headless runs), and one Chinese source for both the CLI and the
window cannot drift. Qt's catalogue stays the home of the UI's own strings.

A parameter that is itself a :class:`Message` is rendered in the same language (a key
file's "what is wrong", a disk-full "while doing what"); a list or tuple is joined with
the language's separator. :func:`plain` wraps text that has no translation (a server's
own sentence, an OS error string) so that callers always hold a :class:`Message`.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

__all__ = ["CATALOGS", "Catalog", "Message", "placeholders", "plain"]

ZH: Final = "zh_CN"
EN: Final = "en"

_SEPARATORS: Final = {ZH: "、", EN: ", "}


def placeholders(template: str) -> set[str]:
    """The ``{name}`` fields of ``template`` (``{{`` and ``}}`` are literal braces)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@dataclass(frozen=True)
class Message:
    """A sentence for the person at the keyboard, renderable in either language."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    catalog: Catalog | None = field(default=None, compare=False, repr=False)

    def render(self, lang: str = ZH) -> str:
        """The text in ``lang`` (``"zh_CN"`` or ``"en"``; anything else is English, the
        source language, as Qt does for a language without a catalogue)."""
        template = self.msgid
        if lang == ZH and self.catalog is not None:
            template = self.catalog.chinese(self.msgid)
        separator = _SEPARATORS.get(lang, _SEPARATORS[EN])
        values = {
            name: _render_value(value, lang, separator) for name, value in self.params.items()
        }
        return template.format_map(values)

    @property
    def zh(self) -> str:
        return self.render(ZH)

    @property
    def en(self) -> str:
        return self.render(EN)

    def __str__(self) -> str:
        return self.zh


def _render_value(value: object, lang: str, separator: str) -> str:
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, list | tuple):
        return separator.join(_render_value(item, lang, separator) for item in value)
    return str(value)


class Catalog(Mapping[str, str]):
    """The Chinese of one module's messages: ``{english msgid: chinese}``.

    Calling it builds a :class:`Message` and refuses an id it does not know, so a typo
    fails where it is made, not as an untranslated sentence on a worker's screen. Every
    catalog is listed in :data:`CATALOGS` for the test that compares placeholders.
    """

    def __init__(self, name: str, entries: Mapping[str, str]) -> None:
        self.name = name
        self._entries = dict(entries)
        CATALOGS[name] = self

    def __call__(self, msgid: str, /, **params: object) -> Message:
        if msgid not in self._entries:
            raise KeyError(f"{self.name}: no Chinese for message {msgid!r}")
        return Message(msgid, MappingProxyType(params), self)

    def chinese(self, msgid: str) -> str:
        return self._entries.get(msgid, msgid)

    def __getitem__(self, msgid: str) -> str:
        return self._entries[msgid]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Catalog({self.name!r}, {len(self)} messages)"


CATALOGS: dict[str, Catalog] = {}
"""Every catalog by module name, filled as the modules that raise are imported."""

_core = Catalog(__name__, {"{text}": "{text}"})


def plain(text: str) -> Message:
    """Text that has no translation (a server's sentence, an OS error), as a message
    that renders the same in every language."""
    return _core("{text}", text=text)
