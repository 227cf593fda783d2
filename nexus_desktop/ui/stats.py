"""Quiz statistics (Quiz → Statistics…, Ctrl+Shift+S): the headline figures (questions seen,
due now and soon, retention, mastery, streak, time answering), a year of activity as a
GitHub-style heatmap, the next 30 days' forecast as a bar chart, and the figures per area.

Everything is read through the quiz service's futures (``QuizService.stats`` and
``due_counts``) and delivered by the window's ``FutureRelay``: the UI thread never waits for
the database. The charts are painted with QPainter in colours taken from the palette (its
highlight colour for the scale), so they follow the light and the dark theme; each has an
accessible description giving its numbers in words, and *Copy as Text* puts every figure on
the clipboard as plain text.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QDialog, QToolTip

from nexus_desktop.services.text import plural
from nexus_desktop.storage.records import now_ms
from nexus_desktop.study.schedule import DAY_MS
from nexus_desktop.ui.actions import ActionSpec
from nexus_desktop.ui.failures import in_words

if TYPE_CHECKING:
    from nexus_desktop.services.quiz import (
        Catalogue,
        QuizFigures,
        QuizService,
        QuizStats,
    )
    from nexus_desktop.ui.db import FutureRelay
    from nexus_desktop.ui.main_window import MainWindow

ACTIONS = (
    ActionSpec("statistics", "&Statistics…", ("Ctrl+Shift+S",), "",
               "Your quiz figures: activity, retention, streak and what falls due "
               "(Ctrl+Shift+S)", menu="quiz", section="stats", handler="show"),
)  # fmt: skip

HEATMAP_DAYS = 365  # the activity grid: the last year, today included
HEATMAP_WEEKS = 53
FORECAST_DAYS = 30
EPOCH = date(1970, 1, 1)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
AREA_COLUMNS = ("Area", "Seen", "Due now", "Next 7 d", "Next 30 d", "Retention", "Mastery")
AREA_TIPS = (
    "The pack and its areas (an area counts the areas inside it)",
    "Questions answered at least once, of the questions there",
    "Questions due for review now",
    "Questions not due yet that fall due within 7 days",
    "Questions not due yet that fall due within 30 days (the 7 days included)",
    "Share of right answers when a question was due, over the last 12 months",
    "Mean predicted recall of the seen questions now",
)
EMPTY_MESSAGE = (
    "<b>No answers yet.</b> Answer questions with <b>Quiz → Due Today</b> (F7) and your "
    "activity, retention, streak and what falls due will show here. {questions} are ready "
    "in the open packs."
)


# -- words and numbers ---------------------------------------------------------------------------


def long_date(day: date) -> str:
    """``3 March 2026``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """``3 Mar``."""
    return f"{day.day} {MONTHS[day.month - 1][:3]}"


def weekday_date(day: date) -> str:
    """``Tue 3 March 2026``."""
    return f"{WEEKDAYS[day.weekday()]} {long_date(day)}"


def percent(share: float | None) -> str:
    """``84%``, or an em dash when there is nothing to measure."""
    return "—" if share is None else f"{round(share * 100)}%"


def duration(ms: int) -> str:
    """``3 h 25 min``, ``12 min``, ``40 s``; ``0 min`` for nothing."""
    seconds = max(0, ms) // 1000
    if seconds == 0:
        return "0 min"
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def local_offset_ms() -> int:
    """The learner's UTC offset now, in milliseconds (days in the figures are local days)."""
    offset = datetime.now().astimezone().utcoffset()
    return int(offset.total_seconds() * 1000) if offset is not None else 0


def day_of(at_ms: int, offset_ms: int) -> date:
    return EPOCH + timedelta(days=(at_ms + offset_ms) // DAY_MS)


def heat_thresholds(counts: Iterable[int]) -> tuple[int, int, int]:
    """The upper ends of heat levels 1, 2 and 3: the quartiles of the days with reviews (the
    days above the third are level 4), as GitHub's contribution graph does."""
    values = sorted(count for count in counts if count > 0)
    if not values:
        return (0, 0, 0)

    def at(share: float) -> int:
        return values[min(len(values) - 1, max(0, math.ceil(share * len(values)) - 1))]

    return at(0.25), at(0.5), at(0.75)


def heat_level(count: int, thresholds: tuple[int, int, int]) -> int:
    """0 for no reviews, else 1..4 (see :func:`heat_thresholds`)."""
    if count <= 0:
        return 0
    return 1 + sum(count > top for top in thresholds)


def level_ranges(thresholds: tuple[int, int, int], busiest: int) -> list[str]:
    """What each of the five heat levels means, in words (for the legend's tooltips)."""
    ranges = ["No reviews"]
    low = 1
    for high in (*thresholds, busiest):
        if busiest <= 0 or high < low:
            ranges.append("No day at this level")
            continue
        ranges.append(plural(low, "review") if low == high else f"{low:,}–{high:,} reviews")
        low = high + 1
    return ranges


def nice_step(top: int, lines: int = 4) -> int:
    """A round gridline step (1, 2, 5, 10, 20, 50…) giving at most ``lines`` lines to ``top``."""
    if top <= lines:
        return 1
    raw = top / lines
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)


def blend(base: QColor, top: QColor, amount: float) -> QColor:
    """``top`` laid over ``base`` at ``amount`` (0..1) opacity."""
    amount = max(0.0, min(1.0, amount))
    return QColor.fromRgbF(
        base.redF() + (top.redF() - base.redF()) * amount,
        base.greenF() + (top.greenF() - base.greenF()) * amount,
        base.blueF() + (top.blueF() - base.blueF()) * amount,
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def heat_colours(palette: QPalette) -> list[QColor]:
    """The five colours of the activity scale, from the palette: an empty cell a little
    darker (lighter, in the dark) than the window, then the highlight colour ever stronger."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    accent = palette.color(QPalette.ColorRole.Highlight)
    if is_dark(palette):
        accent = accent.lighter(125)
        empty, shares = blend(window, text, 0.10), (0.35, 0.55, 0.78, 1.0)
    else:
        empty, shares = blend(window, text, 0.08), (0.3, 0.52, 0.76, 1.0)
    return [empty, *(blend(window, accent, share) for share in shares)]


def bar_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """The forecast's colours: questions falling due later, and those due now (stronger)."""
    window = palette.color(QPalette.ColorRole.Window)
    accent = palette.color(QPalette.ColorRole.Highlight)
    if is_dark(palette):
        return blend(window, accent.lighter(120), 0.85), accent.lighter(165)
    return blend(window, accent, 0.75), accent.darker(140)


def muted(palette: QPalette) -> QColor:
    return blend(
        palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.WindowText), 0.62
    )


