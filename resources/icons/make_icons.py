"""Draw the toolbar icons as PNG files (24 px and @2x): ``python resources/icons/make_icons.py``.

The app loads the PNGs (``ui/actions.py``). Why not the style's standard icons: asking the style
for them makes PySide6 build ``QStyle`` and its enums before the first paint, and Fusion's
black arrows vanish on the dark theme. Why not draw them at run time: painting with pens and
brushes makes PySide6 build its whole ``Qt`` namespace (~35 ms). The mid-tone colours read on
light and dark toolbars alike.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

HERE = Path(__file__).resolve().parent
SIZE = 24  # Fusion's toolbar icon size, in device-independent pixels
INK = QColor("#6a7f98")
FOLDER = QColor("#e0a53a")
FOLDER_EDGE = QColor("#b97f1c")
WARNING = QColor("#e5a50a")
WARNING_EDGE = QColor("#c48c08")
BADGE = QColor("#2f9e5a")
MARK = QColor("#2b2b2b")
WHITE = QColor("#ffffff")


def _pen(colour: QColor, width: float) -> QPen:
    return QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin)  # fmt: skip


def _arrow(painter: QPainter, *, left: bool) -> None:
    path = QPainterPath()
    points = ((4, 10), (12, 10), (12, 5.5), (20, 12), (12, 18.5), (12, 14), (4, 14))
    for number, (x, y) in enumerate(points):
        x = SIZE - x if left else x
        path.lineTo(x, y) if number else path.moveTo(x, y)
    path.closeSubpath()
    painter.setPen(_pen(INK, 1.6))
    painter.setBrush(INK)
    painter.drawPath(path)


def back(painter: QPainter) -> None:
    _arrow(painter, left=True)


def forward(painter: QPainter) -> None:
    _arrow(painter, left=False)


def add_folder(painter: QPainter) -> None:
    painter.setPen(_pen(FOLDER_EDGE, 1.2))
    painter.setBrush(FOLDER_EDGE)
    painter.drawRoundedRect(QRectF(2.5, 5, 8, 4), 1.2, 1.2)  # the tab
    painter.setBrush(FOLDER)
    painter.drawRoundedRect(QRectF(2.5, 7, 17, 12.5), 1.8, 1.8)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BADGE)
    painter.drawEllipse(QPointF(17.5, 17), 5.2, 5.2)
    painter.setPen(_pen(WHITE, 1.9))
    painter.drawLine(QPointF(17.5, 14.4), QPointF(17.5, 19.6))
    painter.drawLine(QPointF(14.9, 17), QPointF(20.1, 17))


def problems(painter: QPainter) -> None:
    triangle = QPainterPath()
    triangle.moveTo(12, 3)
    triangle.lineTo(21.5, 20)
    triangle.lineTo(2.5, 20)
    triangle.closeSubpath()
    painter.setPen(_pen(WARNING_EDGE, 1.6))
    painter.setBrush(WARNING)
    painter.drawPath(triangle)
    painter.setPen(_pen(MARK, 2.2))
    painter.drawLine(QPointF(12, 8.5), QPointF(12, 14))
    painter.drawPoint(QPointF(12, 17.2))


ICONS: dict[str, Callable[[QPainter], None]] = {
    "back": back,
    "forward": forward,
    "add-folder": add_folder,
    "problems": problems,
}


def render(draw: Callable[[QPainter], None], scale: int) -> QImage:
    image = QImage(SIZE * scale, SIZE * scale, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    draw(painter)
    painter.end()
    return image


def main() -> None:
    _app = QGuiApplication(sys.argv[:1])
    for name, draw in ICONS.items():
        for scale, suffix in ((1, ""), (2, "@2x")):
            target = HERE / f"{name}{suffix}.png"
            render(draw, scale).save(str(target))
            print(f"wrote {target.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
