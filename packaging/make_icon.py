"""Draw the application icon with Qt: ``resources/icons/gridclient.png`` (256 px) and
``gridclient.ico`` (16–256 px, for the Windows executable and installer).

    QT_QPA_PLATFORM=offscreen python packaging/make_icon.py

The icon is a blue rounded square with a white 3×3 grid and a red location pin: a grid
worker's map. Both files are committed; re-run only to change the design.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("#1f5fa8")))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 44 * s, 44 * s)
    pen = QPen(QColor("#ffffff"))
    pen.setWidthF(max(1.0, 10 * s))
    p.setPen(pen)
    for i in range(4):
        x = (48 + i * 53.3) * s
        p.drawLine(QPointF(x, 48 * s), QPointF(x, 208 * s))
        p.drawLine(QPointF(48 * s, x), QPointF(208 * s, x))
    # The pin, in the centre cell.
    pin = QPainterPath()
    cx, top, r = 128 * s, 70 * s, 34 * s
    pin.addEllipse(QPointF(cx, top + r), r, r)
    tail = QPainterPath()
    tail.moveTo(cx - r * 0.85, top + r * 1.5)
    tail.lineTo(cx, top + r * 3.6)
    tail.lineTo(cx + r * 0.85, top + r * 1.5)
    tail.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("#e53935")))
    p.drawPath(pin.united(tail))
    p.setBrush(QBrush(QColor("#ffffff")))
    p.drawEllipse(QPointF(cx, top + r), r * 0.4, r * 0.4)
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_ico(path: Path, images: list[QImage]) -> None:
    """An ICO file with PNG-compressed entries (valid since Windows Vista); written by
    hand so no image-format plugin is needed."""
    blobs = [png_bytes(image) for image in images]
    header = struct.pack("<HHH", 0, 1, len(blobs))
    offset = 6 + 16 * len(blobs)
    entries = b""
    for image, blob in zip(images, blobs, strict=True):
        side = image.width() % 256  # 256 is written as 0
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    path.write_bytes(header + entries + b"".join(blobs))


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    images = [draw(size) for size in SIZES]
    images[-1].save(str(ICONS / "gridclient.png"))
    write_ico(ICONS / "gridclient.ico", images)
    print(ICONS / "gridclient.png", ICONS / "gridclient.ico")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
