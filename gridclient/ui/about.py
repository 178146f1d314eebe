"""帮助 → 关于: the version, where the data lives, which server; in the demo, the demo
server's address and how to start a second client against it. Also the demo banner
shown above the window's pages (the lock screen included)."""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from gridclient import __version__


@dataclass(frozen=True, slots=True)
class AboutInfo:
    data_dir: Path
    server_url: str
    demo: bool = False
    version: str = __version__

    def second_client_command(self) -> str:
        """How to open a second client on this machine against the demo server (another
        data directory, so the two stores do not meet)."""
        exe = "gridclient" if not getattr(sys, "frozen", False) else Path(sys.executable).name
        other = self.data_dir.parent / f"{self.data_dir.name}-2"
        return f"{exe} --server {self.server_url} --data-dir {shlex.quote(str(other))}"


class DemoBanner(QLabel):
    """A coloured strip across the window saying it is the demo."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoBanner")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(
            "#demoBanner { background: #fff3cd; color: #7a4b00; font-weight: bold;"
            " padding: 6px; border-bottom: 2px solid #e0a800; }"
        )
        self.set_info(None)

    def set_info(self, info: AboutInfo | None) -> None:
        text = self.tr(
            "DEMO MODE: synthetic sample data on a demo server on this computer. "
            "Do not enter real residents."
        )
        if info is not None and info.server_url:
            text += " " + self.tr("Demo server: {url}").format(url=info.server_url)
        self.setText(text)


class AboutDialog(QDialog):
    def __init__(self, info: AboutInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About GridClient"))
        rows = [
            self.tr("GridClient {version}").format(version=info.version),
            self.tr("Data directory: {path}").format(path=info.data_dir),
            self.tr("Server: {url}").format(url=info.server_url or self.tr("(none)")),
        ]
        if info.demo:
            rows += [
                "",
                self.tr("DEMO MODE: synthetic data; do not enter real residents."),
                self.tr("A second client on this computer:"),
                info.second_client_command(),
                self.tr("Demo accounts: worker01, township01, admin (password in the README)."),
            ]
        self.text = QLabel("\n".join(rows))
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