# -- the figures, once loaded ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatsView:
    """Everything the dialog shows: the service's statistics, the question catalogue (for the
    areas' titles), the learner's ``today`` and the forecast (questions falling due on each of
    the next days; the first, today, includes those due now)."""

    stats: QuizStats
    catalogue: Catalogue
    today: date
    forecast: tuple[int, ...]

    @property
    def empty(self) -> bool:
        return not self.stats.days and self.stats.overall.seen == 0

    @property
    def reviews(self) -> int:
        return sum(self.stats.days.values())

    def busiest_day(self) -> tuple[date, int] | None:
        if not self.stats.days:
            return None
        key, count = max(self.stats.days.items(), key=lambda kv: (kv[1], kv[0]))
        return date.fromisoformat(key), count


def forecast_from(totals: Sequence[int]) -> tuple[int, ...]:
    """Questions falling due each day from the due totals at the end of each day."""
    out, before = [], 0
    for total in totals:
        out.append(max(0, total - before))
        before = max(before, total)
    return tuple(out)


def activity_words(days: dict[str, int], streak: int) -> str:
    """The heatmap's numbers in words (its accessible description)."""
    total = sum(days.values())
    if not total:
        return "No reviews in the last year."
    key, most = max(days.items(), key=lambda kv: (kv[1], kv[0]))
    return (
        f"{plural(total, 'review')} in the last year, on {plural(len(days), 'day')}; "
        f"most on {long_date(date.fromisoformat(key))}: {most:,}; "
        f"current streak {plural(streak, 'day')}."
    )


def forecast_words(forecast: Sequence[int], today: date, due_now: int) -> str:
    """The forecast chart's numbers in words (its accessible description)."""
    total = sum(forecast)
    if not total:
        return f"Nothing falls due in the next {FORECAST_DAYS} days."
    busiest = max(range(len(forecast)), key=lambda i: (forecast[i], -i))
    words = [
        f"Questions due each day for the next {len(forecast)} days: "
        f"{per_day(total, len(forecast))}",
        f"today {forecast[0]:,} ({due_now:,} due now)",
        f"busiest day {day_label(today, busiest)}: {forecast[busiest]:,}",
    ]
    nonzero = [f"{day_label(today, i)}: {n:,}" for i, n in enumerate(forecast) if n]
    return "; ".join(words) + ". Day by day: " + ", ".join(nonzero) + "."


def per_day(total: int, days: int) -> str:
    """``about 7 a day``; ``fewer than one a day``."""
    rate = total / days if days else 0.0
    return f"about {rate:,.0f} a day" if rate >= 0.5 else "fewer than one a day"


def day_label(today: date, offset: int) -> str:
    if offset == 0:
        return "today"
    if offset == 1:
        return "tomorrow"
    return long_date(today + timedelta(days=offset))


# -- the painted widgets ---------------------------------------------------------------------------


class HeatmapWidget(QtWidgets.QWidget):
    """Reviews per day over the last year: 53 week columns of 7 days (Monday on top), month
    names above, Mon/Wed/Fri at the left, a *Less … More* legend below. Hover (or move with
    the arrow keys) for a day's date and count."""

    GAP = 3

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsHeatmap")
        self.setAccessibleName("Activity: reviews per day over the last year")
        self.setAccessibleDescription("Loading…")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed
        )
        self.days: dict[date, int] = {}
        self.today = date.today()
        self.busiest = 0
        self.thresholds = (0, 0, 0)
        self.current: date | None = None  # the keyboard's cell
        self.hovered: date | None = None  # the pointer's

    # -- data ---------------------------------------------------------------------------------
    def set_data(self, days: dict[str, int], today: date, streak: int = 0) -> None:
        self.days = {date.fromisoformat(key): count for key, count in days.items()}
        self.today = today
        self.busiest = max(self.days.values(), default=0)
        self.thresholds = heat_thresholds(self.days.values())
        if self.current is not None and not self.first <= self.current <= today:
            self.current = None
        self.setAccessibleDescription(activity_words(days, streak))
        self.updateGeometry()
        self.update()

    @property
    def first(self) -> date:
        """The first day shown (a year ago, tomorrow)."""
        return self.today - timedelta(days=HEATMAP_DAYS - 1)

    @property
    def first_monday(self) -> date:
        """The Monday of the first column."""
        this_monday = self.today - timedelta(days=self.today.weekday())
        return this_monday - timedelta(weeks=HEATMAP_WEEKS - 1)

    def count(self, day: date) -> int:
        return self.days.get(day, 0)

    # -- geometry -----------------------------------------------------------------------------
    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        return max(metrics.horizontalAdvance(name) for name in ("Mon", "Wed", "Fri")) + 8

    def _step(self) -> int:
        """Cell size plus gap: the grid fills the width, within reason."""
        room = self.width() - self._label_width() - 4
        return max(12, min(19, room // HEATMAP_WEEKS))

    def _origin(self) -> QPoint:
        """The top-left of the first cell; the grid and its labels are centred."""
        step = self._step()
        grid = HEATMAP_WEEKS * step - self.GAP
        left = self._label_width()
        x = max(left, (self.width() - grid + left) // 2)
        return QPoint(x, self.fontMetrics().height() + 6)

    def _cell_rect(self, day: date) -> QRect:
        step, origin = self._step(), self._origin()
        offset = (day - self.first_monday).days
        column, row = divmod(offset, 7)
        return QRect(
            origin.x() + column * step, origin.y() + row * step, step - self.GAP, step - self.GAP
        )

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's API
        metrics = self.fontMetrics()
        return QSize(
            self._label_width() + HEATMAP_WEEKS * 16,
            metrics.height() + 6 + 7 * 16 + metrics.height() + 14,
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's API
        metrics = self.fontMetrics()
        return QSize(
            self._label_width() + HEATMAP_WEEKS * 12,
            metrics.height() + 6 + 7 * 12 + metrics.height() + 14,
        )

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:  # noqa: N802 - Qt's API
        super().resizeEvent(event)
        metrics = self.fontMetrics()
        height = metrics.height() + 6 + 7 * self._step() + metrics.height() + 14
        if self.height() != height:
            self.setFixedHeight(height)

    def point_for(self, day: date) -> QPoint:
        """The centre of ``day``'s cell (a day of the last year)."""
        if not self.first <= day <= self.today:
            raise ValueError(f"{day} is not in the last year shown")
        return self._cell_rect(day).center()

    def cell_at(self, point: QPoint) -> tuple[date, int] | None:
        """The day under ``point`` and its count of reviews, or None off the grid."""
        step, origin = self._step(), self._origin()
        x, y = point.x() - origin.x(), point.y() - origin.y()
        if x < 0 or y < 0:
            return None
        column, row = x // step, y // step
        if column >= HEATMAP_WEEKS or row >= 7:
            return None
        if x % step >= step - self.GAP or y % step >= step - self.GAP:
            return None  # in the gap between two cells
        day = self.first_monday + timedelta(days=column * 7 + row)
        if not self.first <= day <= self.today:
            return None
        return day, self.count(day)

    def _legend_rects(self) -> tuple[QRect, list[QRect], QRect]:
        """The legend, right-aligned under the grid: "Less", five squares, "More"."""
        metrics = self.fontMetrics()
        step = self._step()
        size = step - self.GAP
        origin = self._origin()
        right = origin.x() + HEATMAP_WEEKS * step - self.GAP
        top = origin.y() + 7 * step + 6
        more = QRect(
            right - metrics.horizontalAdvance("More"),
            top,
            metrics.horizontalAdvance("More"),
            max(size, metrics.height()),
        )
        squares: list[QRect] = []
        x = more.left() - 6 - size
        for _level in range(5):
            squares.insert(0, QRect(x, top + (more.height() - size) // 2, size, size))
            x -= step
        less_width = metrics.horizontalAdvance("Less")
        less = QRect(squares[0].left() - 6 - less_width, top, less_width, more.height())
        return less, squares, more

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:  # noqa: N802 - Qt's API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        colours = heat_colours(palette)
        faint = muted(palette)
        text = palette.color(QPalette.ColorRole.WindowText)
        metrics = self.fontMetrics()
        origin, step = self._origin(), self._step()
        radius = 2.0
        # Weekday names, on the rows of Monday, Wednesday and Friday.
        painter.setPen(faint)
        for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
            rect = QRect(0, origin.y() + row * step - 2, origin.x() - 6, step + 2)
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name
            )
        # Month names, over the first column holding the month's first day.
        last_end = -1
        for column in range(HEATMAP_WEEKS):
            monday = self.first_monday + timedelta(weeks=column)
            days = [monday + timedelta(days=n) for n in range(7)]
            shown = [d for d in days if self.first <= d <= self.today]
            if not shown:
                continue
            starts = next((d for d in shown if d.day == 1), None)
            if starts is None and column > 0 and shown[0] != self.first:
                continue
            month = (starts or shown[0]).month
            if starts is None:  # the first column: only if the month goes on a while
                next_first = date(shown[0].year + shown[0].month // 12, shown[0].month % 12 + 1, 1)
                if (next_first - shown[0]).days < 14:
                    continue
            x = origin.x() + column * step
            name = MONTHS[month - 1][:3]
            if x <= last_end + 4:
                continue
            painter.drawText(x, origin.y() - 6 - metrics.descent(), name)
            last_end = x + metrics.horizontalAdvance(name)
        # The cells.
        painter.setPen(Qt.PenStyle.NoPen)
        day = self.first
        while day <= self.today:
            painter.setBrush(colours[heat_level(self.count(day), self.thresholds)])
            painter.drawRoundedRect(QRectF(self._cell_rect(day)), radius, radius)
            day += timedelta(days=1)
        # Today, outlined; the keyboard's cell, framed when focused.
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QtGui.QPen(blend(palette.color(QPalette.ColorRole.Window), text, 0.7), 1))
        painter.drawRoundedRect(
            QRectF(self._cell_rect(self.today)).adjusted(-1, -1, 1, 1), radius + 1, radius + 1
        )
        if self.hovered is not None:
            painter.setPen(QtGui.QPen(text, 1.5))
            painter.drawRoundedRect(
                QRectF(self._cell_rect(self.hovered)).adjusted(-1, -1, 1, 1), radius, radius
            )
        if self.hasFocus():
            focused = self.current or self.today
            painter.setPen(QtGui.QPen(text, 2))
            painter.drawRoundedRect(QRectF(self._cell_rect(focused)).adjusted(-2, -2, 2, 2), 3, 3)
        # The legend.
        less, squares, more = self._legend_rects()
        painter.setPen(faint)
        painter.drawText(less, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, "Less")
        painter.drawText(more, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "More")
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, rect in zip(colours, squares, strict=True):
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(rect), radius, radius)
        painter.end()

    # -- hover and keys -----------------------------------------------------------------------
    def tip_for(self, day: date, count: int) -> str:
        when = f"Today, {weekday_date(day)}" if day == self.today else weekday_date(day)
        return f"{when}: {plural(count, 'review') if count else 'no reviews'}"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QtGui.QHelpEvent)
            hit = self.cell_at(event.pos())
            if hit is not None:
                rect = self._cell_rect(hit[0])
                QToolTip.showText(event.globalPos(), self.tip_for(*hit), self, rect)
                return True
            _less, squares, _more = self._legend_rects()
            ranges = level_ranges(self.thresholds, self.busiest)
            for level, rect in enumerate(squares):
                if rect.contains(event.pos()):
                    QToolTip.showText(event.globalPos(), ranges[level], self)
                    return True
            QToolTip.hideText()
            event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: N802 - Qt's API
        hit = self.cell_at(event.position().toPoint())
        day = hit[0] if hit is not None else None
        if day != self.hovered:
            self.hovered = day
            self.update()
            if hit is not None and QToolTip.isVisible():  # follow the pointer at once
                rect = self._cell_rect(hit[0])
                QToolTip.showText(event.globalPosition().toPoint(), self.tip_for(*hit), self, rect)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's API
        self.hovered = None
        self.update()
        super().leaveEvent(event)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:  # noqa: N802 - Qt's API
        moves = {Qt.Key.Key_Left: -7, Qt.Key.Key_Right: 7, Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}
        current = self.current or self.today
        if event.key() in moves:
            target = current + timedelta(days=moves[Qt.Key(event.key())])
        elif event.key() == Qt.Key.Key_Home:
            target = self.first
        elif event.key() == Qt.Key.Key_End:
            target = self.today
        else:
            super().keyPressEvent(event)
            return
        target = min(self.today, max(self.first, target))
        self.current = target
        self.update()
        tip = self.tip_for(target, self.count(target))
        self.setAccessibleName(f"Activity: {tip}")
        QToolTip.showText(self.mapToGlobal(self.point_for(target)), tip, self)

    def focusInEvent(self, event: QtGui.QFocusEvent) -> None:  # noqa: N802 - Qt's API
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QtGui.QFocusEvent) -> None:  # noqa: N802 - Qt's API
        super().focusOutEvent(event)
        self.update()


class ForecastWidget(QtWidgets.QWidget):
    """Questions falling due on each of the next 30 days, as bars over a labelled axis (the
    first bar, today, includes the questions due now). Hover a bar for its day and count."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsForecast")
        self.setAccessibleName(f"Forecast: questions due on each of the next {FORECAST_DAYS} days")
        self.setAccessibleDescription("Loading…")
        self.setMouseTracking(True)
        self.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed
        )
        self.setFixedHeight(200)
        self.forecast: tuple[int, ...] = ()
        self.today = date.today()
        self.due_now = 0
        self.loaded = False
        self.hovered: int | None = None  # the day under the pointer (0: today)

    def set_data(self, forecast: Sequence[int], today: date, due_now: int) -> None:
        self.forecast, self.today, self.due_now = tuple(forecast), today, due_now
        self.loaded = True
        self.setFixedHeight(200 if sum(self.forecast) else 110)  # nothing due: a low strip
        self.setAccessibleDescription(forecast_words(self.forecast, today, due_now))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's API
        return QSize(760, 200)

    # -- geometry -----------------------------------------------------------------------------
    def _scale(self) -> tuple[int, int]:
        """(top of the axis, gridline step)."""
        highest = max(self.forecast, default=0)
        step = nice_step(max(highest, 1))
        top = max(step, math.ceil(highest / step) * step)
        return top, step

    def _plot(self) -> QRect:
        metrics = self.fontMetrics()
        top, _step = self._scale()
        left = metrics.horizontalAdvance(f"{top:,}") + 14
        return QRect(
            left,
            metrics.height() + 10,
            self.width() - left - 8,
            self.height() - 2 * metrics.height() - 18,
        )

    def _slot(self, index: int) -> QRectF:
        """The column of the ``index``-th day (the bar fills the middle of it)."""
        plot = self._plot()
        width = plot.width() / FORECAST_DAYS
        return QRectF(plot.left() + index * width, plot.top(), width, plot.height())

    def _bar(self, index: int) -> QRectF:
        slot = self._slot(index)
        top, _step = self._scale()
        height = slot.height() * self.forecast[index] / top if top else 0.0
        margin = max(1.0, slot.width() * 0.16)
        return QRectF(
            slot.left() + margin, slot.bottom() - height, slot.width() - 2 * margin, height
        )

    def point_for(self, day: date) -> QPoint:
        """A point over ``day``'s column (one of the next 30 days, today first)."""
        index = (day - self.today).days
        if not 0 <= index < FORECAST_DAYS:
            raise ValueError(f"{day} is not in the next {FORECAST_DAYS} days")
        return self._slot(index).center().toPoint()

    def bar_at(self, point: QPoint) -> tuple[date, int] | None:
        """The day whose column is under ``point`` and how many questions fall due on it."""
        if not self.forecast:
            return None
        for index in range(len(self.forecast)):
            if self._slot(index).contains(QtCore.QPointF(point)):
                return self.today + timedelta(days=index), self.forecast[index]
        return None

    def tip_for(self, day: date, count: int) -> str:
        index = (day - self.today).days
        if index == 0:
            later = max(0, count - self.due_now)
            return (
                f"Today: {plural(count, 'question')} due "
                f"({self.due_now:,} due now, {later:,} later today)"
            )
        name = "Tomorrow, " + weekday_date(day) if index == 1 else weekday_date(day)
        return f"{name}: {plural(count, 'question')} due"

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: N802 - Qt's API
        hit = self.bar_at(event.position().toPoint())
        index = (hit[0] - self.today).days if hit is not None else None
        if index != self.hovered:
            self.hovered = index
            self.update()
            if hit is not None and index is not None and QToolTip.isVisible():
                slot = self._slot(index).toRect()
                QToolTip.showText(event.globalPosition().toPoint(), self.tip_for(*hit), self, slot)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's API
        self.hovered = None
        self.update()
        super().leaveEvent(event)

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:  # noqa: N802 - Qt's API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        faint = muted(palette)
        metrics = self.fontMetrics()
        plot = self._plot()
        top, step = self._scale()
        total: int = sum(self.forecast)
        if self.hovered is not None and total:  # the column under the pointer
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(blend(window, text, 0.07))
            painter.drawRoundedRect(self._slot(self.hovered), 3, 3)
        # The axis title, then the gridlines with their numbers.
        painter.setPen(faint if total else Qt.PenStyle.NoPen)
        painter.drawText(
            QRect(0, 0, self.width(), metrics.height() + 4),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            "Questions due",
        )
        values = range(0, top + 1, step) if total else range(1)  # empty: a baseline
        for value in values:
            y = plot.bottom() - round(plot.height() * value / top)
            painter.setPen(QtGui.QPen(blend(window, text, 0.25 if value == 0 else 0.1), 1))
            painter.drawLine(plot.left(), y, plot.right(), y)
            painter.setPen(faint)
            painter.drawText(
                QRect(0, y - metrics.height() // 2, plot.left() - 8, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{value:,}",
            )
        # The day labels: today, then every week.
        label_top = plot.bottom() + 5
        for index in range(0, FORECAST_DAYS, 7):
            slot = self._slot(index)
            label = "Today" if index == 0 else short_date(self.today + timedelta(days=index))
            width = metrics.horizontalAdvance(label) + 4
            x = slot.center().x() - width / 2
            x = max(float(plot.left()) - 4, x)
            painter.drawText(
                QRectF(x, label_top, width, metrics.height()), Qt.AlignmentFlag.AlignCenter, label
            )
            painter.setPen(QtGui.QPen(blend(window, text, 0.25), 1))
            painter.drawLine(
                QtCore.QPointF(slot.center().x(), plot.bottom()),
                QtCore.QPointF(slot.center().x(), plot.bottom() + 3),
            )
            painter.setPen(faint)
        # The bars (today's, with the part due now in the stronger colour), and their legend.
        later, now_colour = bar_colours(palette)
        painter.setPen(Qt.PenStyle.NoPen)
        for index, count in enumerate(self.forecast):
            if not count:
                continue
            bar = self._bar(index)
            painter.setBrush(later)
            painter.drawRoundedRect(bar, 2, 2)
            if index == 0 and self.due_now:
                share = min(1.0, self.due_now / count)
                due = QRectF(
                    bar.left(),
                    bar.bottom() - bar.height() * share,
                    bar.width(),
                    bar.height() * share,
                )
                painter.setBrush(now_colour)
                painter.drawRoundedRect(due, 2, 2)
        if total:
            x = plot.right()
            size = metrics.height() - 6
            for colour, label in ((later, "falling due"), (now_colour, "due now")):
                x -= metrics.horizontalAdvance(label)
                painter.setPen(faint)
                painter.drawText(
                    QRect(x, 0, metrics.horizontalAdvance(label) + 2, metrics.height() + 4),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                    label,
                )
                x -= size + 5
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawRoundedRect(QRectF(x, 4, size, size), 2, 2)
                x -= 14
        if self.loaded and not total:
            painter.setPen(faint)
            painter.drawText(
                plot,
                Qt.AlignmentFlag.AlignCenter,
                f"Nothing falls due in the next {FORECAST_DAYS} days.",
            )
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QtGui.QHelpEvent)
            hit = self.bar_at(event.pos())
            if hit is not None:
                slot = self._slot((hit[0] - self.today).days).toRect()
                QToolTip.showText(event.globalPos(), self.tip_for(*hit), self, slot)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)


class Figure(QtWidgets.QWidget):
    """One headline figure: a big number over a small caption, on a soft card."""

    def __init__(
        self, name: str, caption: str, tip: str, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"figure_{name}")
        self.tip = tip
        self.setToolTip(tip)
        self.value = QtWidgets.QLabel("…")
        self.value.setObjectName(f"figure_{name}_value")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QtWidgets.QLabel(caption)
        self.caption.setWordWrap(True)
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addStretch(1)
        self.setAccessibleName(caption)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.setAccessibleDescription(f"{value} {detail}".strip())
        self.setToolTip(f"{self.tip}\n{value} {detail}".strip() if detail else self.tip)

    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:  # noqa: N802 - Qt's API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        window = palette.color(QPalette.ColorRole.Window)
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.WindowText)
        painter.setPen(QtGui.QPen(blend(window, text, 0.12), 1))
        painter.setBrush(blend(window, base, 0.7))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.end()


class Banner(QtWidgets.QWidget):
    """A message across the top of the dialog (loading, no answers yet, a failure) on a soft
    panel tinted with the highlight colour."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsBanner")
        self.label = QtWidgets.QLabel()
        self.label.setObjectName("statsMessage")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setContentsMargins(14, 10, 14, 10)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 2)
        layout.addWidget(self.label)

    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        window = palette.color(QPalette.ColorRole.Window)
        accent = palette.color(QPalette.ColorRole.Highlight)
        painter.setPen(QtGui.QPen(blend(window, accent, 0.45), 1))
        painter.setBrush(blend(window, accent, 0.12))
        box = QRectF(self.label.geometry()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.drawRoundedRect(box, 6, 6)
        painter.end()


class RoomyDelegate(QtWidgets.QStyledItemDelegate):
    """Rows with a little air above and below the text."""

    def sizeHint(
        self,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height() + 8, option.fontMetrics.height() + 10))  # type: ignore[attr-defined]


class MasteryDelegate(RoomyDelegate):
    """A share (the item's sort value, 0..1) as a small bar with its percentage beside it."""

    def paint(
        self,
        painter: QPainter,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> None:
        item = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        label, item.text = item.text, ""
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QtWidgets.QApplication.style()
        style.drawControl(QtWidgets.QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        value = index.data(SORT_ROLE)
        palette = option.palette  # type: ignore[attr-defined]
        rect: QRect = option.rect  # type: ignore[attr-defined]
        selected = bool(option.state & QtWidgets.QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QtGui.QFontMetrics(option.font)  # type: ignore[attr-defined]
        label_width = metrics.horizontalAdvance("100%") + 8
        track = QRectF(rect.left() + 6, rect.center().y() - 4, rect.width() - label_width - 12, 8)
        if isinstance(value, float) and value >= 0 and track.width() > 10:
            base = palette.color(QPalette.ColorRole.Base)
            accent = text if selected else palette.color(QPalette.ColorRole.Highlight)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(blend(base, text, 0.12))
            painter.drawRoundedRect(track, 4, 4)
            painter.setBrush(accent)
            filled = QRectF(
                track.left(),
                track.top(),
                max(track.height(), track.width() * value),
                track.height(),
            )
            painter.drawRoundedRect(filled, 4, 4)
        painter.setPen(text)
        painter.drawText(
            QRect(rect.right() - label_width, rect.top(), label_width - 6, rect.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            label,
        )
        painter.restore()


class AreaRow(QtWidgets.QTreeWidgetItem):
    """A row of the per-area table, sorted by each column's value (not its text)."""

    def __lt__(self, other: QtWidgets.QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        mine, theirs = self.data(column, SORT_ROLE), other.data(column, SORT_ROLE)
        if mine is None or theirs is None or type(mine) is not type(theirs):
            return self.text(column).casefold() < other.text(column).casefold()
        return bool(mine < theirs)


def area_cells(figures: QuizFigures) -> list[tuple[str, Any, str]]:
    """The (text, sort value, tooltip) of a row's figure columns."""
    retention_tip = (
        f"{figures.due_correct:,} of {figures.due_reviews:,} right when due"
        if figures.due_reviews
        else "No answers when due yet"
    )
    return [
        (
            f"{figures.seen:,} / {figures.questions:,}",
            figures.seen,
            f"{plural(figures.seen, 'question')} seen of {figures.questions:,}; "
            f"{figures.new:,} new",
        ),
        (f"{figures.due_now:,}", figures.due_now, ""),
        (f"{figures.due_7d:,}", figures.due_7d, ""),
        (f"{figures.due_30d:,}", figures.due_30d, ""),
        (
            percent(figures.retention),
            -1.0 if figures.retention is None else figures.retention,
            retention_tip,
        ),
        (
            percent(figures.mastery),
            -1.0 if figures.mastery is None else figures.mastery,
            "Nothing seen yet" if figures.mastery is None else "Mean predicted recall now",
        ),
    ]


# -- the dialog --------------------------------------------------------------------------------


class StatsDialog(QDialog):
    """The quiz statistics, loaded through ``relay`` from ``quiz``'s futures (``clock`` and
    ``offset_ms``, the learner's UTC offset, fix the time for tests)."""

    loaded = QtCore.Signal()  # the figures are on screen
    failed = QtCore.Signal(str)

    FIGURES = (
        ("seen", "questions seen", "Questions answered at least once, of all in the open packs"),
        ("due_now", "due now", "Questions due for review now"),
        ("due_7d", "due in the next 7 days", "Not due yet, falling due within 7 days"),
        (
            "due_30d",
            "due in the next 30 days",
            "Not due yet, falling due within 30 days (the 7 days included)",
        ),
        (
            "retention",
            "retention",
            "Share of right answers when a question was due, over the last 12 months",
        ),
        ("mastery", "mastery", "Mean predicted recall of the questions you have seen, now"),
        (
            "streak",
            "day streak",
            "Days in a row with at least one answer, up to today (or yesterday, if none yet today)",
        ),
        (
            "time",
            "time answering (12 months)",
            "Time spent answering questions in the last 12 months",
        ),
    )

    def __init__(
        self,
        quiz: QuizService,
        relay: FutureRelay,
        parent: QtWidgets.QWidget | None = None,
        *,
        clock: Callable[[], int] = now_ms,
        offset_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.quiz, self.relay, self.clock = quiz, relay, clock
        self.offset_ms = offset_ms
        self.view: StatsView | None = None
        self.loading = False
        self._generation = 0
        self.setObjectName("statsDialog")
        self.setWindowTitle("Quiz statistics")
        self.resize(900, 640)
        self.setSizeGripEnabled(True)

        content = QtWidgets.QWidget()
        content.setObjectName("statsContent")
        column = QtWidgets.QVBoxLayout(content)
        column.setContentsMargins(16, 14, 16, 16)
        column.setSpacing(8)

        self.banner = Banner()
        self.message = self.banner.label
        self.banner.hide()

        grid = QtWidgets.QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        self.figures: dict[str, Figure] = {}
        for number, (name, caption, tip) in enumerate(self.FIGURES):
            figure = self.figures[name] = Figure(name, caption, tip)
            grid.addWidget(figure, number // 4, number % 4)
        for index in range(4):
            grid.setColumnStretch(index, 1)
        column.addLayout(grid)
        # Questions that changed since they were answered, and retired ones (no longer in any
        # open pack): their history is kept; said only when there are some.
        self.changes = self._note()
        self.changes.setObjectName("statsChanges")
        self.changes.hide()
        column.addWidget(self.changes)

        self.activity_title = self._heading("Activity")
        column.addSpacing(8)
        column.addWidget(self.activity_title)
        self.activity_summary = self._note()
        column.addWidget(self.activity_summary)
        self.heatmap = HeatmapWidget()
        column.addWidget(self.heatmap)

        column.addSpacing(8)
        column.addWidget(self._heading(f"Due in the next {FORECAST_DAYS} days"))
        self.forecast_summary = self._note()
        column.addWidget(self.forecast_summary)
        self.forecast = ForecastWidget()
        column.addWidget(self.forecast)

        column.addSpacing(8)
        column.addWidget(self._heading("By area"))
        self.areas = QtWidgets.QTreeWidget()
        self.areas.setObjectName("statsAreas")
        self.areas.setAccessibleName("Figures per area")
        self.areas.setColumnCount(len(AREA_COLUMNS))
        self.areas.setHeaderLabels(list(AREA_COLUMNS))
        header_item = self.areas.headerItem()
        for index, tip in enumerate(AREA_TIPS):
            header_item.setToolTip(index, tip)
            if index:
                header_item.setTextAlignment(
                    index, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
        self.areas.setItemDelegate(RoomyDelegate(self.areas))
        self.areas.setItemDelegateForColumn(len(AREA_COLUMNS) - 1, MasteryDelegate(self.areas))
        self.areas.setAlternatingRowColors(True)
        self.areas.setRootIsDecorated(True)
        self.areas.setUniformRowHeights(True)
        self.areas.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.areas.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.areas.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        for index in range(1, len(AREA_COLUMNS) - 1):
            header.setSectionResizeMode(index, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(AREA_COLUMNS) - 1, QtWidgets.QHeaderView.ResizeMode.Fixed)
        header.resizeSection(len(AREA_COLUMNS) - 1, 150)
        self.areas.setSortingEnabled(True)
        self.areas.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.areas.expanded.connect(self._fit_areas)
        self.areas.collapsed.connect(self._fit_areas)
        column.addWidget(self.areas)
        column.addStretch(1)

        self.scroll_area = QtWidgets.QScrollArea()
        self.scroll_area.setObjectName("statsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)

        self.status = QtWidgets.QLabel("Loading…")
        self.status.setObjectName("statsStatus")
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.refresh_button = QtWidgets.QPushButton("&Refresh")
        self.refresh_button.setToolTip("Read the figures again (F5)")
        self.refresh_button.setShortcut(QtGui.QKeySequence("F5"))
        self.copy_button = QtWidgets.QPushButton("&Copy as Text")
        self.copy_button.setToolTip("Put every figure on the clipboard as plain text")
        close = QtWidgets.QPushButton("Close")
        buttons = QtWidgets.QHBoxLayout()
        buttons.setContentsMargins(12, 6, 12, 10)
        buttons.setSpacing(8)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.copy_button)
        buttons.addSpacing(8)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(close)
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.banner)  # above the scrolled part: always in view
        outer.addWidget(self.scroll_area, 1)
        line = QtWidgets.QFrame()
        line.setFrameShape(QtWidgets.QFrame.Shape.HLine)
        line.setFrameShadow(QtWidgets.QFrame.Shadow.Sunken)
        outer.addWidget(line)
        outer.addLayout(buttons)

        self.refresh_button.clicked.connect(self.refresh)
        self.copy_button.clicked.connect(self.copy_text)
        close.clicked.connect(self.close)
        self.copy_button.setEnabled(False)
        self.refresh()

    @staticmethod
    def _heading(text: str) -> QtWidgets.QLabel:
        label = QtWidgets.QLabel(text)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        label.setFont(font)
        return label

    @staticmethod
    def _note() -> QtWidgets.QLabel:
        label = QtWidgets.QLabel()
        label.setWordWrap(True)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        return label

    # -- loading ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read every figure again (the figures on screen stay until the new ones come)."""
        self._generation += 1
        generation = self._generation
        at = self.clock()
        offset = local_offset_ms() if self.offset_ms is None else self.offset_ms
        today = day_of(at, offset)
        first_ms = (today - EPOCH).days * DAY_MS - offset
        ends = [first_ms + (n + 1) * DAY_MS - 1 for n in range(FORECAST_DAYS)]
        self.loading = True
        self.refresh_button.setEnabled(False)
        self.status.setText("Loading…")
        if self.view is None:
            self.message.setText("Loading…")
            self.banner.show()
        try:
            catalogue = self.quiz.catalogue()
            futures: list[Future[Any]] = [
                self.quiz.stats(at, offset_ms=offset),
                self.quiz.due_totals(list(ends)),  # the forecast, in one job
                self.quiz.due_counts(at),  # how many of the due ones changed
                self.quiz.retired(),
            ]
        except Exception as error:  # noqa: BLE001 - shown in words, never a traceback
            self._failed(error, generation)
            return

        def done(results: list[Any]) -> None:
            if generation != self._generation:
                return  # a newer refresh is on its way
            stats: QuizStats = results[0]
            by_end: list[int] = results[1]
            totals = [max(n, stats.overall.due_now) if i == 0 else n for i, n in enumerate(by_end)]
            self.show_view(StatsView(stats, catalogue, today, forecast_from(totals)))
            self.show_changes(results[2].changed, len(results[3]))

        self.relay.when_done(gather(futures), done, lambda error: self._failed(error, generation))

    def show_changes(self, changed: int, retired: int) -> None:
        """Say how many questions changed since they were answered (due again) and how many
        are retired (their pack or file is gone; the answers stay in the history)."""
        parts = []
        if changed:
            parts.append(f"{plural(changed, 'question')} changed in the pack since you answered "
                         f"{'it' if changed == 1 else 'them'}: due again now.")  # fmt: skip
        if retired:
            parts.append(f"{plural(retired, 'question')} you answered "
                         f"{'is' if retired == 1 else 'are'} no longer in any open pack "
                         "(retired): your answers are kept in the history.")  # fmt: skip
        self.changes.setText(" ".join(parts))
        self.changes.setVisible(bool(parts))

    def _failed(self, error: BaseException, generation: int) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.refresh_button.setEnabled(True)
        words = in_words(error, "The statistics could not be read")
        self.status.setText(words)
        if self.view is None:
            self.message.setText(words)
            self.banner.show()
        self.failed.emit(words)

    # -- showing ------------------------------------------------------------------------------
    def show_view(self, view: StatsView) -> None:
        """Put ``view``'s figures on screen."""
        self.view = view
        self.loading = False
        stats, overall = view.stats, view.stats.overall
        self.refresh_button.setEnabled(True)
        self.copy_button.setEnabled(True)
        if view.empty:
            self.message.setText(
                EMPTY_MESSAGE.format(questions=plural(overall.questions, "question"))
            )
            self.banner.show()
        else:
            self.banner.hide()
        for name, (value, detail) in self.figure_values(view).items():
            self.figures[name].set(value, detail)
        self.activity_summary.setText(self._activity_line(view))
        self.heatmap.set_data(stats.days, view.today, stats.streak)
        self.forecast.set_data(view.forecast, view.today, overall.due_now)
        self.forecast_summary.setText(self._forecast_line(view))
        self._fill_areas(view)
        shown = datetime.fromtimestamp(stats.at_ms / 1000).strftime("%H:%M")
        self.status.setText(f"Updated at {shown}")
        self.loaded.emit()

    @staticmethod
    def figure_values(view: StatsView) -> dict[str, tuple[str, str]]:
        """Each headline figure's (value, detail in words)."""
        overall = view.stats.overall
        retention = (
            f"{overall.due_correct:,} of {overall.due_reviews:,} right when due"
            if overall.due_reviews
            else "no answers when due yet"
        )
        return {
            "seen": (
                f"{overall.seen:,} / {overall.questions:,}",
                f"of the questions in the open packs; {overall.new:,} new",
            ),
            "due_now": (f"{overall.due_now:,}", ""),
            "due_7d": (f"{overall.due_7d:,}", ""),
            "due_30d": (f"{overall.due_30d:,}", ""),
            "retention": (percent(overall.retention), retention),
            "mastery": (
                percent(overall.mastery),
                "mean predicted recall" if overall.mastery is not None else "nothing seen yet",
            ),
            "streak": (f"{view.stats.streak:,}", plural(view.stats.streak, "day") + " in a row"),
            "time": (
                duration(overall.time_ms),
                f"over {plural(overall.reviews, 'answer')} in the last 12 months",
            ),
        }

    def figure_text(self, name: str) -> str:
        """The value shown for headline figure ``name`` (see :attr:`FIGURES`)."""
        return self.figures[name].value.text()

    @staticmethod
    def _activity_line(view: StatsView) -> str:
        busiest = view.busiest_day()
        if busiest is None:
            return "No reviews in the last year yet."
        day, count = busiest
        days = len(view.stats.days)
        return (
            f"{plural(view.reviews, 'review')} in the last year, on "
            f"{plural(days, 'day')} · busiest day {long_date(day)}: {count:,} · "
            f"current streak {plural(view.stats.streak, 'day')}"
        )

    @staticmethod
    def _forecast_line(view: StatsView) -> str:
        total = sum(view.forecast)
        if not total:
            return "Nothing is scheduled yet: questions you answer come back here when due."
        forecast, due_now = view.forecast, view.stats.overall.due_now
        busiest = max(range(len(forecast)), key=lambda i: (forecast[i], -i))
        later = max(0, forecast[0] - due_now)
        rate = per_day(total, len(forecast)).capitalize()
        return (
            f"{rate} · today {forecast[0]:,} ({due_now:,} due now, {later:,} later today) · "
            f"busiest day {day_label(view.today, busiest)}: {forecast[busiest]:,}"
        )

    def _fill_areas(self, view: StatsView) -> None:
        tree, catalogue, stats = self.areas, view.catalogue, view.stats
        expanded = {self._key_of(item) for item in self._all_items() if item.isExpanded()}
        first_fill = tree.topLevelItemCount() == 0
        column, order = tree.sortColumn(), tree.header().sortIndicatorOrder()
        tree.setSortingEnabled(False)
        tree.clear()
        rank = {key: n for n, key in enumerate(catalogue.area_titles)}
        pack_rows: dict[str, AreaRow] = {}
        for number, (pack_id, figures) in enumerate(stats.by_pack.items()):
            row = self._row(catalogue.pack_names.get(pack_id, pack_id), figures, number)
            row.setData(0, Qt.ItemDataRole.UserRole, (pack_id, ""))
            tree.addTopLevelItem(row)
            pack_rows[pack_id] = row
        area_rows: dict[tuple[str, str], AreaRow] = {}
        ordered = sorted(
            stats.by_area.items(), key=lambda kv: (kv[0][1].count("/"), rank.get(kv[0], len(rank)))
        )
        for (pack_id, area_id), figures in ordered:
            titles = catalogue.area_titles.get((pack_id, area_id), ())
            title = titles[-1] if titles else area_id
            row = self._row(title, figures, len(pack_rows) + rank.get((pack_id, area_id), 0))
            row.setData(0, Qt.ItemDataRole.UserRole, (pack_id, area_id))
            row.setToolTip(0, catalogue.area_label(pack_id, area_id))
            parent_id = area_id.rsplit("/", 1)[0] if "/" in area_id else ""
            parent = area_rows.get((pack_id, parent_id)) or pack_rows.get(pack_id)
            if parent is None:
                tree.addTopLevelItem(row)
            else:
                parent.addChild(row)
            area_rows[(pack_id, area_id)] = row
        for item in self._all_items():
            key = self._key_of(item)
            item.setExpanded(key in expanded or (first_fill and not key[1]))
        tree.setSortingEnabled(True)
        tree.sortByColumn(column, order)
        self._fit_areas()

    @staticmethod
    def _row(title: str, figures: QuizFigures, rank: int) -> AreaRow:
        row = AreaRow([title])
        row.setData(0, SORT_ROLE, rank)
        for index, (text, value, tip) in enumerate(area_cells(figures), start=1):
            row.setText(index, text)
            row.setData(index, SORT_ROLE, value)
            row.setTextAlignment(index, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if tip:
                row.setToolTip(index, tip)
        return row

    def _rows_in_order(self) -> list[tuple[int, QtWidgets.QTreeWidgetItem, bool]]:
        """Every row top to bottom: (depth, item, shown: every row above it expanded)."""
        out: list[tuple[int, QtWidgets.QTreeWidgetItem, bool]] = []

        def walk(item: QtWidgets.QTreeWidgetItem, depth: int, shown: bool) -> None:
            out.append((depth, item, shown))
            for index in range(item.childCount()):
                child = item.child(index)
                if child is not None:
                    walk(child, depth + 1, shown and item.isExpanded())

        root = self.areas.invisibleRootItem()
        for index in range(root.childCount()):
            child = root.child(index)
            if child is not None:
                walk(child, 0, True)
        return out

    def _all_items(self) -> list[QtWidgets.QTreeWidgetItem]:
        return [item for _depth, item, _shown in self._rows_in_order()]

    @staticmethod
    def _key_of(item: QtWidgets.QTreeWidgetItem) -> tuple[str, str]:
        key = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(key, (tuple, list)) and len(key) == 2:
            return str(key[0]), str(key[1])
        return "", ""

    def _fit_areas(self, *_args: object) -> None:
        """As tall as its rows: the dialog scrolls, not the table."""
        tree = self.areas
        rows = sum(shown for _depth, _item, shown in self._rows_in_order())
        row_height = tree.sizeHintForRow(0) if tree.topLevelItemCount() else 0
        row_height = max(row_height, tree.fontMetrics().height() + 10)
        height = tree.header().sizeHint().height() + max(1, rows) * row_height
        tree.setFixedHeight(height + 2 * tree.frameWidth() + 2)

    def area_rows(self) -> list[tuple[int, list[str]]]:
        """The table as shown: (depth, texts of the columns) for every row, top to bottom."""
        return [
            (depth, [item.text(i) for i in range(len(AREA_COLUMNS))])
            for depth, item, _shown in self._rows_in_order()
        ]

    # -- the text -----------------------------------------------------------------------------
    def summary(self) -> str:
        """Every figure as plain text ("" until loaded)."""
        view = self.view
        if view is None:
            return ""
        stats, overall = view.stats, view.stats.overall
        retention = percent(overall.retention)
        if overall.due_reviews:
            retention += f" ({overall.due_correct:,} of {overall.due_reviews:,})"
        lines = [
            f"Quiz statistics — {long_date(view.today)}",
            "",
            f"Questions seen: {overall.seen:,} of {overall.questions:,} ({overall.new:,} new)",
            f"Due now: {overall.due_now:,}",
            f"Due in the next 7 days: {overall.due_7d:,}",
            f"Due in the next 30 days: {overall.due_30d:,} (the 7 days included)",
            f"Retention (right when due, last 12 months): {retention}",
            f"Mastery (mean predicted recall now): {percent(overall.mastery)}",
            f"Streak: {plural(stats.streak, 'day')}",
            f"Time answering (last 12 months): {duration(overall.time_ms)} over "
            f"{plural(overall.reviews, 'answer')}",
        ]
        lines += ["", "Activity: " + activity_words(stats.days, stats.streak)]
        lines += ["", f"Forecast: {forecast_words(view.forecast, view.today, overall.due_now)}"]
        lines += ["", "By area:", "\t".join(AREA_COLUMNS)]
        for depth, texts in self.area_rows():
            lines.append("\t".join(["  " * depth + texts[0], *texts[1:]]))
        return "\n".join(lines) + "\n"

    def copy_text(self) -> None:
        """Put :meth:`summary` on the clipboard."""
        text = self.summary()
        if not text:
            return
        QtWidgets.QApplication.clipboard().setText(text)
        self.status.setText("Copied the figures to the clipboard.")


def gather(futures: Sequence[Future[Any]]) -> Future[list[Any]]:
    """One future of every result of ``futures`` (in order), or of the first failure."""
    combined: Future[list[Any]] = Future()
    remaining = [len(futures)]
    lock = threading.Lock()

    def finished(_future: Future[Any]) -> None:
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
        if not last:
            return
        for future in futures:
            error = future.exception()
            if error is not None:
                combined.set_exception(error)
                return
        combined.set_result([future.result() for future in futures])

    if not futures:
        combined.set_result([])
    for future in futures:
        future.add_done_callback(finished)
    return combined


# -- the feature -----------------------------------------------------------------------------------


class StatsFeature(QObject):
    """Owns the statistics dialog: :meth:`show` opens it (non-modal), or raises and refreshes
    the one already open."""

    def __init__(
        self,
        quiz: QuizService,
        relay: FutureRelay,
        parent: QtWidgets.QWidget | None = None,
        *,
        clock: Callable[[], int] = now_ms,
        offset_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.quiz, self.relay, self.parent_widget = quiz, relay, parent
        self.clock, self.offset_ms = clock, offset_ms
        self.dialog: StatsDialog | None = None

    def show(self) -> StatsDialog:
        dialog = self.dialog
        if dialog is None:
            dialog = self.dialog = StatsDialog(
                self.quiz,
                self.relay,
                self.parent_widget,
                clock=self.clock,
                offset_ms=self.offset_ms,
            )
            dialog.show()
            return dialog
        dialog.refresh()
        if dialog.isVisible():  # behind the main window: bring it forward
            dialog.raise_()
            dialog.activateWindow()
        else:
            dialog.show()
        return dialog

    def refresh(self, *_args: object) -> None:
        """Read the figures again if the dialog is open (connect it to a signal sent after
        answers are recorded, e.g. the quiz feature's ``session_finished``)."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.refresh()


def install(window: MainWindow, quiz: QuizService) -> StatsFeature:
    """Quiz → Statistics… in ``window`` (after the study database is attached: it needs
    ``window.relay``)."""
    feature = StatsFeature(quiz, window.relay, window)
    window.install_actions("&Quiz", ACTIONS, feature)
    return feature
